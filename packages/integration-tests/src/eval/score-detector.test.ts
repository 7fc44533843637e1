import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./score-detector.ts', import.meta.url));

/** A small labelled set: a specification and its implementation, and an unrelated task. */
const TASKS = [
  {
    id: 'acme/spec#1',
    repository: 'acme/spec',
    title: 'Specify the WidgetFrobnicator rotation policy',
    description: 'Defines how WidgetFrobnicator rotates its frobnication keys.',
  },
  {
    id: 'acme/server#2',
    repository: 'acme/server',
    title: 'Implement WidgetFrobnicator rotation policy',
    description: 'Implements the WidgetFrobnicator rotation policy of acme/spec#1.',
  },
  {
    id: 'acme/web#3',
    repository: 'acme/web',
    title: 'Fix the dark theme of the settings page',
    description: 'Buttons are unreadable.',
  },
];
const PAIRS = [
  { a: 'acme/server#2', b: 'acme/spec#1', label: 1 },
  { a: 'acme/web#3', b: 'acme/spec#1', label: 0 },
];

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'chorale-eval-'));
  const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');
  await writeFile(join(folder, 'tasks.jsonl'), jsonl(TASKS));
  await writeFile(join(folder, 'pairs.jsonl'), jsonl(PAIRS));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function score(...args: string[]) {
  const { stdout } = await run(process.execPath, [SCRIPT, ...args]);
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function refused(...args: string[]): Promise<{ code: unknown; stderr: string }> {
  try {
    await run(process.execPath, [SCRIPT, ...args]);
  } catch (error) {
    const { code, stderr } = error as { code: unknown; stderr: string };
    return { code, stderr };
  }
  throw new Error(`score-detector ${args.join(' ')} was not refused`);
}

describe('eval:detector (score-detector)', () => {
  it('scores the reference and Chorale on a set, one JSON object each', async () => {
    const [reference, chorale] = await score(folder);
    expect(reference).toMatchObject({ detector: 'reference', pairs: 2 });
    expect(chorale).toMatchObject({
      detector: 'chorale',
      distractors: 0,
      pairs: 2,
      truePositives: 1,
      falsePositives: 0,
      falseNegatives: 0,
      precision: 1,
      recall: 1,
      f1: 1,
      byRelationship: { Explicit_Reference: { right: 1, wrong: 0 } },
    });
  });

  it('judges the set after synthetic tasks of other projects with --distractors', async () => {
    const [, chorale] = await score(folder, '--distractors', '300');
    expect(chorale).toMatchObject({ distractors: 300, truePositives: 1, falsePositives: 0 });
  });

  it('refuses bad options and a folder without the set, with the usage', async () => {
    for (const args of [
      [folder, '--distractors', '-1'],
      [folder, '--distractors', '1.5'],
      [folder, '--min-confidence', '2'],
      [folder, '--no-such-option'],
      [join(folder, 'missing')],
    ]) {
      const { code, stderr } = await refused(...args);
      expect(code).toBe(2);
      expect(stderr).toContain('usage: score-detector');
    }
  });

  it('refuses a set with a bad line, saying which file, line and field', async () => {
    const task = JSON.stringify(TASKS[0]);
    const pair = JSON.stringify(PAIRS[1]);
    const cases: [tasks: string[], pairs: string[], message: string][] = [
      [[task, '{"id": "acme/x#2", "repository": '], [], 'tasks.jsonl:2: not JSON'],
      [[task, '{"id": "acme-x", "repository": "acme/x", "title": "t"}'], [], 'tasks.jsonl:2: id:'],
      [[task, '{"id": "acme/x#2", "title": "t"}'], [], 'tasks.jsonl:2: repository:'],
      [[task, task], [], 'tasks.jsonl has acme/spec#1 twice'],
      [
        [...TASKS.map((t) => JSON.stringify(t))],
        [pair, '{"a": "acme/web#3", "b": "acme/spec#1", "label": 2}'],
        'pairs.jsonl:2: label:',
      ],
      [[task], [pair], 'pairs.jsonl names acme/web#3, which tasks.jsonl does not have'],
    ];
    for (const [taskLines, pairLines, message] of cases) {
      const bad = await mkdtemp(join(tmpdir(), 'chorale-eval-bad-'));
      try {
        await writeFile(join(bad, 'tasks.jsonl'), taskLines.join('\n'));
        await writeFile(join(bad, 'pairs.jsonl'), pairLines.join('\n'));
        const { code, stderr } = await refused(bad);
        expect(code).toBe(2);
        expect(stderr).toContain(message);
        expect(stderr).not.toContain('    at ');
      } finally {
        await rm(bad, { recursive: true, force: true });
      }
    }
  });
});
