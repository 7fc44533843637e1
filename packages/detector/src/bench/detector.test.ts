import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costModel, type DetectorBenchResult } from './detector.js';

const run = promisify(execFile);
/** The built benchmark (`pnpm test` builds every package first). */
const BENCH = fileURLToPath(new URL('../../dist/bench/detector.js', import.meta.url));

/** A rule pack module as `--rules` loads it: one rule that matches tasks sharing an identifier. */
const RULES = `export function standardRules() {
  return {
    specificationVersion: 'v1',
    name: 'test-pack',
    rules: [{
      name: 'Same_Identifier',
      description: 'tasks naming the same identifier',
      keywords: ['identifier'],
      validate(a, b) {
        for (const id of a.identifiers) if (b.identifiers.has(id)) return { reason: 'same ' + id, confidence: 0.8 };
        return null;
      },
    }],
  };
}
`;

/** The options of a short run: `sizes`, few samples, no warm-up unless asked, the pack at `rules`. */
function shortRun(
  sizes: string,
  rules: string,
  { samples = 10, warmup = 0, referenceSamples = 3 } = {},
): string[] {
  return [
    '--sizes',
    sizes,
    '--samples',
    String(samples),
    '--warmup',
    String(warmup),
    '--reference-samples',
    String(referenceSamples),
    '--rules',
    rules,
  ];
}

/** Runs the built bench with `args` and `--json`; the JSON object it printed for each N. */
async function bench(args: string[]): Promise<DetectorBenchResult[]> {
  const { stdout } = await run(process.execPath, ['--expose-gc', BENCH, '--json', ...args], {
    timeout: 60_000,
  });
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as DetectorBenchResult);
}

describe('costModel', () => {
  it('splits the times into a base and a cost per compared candidate', () => {
    // about 40 µs without candidates and 10 µs more for each: the p50s of both
    const compared = [0, 0, 0, 1, 2, 4];
    const times = [39, 40, 41, 51, 59, 80];
    expect(costModel(times, compared)).toEqual({ base_us: 40, per_candidate_us: 10 });
  });

  it('is null when every registration compared some candidate', () => {
    expect(costModel([100, 200], [3, 7])).toBeNull();
  });

  it('has no cost per candidate when no registration compared any', () => {
    expect(costModel([30, 50, 40], [0, 0, 0])).toEqual({ base_us: 40, per_candidate_us: 0 });
  });
});

// each N runs in a process of its own, which makes its 64 MiB chase of memory reads: seconds a test
describe('pnpm bench:detector (the built script, a real process)', { timeout: 60_000 }, () => {
  let dir: string;
  let rules: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chorale-bench-'));
    rules = join(dir, 'rules.mjs');
    await writeFile(rules, RULES);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints one JSON object per N, loaded through the rules by default', async () => {
    const results = await bench(shortRun('300,600', rules, { samples: 20, referenceSamples: 5 }));
    expect(results.map((r) => r.tasks)).toEqual([300, 600]);
    for (const r of results) {
      expect(r.indexed.loaded_with_rules).toBe(true);
      // the synthetic tasks of an ecosystem share identifiers: loading found dependencies
      expect(r.indexed.loaded_dependencies).toBeGreaterThan(0);
      expect(r.indexed.p50_us).toBeGreaterThan(0);
      expect(r.indexed.p99_us).toBeGreaterThanOrEqual(r.indexed.p50_us);
      expect(r.indexed.bytes_per_task).toBeGreaterThan(0);
      expect(r.indexed.candidates_mean).toBeGreaterThan(0);
      expect(r.indexed.memory_latency_ns).toBeGreaterThan(0);
      // a cost model, or null when every timed registration compared some candidate
      if (r.indexed.cost !== null) expect(r.indexed.cost.base_us).toBeGreaterThan(0);
      expect(r.reference.samples).toBe(5);
      expect(r.speedup).toBeCloseTo(r.reference.p50_us / r.indexed.p50_us, 0);
      expect(r.indexed.churn).toBeNull();
    }
  });

  it('measures the detector after rounds of churn when asked', async () => {
    const [result] = await bench([...shortRun('200', rules, { samples: 10 }), '--churn', '2']);
    const churn = result!.indexed.churn!;
    expect(churn.rounds).toBe(2);
    // every known task replaced twice: the 200 loaded and the 10 timed
    expect(churn.replaced).toBe(2 * 210);
    expect(churn.bytes_per_task).toBeGreaterThan(0);
    expect(churn.p50_us).toBeGreaterThan(0);
    expect(churn.p99_us).toBeGreaterThanOrEqual(churn.p50_us);
  });

  it('loads the tasks before the rules when asked', async () => {
    const [result] = await bench([...shortRun('200', rules, { warmup: 5 }), '--load-before-rules']);
    expect(result!.indexed.loaded_with_rules).toBe(false);
    expect(result!.indexed.loaded_dependencies).toBe(0);
  });

  it('measures every N in one process with --in-process', async () => {
    const results = await bench([...shortRun('200,400', rules), '--in-process']);
    expect(results.map((r) => r.tasks)).toEqual([200, 400]);
    for (const r of results) expect(r.indexed.p50_us).toBeGreaterThan(0);
  });

  it('says which N failed when its process does, after printing the ones before', async () => {
    // a rules module that cannot be loaded in the process of 400 tasks (given `--sizes 400`)
    const failing = join(dir, 'failing.mjs');
    await writeFile(
      failing,
      `if (process.argv.includes('400')) throw new Error('no rules for 400');\n${RULES}`,
    );
    const args = shortRun('200,400', failing, { samples: 5, referenceSamples: 2 });
    const failed = run(process.execPath, ['--expose-gc', BENCH, '--json', ...args], {
      timeout: 60_000,
    });
    await expect(failed).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('"tasks":200'),
      stderr: expect.stringMatching(/no rules for 400[\s\S]*measuring 400 known tasks failed/),
    });
  });

  it('refuses an unknown option with a clear message and a failing exit code', async () => {
    const failed = run(process.execPath, ['--expose-gc', BENCH, '--load-with-ruels'], {
      timeout: 30_000,
    });
    await expect(failed).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('unknown option --load-with-ruels'),
    });
    const negative = run(process.execPath, ['--expose-gc', BENCH, '--warmup', '-1'], {
      timeout: 30_000,
    });
    await expect(negative).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--warmup: -1 is not a whole number'),
    });
    const churn = run(process.execPath, ['--expose-gc', BENCH, '--churn', 'often'], {
      timeout: 30_000,
    });
    await expect(churn).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--churn: often is not a whole number'),
    });
  });
});
