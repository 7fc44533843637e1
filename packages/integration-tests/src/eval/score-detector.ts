/**
 * Scores dependency detection on a labelled set of task pairs: `tasks.jsonl` (`id` as
 * `org/repo#N`, `repository`, `title`, `description`) and `pairs.jsonl` (`a`, `b`, `label` 1
 * when one depends on the other). Registers the tasks in file order with Chorale's
 * DependencyDetector and the standard rules, and runs the reference's substring rules on every
 * labelled pair; prints one JSON object per line: `reference`, `chorale`, and the same two for
 * each organisation group of `--by-org` (a pair belongs to the organisation of its task `a`).
 *
 *   pnpm -s eval:detector [folder, default ../shared/eval/dev] [--min-confidence 0.7] [--by-org]
 *     [--errors] [--distractors 1000]
 *
 * `--errors` adds one line per wrong verdict (false positive or negative) with the detector's
 * relationship, confidence and signals. `--distractors N` registers N synthetic tasks of other
 * projects first (`@chorale/detector/synthetic`, the benchmark's): the set is then judged as a
 * small part of a large corpus, where a word rare in the set is rarer still.
 *
 * Only labelled pairs count: a detected pair that is not in pairs.jsonl is neither right nor
 * wrong.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DependencyDetector } from '@chorale/detector';
import { syntheticTask } from '@chorale/detector/synthetic';
import type { TaskContext } from '@chorale/protocol';
import { standardRules } from '@chorale/rules-standard';
import { z } from 'zod';
import { referenceMatch } from './reference-rules.ts';

/** A task's id: `org/repo#N`, its number a positive whole number. */
const taskId = z.string().regex(/^[^\s#]+#[1-9]\d*$/, 'expected "org/repo#N"');

const evalTask = z.object({
  id: taskId,
  repository: z.string().min(1),
  title: z.string(),
  description: z.string().optional(),
});
const evalPair = z.object({
  a: taskId,
  b: taskId,
  label: z.union([z.literal(0), z.literal(1)]),
});
type EvalTask = z.infer<typeof evalTask>;
type EvalPair = z.infer<typeof evalPair>;

/**
 * The rows of a JSON Lines file, each checked with `schema` (fields it does not name are dropped);
 * a line that is not JSON or not a row is refused with its file, line and what was expected.
 */
function lines<T>(path: string, schema: z.ZodType<T>): T[] {
  const rows: T[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        fail(`${path}:${i + 1}: not JSON`);
      }
      const row = schema.safeParse(value);
      if (!row.success) {
        const issue = row.error.issues[0]!;
        const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
        fail(`${path}:${i + 1}: ${where}${issue.message}`);
      }
      rows.push(row.data);
    });
  return rows;
}

