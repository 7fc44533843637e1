/**
 * `pnpm bench:detector [--json] [--sizes 1000,10000,100000,1000000] [--samples 1000]
 *  [--warmup 300] [--reference-samples 200] [--seed 1] [--rules <module>] [--text-cache <texts>]
 *  [--load-before-rules]`
 *
 * For each number N of known tasks (synthetic, see `synthetic.ts`):
 * - registers N tasks with a DependencyDetector with the standard rules (its default candidate
 *   source, the TermIndex), as a coordinator's detector has registered every task it knows, so
 *   the pairs they reported are kept and the rules have read their words; then measures the
 *   memory it holds (JavaScript heap and typed-array buffers, after a full GC, minus the same
 *   before, divided by N), registers `--warmup` new tasks untimed (the rules' code is compiled
 *   while it runs: a coordinator's detector has run them long before), then times `register()`
 *   of `--samples` more (p50, p99); a million tasks load in about six minutes.
 *   `--load-before-rules` loads the N tasks before the rules are added (faster: no pair is
 *   evaluated, none kept), so the timed registrations are the first to run the rules on the
 *   candidates' words (the standard rules classify each word once: a cost a coordinator paid
 *   when those tasks were claimed); `--load-with-rules`, the default, is still accepted;
 * - loads the same N tasks into the reference's loop (every known task × every rule, substring
 *   tests; see `reference.ts`) and times `--reference-samples` registrations (p50);
 * - prints one JSON object per N with `--json`, else a table.
 *
 * Run with `node --expose-gc` (the root script does) so the heap figures are exact.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { DependencyRule, RulePack } from '@chorale/core';
import { DependencyDetector, type KnownTask } from '../detector.js';
import { TermIndex } from '../index/term-index.js';
import { ReferenceDetector } from './reference.js';
import { syntheticTask } from './synthetic.js';

interface Args {
  json: boolean;
  sizes: number[];
  samples: number;
  /** Registrations after loading that are not timed (the rules' code warms up). */
  warmup: number;
  referenceSamples: number;
  seed: number;
  rules: string;
  /** The detector's `textCacheSize` (default: the detector's default). */
  textCache: number | undefined;
  /** Load the N tasks with the rules in force (their reported pairs kept; the default). */
  loadWithRules: boolean;
}

export interface DetectorBenchResult {
  tasks: number;
  indexed: {
    p50_us: number;
    p99_us: number;
    bytes_per_task: number;
    /** Mean candidates a timed registration compared (at most the index's maxCandidates). */
    candidates_mean: number;
    /** Mean dependencies a timed registration reported. */
    found_mean: number;
    /** p50 of the time spent in the index (candidates and add) per registration. */
    index_p50_us: number;
    /** Whether the N tasks were loaded through the rules (the default; not with `--load-before-rules`). */
    loaded_with_rules: boolean;
    /** Dependencies reported while loading (0 unless loaded with the rules). */
    loaded_dependencies: number;
  };
  reference: { p50_us: number; samples: number };
  speedup: number;
}

const DEFAULT_RULES = new URL('../../../../plugins/rules-standard/dist/index.js', import.meta.url);

function parseArgs(argv: string[]): Args {
  const args: Args = {
    json: false,
    sizes: [1_000, 10_000, 100_000, 1_000_000],
    samples: 1000,
    warmup: 300,
    referenceSamples: 200,
    seed: 1,
    rules: DEFAULT_RULES.href,
    textCache: undefined,
    loadWithRules: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const count = (v: string, least = 1) => {
      const n = Number(v.replace(/_/g, ''));
      if (!Number.isInteger(n) || n < least) {
        throw new Error(`${flag}: ${v} is not ${least === 1 ? 'a positive' : 'a whole'} number`);
      }
      return n;
    };
    if (flag === '--json') args.json = true;
    else if (flag === '--sizes') args.sizes = value().split(',').map(count);
    else if (flag === '--samples') args.samples = count(value());
    else if (flag === '--warmup') args.warmup = count(value(), 0);
    else if (flag === '--reference-samples') args.referenceSamples = count(value());
    else if (flag === '--seed') args.seed = count(value());
    else if (flag === '--rules') args.rules = pathToFileURL(value()).href;
    else if (flag === '--text-cache') args.textCache = count(value());
    else if (flag === '--load-with-rules') args.loadWithRules = true;
    else if (flag === '--load-before-rules') args.loadWithRules = false;
    else throw new Error(`unknown option ${flag}`);
  }
  return args;
}

async function loadRules(url: string): Promise<RulePack | DependencyRule[]> {
  const module = (await import(url)) as {
    standardRules?: () => RulePack;
    default?: { create?: (options: object, components: object) => RulePack };
  };
  if (module.standardRules) return module.standardRules();
  const pack = module.default?.create?.({}, {});
  if (pack) return pack;
  throw new Error(`${url} exports no rule pack`);
}

