/**
 * Scores the DependencyDetector with the standard rules on a labelled set of task pairs:
 * `tasks.jsonl` (`id` as `org/repo#N`, `repository`, `title`, `description`) and `pairs.jsonl`
 * (`a`, `b`, `label` 1 when one depends on the other). Prints precision, recall and F1 as one
 * JSON object, and what each relationship got right and wrong.
 *
 *   pnpm -s eval:detector <folder with tasks.jsonl and pairs.jsonl> [--min-confidence 0.7]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DependencyDetector } from '@chorale/detector';
import type { TaskContext } from '@chorale/protocol';
import { standardRules } from '@chorale/rules-standard';

interface EvalTask {
  id: string;
  repository: string;
  title: string;
  description?: string;
}
interface EvalPair {
  a: string;
  b: string;
  label: 0 | 1;
}

function lines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

const [folder, ...rest] = process.argv.slice(2);
if (!folder) {
  process.stderr.write(
    'usage: score-detector <folder with tasks.jsonl and pairs.jsonl> [--min-confidence N]\n',
  );
  process.exit(2);
}
const minAt = rest.indexOf('--min-confidence');
const minConfidence = minAt >= 0 ? Number(rest[minAt + 1]) : 0;

const detector = new DependencyDetector({ rules: [standardRules()], minConfidence });
const found = new Map<string, string>();
const pairKey = (a: string, b: string) => [a, b].sort().join(' ');
for (const t of lines<EvalTask>(join(folder, 'tasks.jsonl'))) {
  const task: TaskContext = {
    taskId: Number(t.id.split('#')[1]),
    projectId: t.repository,
    repository: t.repository,
    title: t.title,
    description: t.description ?? '',
    keywords: [],
    agentId: `agent-${t.id}`,
  };
  for (const d of detector.register(task)) {
    found.set(
      pairKey(`${d.task1.repository}#${d.task1.taskId}`, `${d.task2.repository}#${d.task2.taskId}`),
      d.relationship,
    );
  }
}

let tp = 0;
let fp = 0;
let fn = 0;
const byRelationship: Record<string, { right: number; wrong: number }> = {};
for (const p of lines<EvalPair>(join(folder, 'pairs.jsonl'))) {
  const relationship = found.get(pairKey(p.a, p.b));
  if (relationship) {
    byRelationship[relationship] ??= { right: 0, wrong: 0 };
    byRelationship[relationship][p.label ? 'right' : 'wrong']++;
    if (p.label) tp++;
    else fp++;
  } else if (p.label) fn++;
}
const precision = tp / (tp + fp || 1);
const recall = tp / (tp + fn || 1);
const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
const round = (x: number) => Math.round(x * 100) / 100;
process.stdout.write(
  `${JSON.stringify({ minConfidence, truePositives: tp, falsePositives: fp, falseNegatives: fn, precision: round(precision), recall: round(recall), f1: round(f1), byRelationship })}\n`,
);
