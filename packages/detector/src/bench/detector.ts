/**
 * `pnpm bench:detector [--json] [--sizes 1000,10000,100000,1000000] [--samples 1000]
 *  [--warmup 300] [--reference-samples 200] [--seed 1] [--rules <module>] [--text-cache <texts>]
 *  [--load-before-rules] [--churn <rounds>] [--in-process]`
 *
 * For each number N of known tasks (synthetic, see `synthetic.ts`), in a process of its own
 * (this script again, for that N alone; `--in-process` measures every N in this one):
 * - registers N tasks with a DependencyDetector with the standard rules (its default candidate
 *   source, the TermIndex), as a coordinator's detector has registered every task it knows, so
 *   the pairs they reported are kept and the rules have read their words; then measures the
 *   memory it holds (JavaScript heap and typed-array buffers, after a full GC, minus the same
 *   before, divided by N), registers `--warmup` new tasks untimed (the rules' code is compiled
 *   while it runs: a coordinator's detector has run them long before), then times `register()`
 *   of `--samples` more (p50, p99); a million tasks load in about six minutes. Just before and
 *   just after the timed registrations it measures the machine's latency of a read from main
 *   memory (`memory-latency.ts`): the registrations among many tasks wait on such reads, and on
 *   a shared machine that latency changes from one minute to the next.
 *   `--load-before-rules` loads the N tasks before the rules are added (faster: no pair is
 *   evaluated, none kept), so the timed registrations are the first to run the rules on the
 *   candidates' words (the standard rules classify each word once: a cost a coordinator paid
 *   when those tasks were claimed); `--load-with-rules`, the default, is still accepted;
 * - with `--churn R`, then replaces every known task R times (registers a new one, releases the
 *   oldest), as a coordinator's detector does while tasks are done and claimed, and measures the
 *   memory it holds then and `register()` of `--samples` more (each followed by a release): the
 *   steady state of a long-running detector (`churn` in the result; null without the option);
 * - loads the same N tasks into the reference's loop (every known task × every rule, substring
 *   tests; see `reference.ts`) and times `--reference-samples` registrations (p50);
 * - prints one JSON object per N with `--json`, else a table.
 *
 * Run with `node --expose-gc` (the root script does, and each N's process gets the same flags)
 * so the heap figures are exact.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DependencyRule, RulePack } from '@chorale/core';
import { DependencyDetector, type KnownTask } from '../detector.js';
import { TermIndex } from '../index/term-index.js';
import { MemoryLatency } from './memory-latency.js';
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
  /** Measure every N in this process, not each in a process of its own (see `inItsOwnProcess`). */
  inProcess: boolean;
  /** Rounds of replacing every known task after the timed registrations (0: none). */
  churn: number;
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
    /**
     * The machine's latency of a read from main memory (see `MemoryLatency`), in ns: the mean of
     * a measure just before the timed registrations and one just after.
     */
    memory_latency_ns: number;
    /**
     * The timed registrations' time as a base plus a cost per candidate compared (`costModel`);
     * null when every one of them compared some candidate.
     */
    cost: { base_us: number; per_candidate_us: number } | null;
    /**
     * With `--churn R`: the detector after every known task was replaced R times (a new task
     * registered, the oldest released), its known tasks as many as before. Its memory per known
     * task, and the p50 and p99 of `register()` then (each timed registration followed by a
     * release). Null without `--churn`.
     */
    churn: {
      rounds: number;
      replaced: number;
      bytes_per_task: number;
      p50_us: number;
      p99_us: number;
    } | null;
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
    inProcess: false,
    churn: 0,
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
    else if (flag === '--in-process') args.inProcess = true;
    else if (flag === '--churn') args.churn = count(value(), 0);
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
  /** How many candidates the last call of `candidates` gave (the detector compares each). */
  compared = 0;

  override add(task: KnownTask): void {
    const start = performance.now();
    super.add(task);
    this.elapsed += performance.now() - start;
  }

  override candidates(task: KnownTask): KnownTask[] {
    const start = performance.now();
    const found = super.candidates(task);
    this.elapsed += performance.now() - start;
    this.compared = found.length;
    return found;
  }
}

function measureIndexed(
  rules: RulePack | DependencyRule[],
  n: number,
  { samples, warmup, seed, textCache: textCacheSize, loadWithRules, churn: rounds }: Args,
  memory: MemoryLatency,
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
  const compared = new Uint32Array(samples);
  let found = 0;
  const served = index.counters().candidates;
  const latencyBefore = memory.measure();
  for (let s = 0; s < samples; s++) {
    const task = syntheticTask(n + warmup + s, { seed });
    index.elapsed = 0;
    const start = performance.now();
    found += detector.register(task).length;
    times[s] = (performance.now() - start) * 1000;
    indexTimes[s] = index.elapsed * 1000;
    compared[s] = index.compared;
  }
  const latency = (latencyBefore + memory.measure()) / 2;
  const cost = costModel(times, compared);
  indexTimes.sort();
  const candidates = (index.counters().candidates - served) / samples;
  const churn =
    rounds === 0
      ? null
      : measureChurn(detector, rounds, n + warmup + samples, samples, seed, before);
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
    memory_latency_ns: round(latency),
    cost,
    churn,
  };
}

/**
 * Replaces each of the `known` tasks of `detector` (synthetic tasks 0 to known − 1) `rounds`
 * times, oldest first: registers the next task of the stream, releases the oldest known one.
 * Then measures the memory held per known task (less `before`, the process's before the
 * detector) and times `samples` more registrations, each followed by a release untimed.
 */