const USAGE =
  'usage: score-detector [folder with tasks.jsonl and pairs.jsonl] [--min-confidence N] ' +
  '[--distractors N] [--by-org] [--errors]\n';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}`);
  process.exit(2);
}

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        'min-confidence': { type: 'string', default: '0' },
        distractors: { type: 'string', default: '0' },
        'by-org': { type: 'boolean', default: false },
        errors: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
}

const { values, positionals } = parseCommandLine();
const minConfidence = Number(values['min-confidence']);
if (values['min-confidence'].trim() === '' || !(minConfidence >= 0 && minConfidence <= 1)) {
  fail('--min-confidence needs a number in 0..1');
}
const distractors = Number(values.distractors);
if (!Number.isSafeInteger(distractors) || distractors < 0) {
  fail('--distractors needs a whole number of tasks, 0 or more');
}
const byOrg = values['by-org'];
const showErrors = values.errors;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const folder = positionals[0] ?? join(repoRoot, '..', 'shared', 'eval', 'dev');
for (const file of ['tasks.jsonl', 'pairs.jsonl']) {
  if (!existsSync(join(folder, file))) fail(`no ${file} in ${folder}`);
}

const tasks: EvalTask[] = lines(join(folder, 'tasks.jsonl'), evalTask);
const pairs: EvalPair[] = lines(join(folder, 'pairs.jsonl'), evalPair);
const byId = new Map<string, EvalTask>();
for (const t of tasks) {
  if (byId.has(t.id)) fail(`tasks.jsonl has ${t.id} twice`);
  byId.set(t.id, t);
}
for (const p of pairs) {
  for (const id of [p.a, p.b]) {
    if (!byId.has(id)) fail(`pairs.jsonl names ${id}, which tasks.jsonl does not have`);
  }
}

/** The project of `--distractors` tasks (no task of a set is in it). */
const DISTRACTOR_PROJECT = 'chorale-eval-distractors';

const pairKey = (a: string, b: string) => [a, b].sort().join(' ');
const detector = new DependencyDetector({ rules: [standardRules()], minConfidence });
// tasks of other projects known before the set's: the set is then a small part of a large corpus
for (let i = 0; i < distractors; i++) {
  detector.register(syntheticTask(i, { projectId: DISTRACTOR_PROJECT }));
}
const found = new Map<string, string>();
const details = new Map<string, { confidence: number; signals: string[] }>();
for (const t of tasks) {
  const hash = t.id.lastIndexOf('#');
  const task: TaskContext = {
    taskId: Number(t.id.slice(hash + 1)),
    projectId: t.repository,
    repository: t.repository,
    title: t.title,
    description: t.description ?? '',
    keywords: [],
    agentId: `agent-${t.id}`,
  };
  for (const d of detector.register(task)) {
    const key = pairKey(
      `${d.task1.repository}#${d.task1.taskId}`,
      `${d.task2.repository}#${d.task2.taskId}`,
    );
    found.set(key, d.relationship);
    details.set(key, { confidence: d.confidence, signals: d.evidence?.signals ?? [] });
  }
}

interface Score {
  pairs: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
  byRelationship: Record<string, { right: number; wrong: number }>;
}

const round = (x: number) => Math.round(x * 100) / 100;

function score(labelled: readonly EvalPair[], verdict: (p: EvalPair) => string | undefined): Score {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const byRelationship: Record<string, { right: number; wrong: number }> = {};
  for (const p of labelled) {
    const relationship = verdict(p);
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
  return {
    pairs: labelled.length,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: round(precision),
    recall: round(recall),
    f1: round(f1),
    byRelationship,
  };
}

const reference = (p: EvalPair) => referenceMatch(byId.get(p.a)!, byId.get(p.b)!);
const chorale = (p: EvalPair) => found.get(pairKey(p.a, p.b));
const out = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

out({ detector: 'reference', set: folder, ...score(pairs, reference) });
out({ detector: 'chorale', set: folder, minConfidence, distractors, ...score(pairs, chorale) });
if (byOrg) {
  const orgs = new Map<string, EvalPair[]>();
  for (const p of pairs) {
    const org = p.a.split('/')[0]!;
    orgs.set(org, [...(orgs.get(org) ?? []), p]);
  }
  const sorted = [...orgs].sort((x, y) => y[1].length - x[1].length);
  for (const [org, labelled] of sorted) {
    out({ org, detector: 'reference', ...score(labelled, reference) });
    out({ org, detector: 'chorale', ...score(labelled, chorale) });
  }
  // two halves: the largest organisation, and all the others together
  const [largest, ...others] = sorted;
  if (largest && others.length > 0) {
    const rest = others.flatMap(([, labelled]) => labelled);
    out({ half: largest[0], detector: 'chorale', ...score(largest[1], chorale) });
    out({ half: 'other organisations', detector: 'chorale', ...score(rest, chorale) });
  }
}
if (showErrors) {
  for (const p of pairs) {
    const key = pairKey(p.a, p.b);
    const relationship = found.get(key);
    if (Boolean(relationship) === Boolean(p.label)) continue;
    out({
      error: p.label ? 'missed' : 'false positive',
      a: `${p.a} ${byId.get(p.a)!.title}`,
      b: `${p.b} ${byId.get(p.b)!.title}`,
      relationship,
      ...details.get(key),
    });
  }
}