/**
 * The memory the process holds: the JavaScript heap and the typed arrays' buffers (kept outside
 * the heap; the index's postings and the packed texts live there).
 */
function heldBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc (pnpm bench:detector does)');
  collect();
  collect();
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** The detector's default index, timing its work. */
class TimedIndex extends TermIndex {
  /** Milliseconds spent in `candidates` and `add` since last reset. */
  elapsed = 0;

  override add(task: KnownTask): void {
    const start = performance.now();
    super.add(task);
    this.elapsed += performance.now() - start;
  }

  override candidates(task: KnownTask): KnownTask[] {
    const start = performance.now();
    const found = super.candidates(task);
    this.elapsed += performance.now() - start;
    return found;
  }
}

function measureIndexed(
  rules: RulePack | DependencyRule[],
  n: number,
  { samples, warmup, seed, textCache: textCacheSize, loadWithRules }: Args,
): DetectorBenchResult['indexed'] {
  gc();
  const before = heldBytes();
  const ruleList = Array.isArray(rules) ? rules : [...rules.rules];
  // What the detector makes by default, made here to time it and read its counters. Loaded
  // before the rules are added, the N tasks are posted under the rules all the same, but no
  // pair is evaluated, so none is kept as reported.
  const index = new TimedIndex({ rules: () => ruleList });
  let detector: DependencyDetector | undefined = new DependencyDetector({
    candidates: index,
    ...(textCacheSize === undefined ? {} : { textCacheSize }),
  });
  if (loadWithRules) for (const rule of ruleList) detector.addRule(rule);
  let loaded = 0;
  for (let i = 0; i < n; i++) loaded += detector.register(syntheticTask(i, { seed })).length;
  if (!loadWithRules) for (const rule of ruleList) detector.addRule(rule);
  gc();
  const bytesPerTask = (heldBytes() - before) / n;

  for (let s = 0; s < warmup; s++) detector.register(syntheticTask(n + s, { seed }));
  const times = new Float64Array(samples);
  const indexTimes = new Float64Array(samples);
  let found = 0;
  const served = index.counters().candidates;
  for (let s = 0; s < samples; s++) {
    const task = syntheticTask(n + warmup + s, { seed });
    index.elapsed = 0;
    const start = performance.now();
    found += detector.register(task).length;
    times[s] = (performance.now() - start) * 1000;
    indexTimes[s] = index.elapsed * 1000;
  }
  indexTimes.sort();
  const candidates = (index.counters().candidates - served) / samples;
  detector = undefined;
  times.sort();
  return {
    p50_us: round(percentile(times, 0.5)),
    p99_us: round(percentile(times, 0.99)),
    bytes_per_task: Math.round(bytesPerTask),
    candidates_mean: round(candidates, 2),
    found_mean: round(found / samples, 3),
    index_p50_us: round(percentile(indexTimes, 0.5)),
    loaded_with_rules: loadWithRules,
    loaded_dependencies: loaded,
  };
}

function measureReference(n: number, samples: number, seed: number): number {
  let reference: ReferenceDetector | undefined = new ReferenceDetector();
  for (let i = 0; i < n; i++) reference.load(syntheticTask(i, { seed }));
  const times = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    const task = syntheticTask(n + s, { seed });
    const start = performance.now();
    reference.register(task);
    times[s] = (performance.now() - start) * 1000;
  }
  reference = undefined;
  times.sort();
  return percentile(times, 0.5);
}

export async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const rules = await loadRules(args.rules);
  const results: DetectorBenchResult[] = [];
  if (!args.json) {
    process.stdout.write(
      'known tasks | indexed p50 µs | p99 µs | bytes/task | candidates | index p50 µs | reference p50 µs | speed-up\n',
    );
  }
  for (const n of args.sizes) {
    const indexed = measureIndexed(rules, n, args);
    gc();
    const referenceP50 = measureReference(n, args.referenceSamples, args.seed);
    gc();
    const result: DetectorBenchResult = {
      tasks: n,
      indexed,
      reference: { p50_us: round(referenceP50), samples: args.referenceSamples },
      speedup: round(referenceP50 / indexed.p50_us),
    };
    results.push(result);
    if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(
        `${String(n).padStart(11)} | ${String(indexed.p50_us).padStart(14)} | ${String(indexed.p99_us).padStart(6)} | ${String(indexed.bytes_per_task).padStart(10)} | ${String(indexed.candidates_mean).padStart(10)} | ${String(indexed.index_p50_us).padStart(12)} | ${String(result.reference.p50_us).padStart(16)} | ${result.speedup}x\n`,
      );
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`bench:detector: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