function measureChurn(
  detector: DependencyDetector,
  rounds: number,
  known: number,
  samples: number,
  seed: number,
  before: number,
): NonNullable<DetectorBenchResult['indexed']['churn']> {
  let next = known;
  /** Registers the next task and releases the oldest known one; the registration's µs. */
  const replace = (): number => {
    const task = syntheticTask(next, { seed });
    const start = performance.now();
    detector.register(task);
    const elapsed = (performance.now() - start) * 1000;
    detector.release(syntheticTask(next - known, { seed }));
    next++;
    return elapsed;
  };
  const replaced = rounds * known;
  for (let i = 0; i < replaced; i++) replace();
  gc();
  const bytesPerTask = (heldBytes() - before) / known;
  const times = Float64Array.from({ length: samples }, replace);
  times.sort();
  return {
    rounds,
    replaced,
    bytes_per_task: Math.round(bytesPerTask),
    p50_us: round(percentile(times, 0.5)),
    p99_us: round(percentile(times, 0.99)),
  };
}

/**
 * A registration's time as a base plus a cost per candidate it compared: the base is the p50 of
 * the registrations that compared none (analysing the task, packing it, the index), the cost per
 * candidate the p50 of (time − base) / candidates over the others. How many candidates a
 * registration compares varies widely (none for a task whose terms no other task has, the index's
 * `maxCandidates` for one that names a much-used identifier), and the p50 of all is that of a
 * registration in the middle: base + its candidates × the cost per candidate. Null when every
 * registration compared some candidate.
 */
export function costModel(
  times: ArrayLike<number>,
  compared: ArrayLike<number>,
): { base_us: number; per_candidate_us: number } | null {
  const alone: number[] = [];
  for (let i = 0; i < times.length; i++) if (compared[i] === 0) alone.push(times[i]!);
  if (alone.length === 0) return null;
  const base = median(alone);
  const each: number[] = [];
  for (let i = 0; i < times.length; i++) {
    if (compared[i]! > 0) each.push((times[i]! - base) / compared[i]!);
  }
  return { base_us: round(base), per_candidate_us: each.length === 0 ? 0 : round(median(each)) };
}

function median(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  return percentile(sorted, 0.5);
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
  if (!args.json) {
    process.stdout.write(
      'known tasks | indexed p50 µs | p99 µs | bytes/task | candidates | index p50 µs | memory ns | base + per candidate µs | reference p50 µs | speed-up\n',
    );
  }
  const inProcess = args.inProcess ? await inThisProcess(args) : undefined;
  for (const n of args.sizes) {
    const result = inProcess ? inProcess(n) : await inItsOwnProcess(n, argv);
    if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const { indexed, reference } = result;
      process.stdout.write(
        `${String(n).padStart(11)} | ${String(indexed.p50_us).padStart(14)} | ${String(indexed.p99_us).padStart(6)} | ${String(indexed.bytes_per_task).padStart(10)} | ${String(indexed.candidates_mean).padStart(10)} | ${String(indexed.index_p50_us).padStart(12)} | ${String(indexed.memory_latency_ns).padStart(9)} | ${(indexed.cost ? `${indexed.cost.base_us} + ${indexed.cost.per_candidate_us}` : '-').padStart(23)} | ${String(reference.p50_us).padStart(16)} | ${result.speedup}x\n`,
      );
      const { churn } = indexed;
      if (churn) {
        process.stdout.write(
          `${' '.repeat(11)}   after ${churn.rounds} round(s) of churn (${churn.replaced} replaced): p50 ${churn.p50_us} µs, p99 ${churn.p99_us} µs, ${churn.bytes_per_task} bytes/task\n`,
        );
      }
    }
  }
}

/** Measures each N in this process (`--in-process`), one after the other. */
async function inThisProcess(args: Args): Promise<(n: number) => DetectorBenchResult> {
  const rules = await loadRules(args.rules);
  // made once, before any heap figure is taken: its memory is in every "before" and "after"
  const memory = new MemoryLatency();
  return (n) => {
    const indexed = measureIndexed(rules, n, args, memory);
    gc();
    const referenceP50 = measureReference(n, args.referenceSamples, args.seed);
    gc();
    return {
      tasks: n,
      indexed,
      reference: { p50_us: round(referenceP50), samples: args.referenceSamples },
      speedup: round(referenceP50 / indexed.p50_us),
    };
  };
}

/**
 * Measures one N in a process of its own: this script again, with the same options, for that N
 * alone. The figures of an N are then those of a process that has held only its tasks, as a
 * coordinator's. Measured one after the other in one process, an N's memory figure was less by
 * about the whole detector of the N before, which the standard rules' caches of the last texts
 * they read still held through one of its texts until the load replaced them (1M after the
 * smaller Ns: 884 bytes a task; alone: 1,000), and its times met the code as the smaller Ns had
 * left it compiled.
 */
async function inItsOwnProcess(n: number, argv: string[]): Promise<DetectorBenchResult> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    [...process.execArgv, script, ...argv, '--sizes', String(n), '--json', '--in-process'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) {
    throw new Error(`measuring ${n} known tasks failed (${signal ?? `exit code ${code}`})`);
  }
  return JSON.parse(stdout) as DetectorBenchResult;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`bench:detector: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
