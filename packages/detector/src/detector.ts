import type {
  Clock,
  CorpusStats,
  DependencyRule,
  Detector,
  RulePack,
  TaskContext,
  TaskDependency,
  TaskText,
} from '@chorale/core';
import { systemClock } from '@chorale/core';
import { corpusOf, DocumentFrequencies } from './corpus.js';
import { normalizeRepository, type Reference } from './cross-reference.js';
import type { RuleFailedError } from './errors.js';
import {
  bestMatch,
  checkRule,
  DEFAULT_CONFIDENCE,
  type EvaluationOptions,
  type Explanation,
  explainPrepared,
  type Prepared,
  packEntries,
  prepare,
  type RuleEntry,
  type RuleVerdict,
  ruleEntries,
  type TaskInput,
  taskKey,
  toTask,
} from './evaluate.js';
import { KnownTexts, releaseStoredTask, type StoredTask, storedTask } from './index/known-task.js';
import { RepositoryNames } from './index/repository-names.js';
import { TermIndex } from './index/term-index.js';
import { ReportedPairs } from './reported-pairs.js';
import { analyse } from './text.js';

/** A registered task as the detector keeps it. */
export interface KnownTask {
  /** `projectId` + `taskId`. */
  readonly key: string;
  readonly task: TaskContext;
  readonly text: TaskText;
  readonly refs: readonly Reference[];
  /** Normalized (`org/repo`, lower-case). */
  readonly repository: string;
  /** Registration order of the first claim (an update keeps it). */
  readonly order: number;
  /**
   * A small number no other known task has, given at the first claim (a released task's, else the
   * next new one; an update keeps it): a candidate source keeps its tasks in arrays by it, not in
   * a map from keys (a map loses and gains entries as tasks come and go, and a JavaScript Map
   * then settles at twice the size it had when only filled).
   */
  readonly slot: number;
}

/**
 * Where the detector finds the tasks to compare a new task with. The default is a TermIndex
 * (the tasks sharing a term that is not common with the new one, the best few);
 * `allKnownTasks()` compares with every known task. It may return the task itself or tasks of
 * the same repository: the detector skips those.
 */
export interface CandidateSource {
  add(task: KnownTask): void;
  remove(task: KnownTask): void;
  candidates(task: KnownTask): Iterable<KnownTask>;
  /**
   * The document frequencies of the added tasks' terms and identifiers (`countedTerms(text)`:
   * `text.terms` and `text.identifiers`), when the source counts them (an inverted index
   * does); otherwise the detector counts them itself.
   */
  stats?(): CorpusStats;
}

/** Every known task is a candidate (O(n) per registration). */
export function allKnownTasks(): CandidateSource {
  const tasks = new Map<string, KnownTask>();
  return {
    add: (task) => void tasks.set(task.key, task),
    remove: (task) => void tasks.delete(task.key),
    candidates: () => tasks.values(),
  };
}

export interface RuleErrorCount {
  rule: string;
  pack?: string;
  count: number;
  lastError: string;
}

export interface DependencyDetectorOptions {
  /** Rule packs and/or single rules, in evaluation order. Default: none (only cross-references). */
  rules?: readonly (RulePack | DependencyRule)[];
  /** Stamps `detectedAt` (default the system clock). */
  clock?: Clock;
  /** The confidence of a match whose rule gives none (default 0.7). */
  defaultConfidence?: number;
  /** Matches below this confidence are not reported (default 0: every match). */
  minConfidence?: number;
  /** The built-in `org/repo#123` check (default on). */
  crossReferences?: boolean;
  /** Where candidates come from (default: a TermIndex over the detector's rules). */
  candidates?: CandidateSource;
  /**
   * How many analysed task texts are kept whole for candidates (default 256); the others are made
   * again from their packed analysis.
   */
  textCacheSize?: number;
  /** Told of every validator failure, besides the count (e.g. to log it). */
  onRuleError?: (error: RuleFailedError) => void;
}

/**
 * A source's statistics with one more task counted, the one being registered (its terms and
 * identifiers, `countedTerms`, looked up in its text: no set of them per registration).
 *
 * Made for one registration, during which the counts do not change: each term's count is kept
 * once asked. Rules ask the same terms for every pair (a shared term is always one of the new
 * task's), and a small map of them stays in the CPU cache where the source's map of every term
 * of a million tasks does not.
 */
class WithTask implements CorpusStats {
  readonly #stats: CorpusStats;
  readonly #text: TaskText;
  readonly #asked = new Map<string, number>();

  constructor(stats: CorpusStats, text: TaskText) {
    this.#stats = stats;
    this.#text = text;
  }

  get size(): number {
    return this.#stats.size + 1;
  }

  /** A bound function: a rule may take it out of the corpus (`const { documentFrequency } = corpus`). */
  readonly documentFrequency = (term: string): number => {
    let count = this.#asked.get(term);
    if (count === undefined) {
      const counted = this.#text.terms.has(term) || this.#text.identifiers.has(term);
      count = this.#stats.documentFrequency(term) + (counted ? 1 : 0);
      this.#asked.set(term, count);
    }
    return count;
  };
}

/**
 * Finds the claimed tasks of other repositories that a task depends on.
 *
 * `register(task)` compares the task with the candidates (by default every known task), skips
 * itself and tasks of the same repository, evaluates every rule for each pair and reports the
 * best match only: the highest confidence, ties broken by order (the cross-reference check,
 * then the rules in the order they were added). A pair and relationship is reported once while
 * both tasks are known; a task registered again (same `projectId` and `taskId`) replaces the
 * stored one and is re-evaluated, so a different relationship for the same pair is reported
 * then. A released task's pairs are forgotten: claimed again, it is a new claim, and its
 * dependencies are reported again.
 *
 * `task1` is the task to do first when the matching rule says which; otherwise the task known
 * earlier. Pure and synchronous: no publishing, no timers.
 */
export class DependencyDetector implements Detector {
  readonly #tasks = new Map<string, StoredTask>();
  readonly #reported = new ReportedPairs(() => this.#tasks.values());
  readonly #errors = new Map<string, RuleErrorCount>();
  readonly #candidates: CandidateSource;
  readonly #texts: KnownTexts;
  readonly #repositories = new RepositoryNames();
  /** Our own counts, when the candidate source keeps none. */
  readonly #frequencies: DocumentFrequencies | undefined;
  /** The candidate source's counts, when it keeps them. */
  readonly #sourceStats: CorpusStats | undefined;
  readonly #clock: Clock;
  readonly #options: EvaluationOptions;
  readonly #minConfidence: number;
  readonly #onRuleError: ((error: RuleFailedError) => void) | undefined;
  #rules: RuleEntry[] = [];
  /** The rules of `#rules`, for the index, which reads them at every registration. */
  #ruleList: readonly DependencyRule[] = [];
  #order = 0;
  /** Slots released, to be given again (see `KnownTask.slot`). */
  readonly #freeSlots: number[] = [];
  #nextSlot = 0;

  constructor(options: DependencyDetectorOptions = {}) {
    this.#setRules(ruleEntries(options.rules ?? []));
    this.#clock = options.clock ?? systemClock;
    this.#candidates = options.candidates ?? new TermIndex({ rules: () => this.#ruleList });
    this.#texts = new KnownTexts(options.textCacheSize);
    this.#frequencies = this.#candidates.stats ? undefined : new DocumentFrequencies();
    this.#sourceStats = this.#candidates.stats?.();
    this.#options = {
      defaultConfidence: options.defaultConfidence ?? DEFAULT_CONFIDENCE,
      crossReferences: options.crossReferences ?? true,
    };
    this.#minConfidence = options.minConfidence ?? 0;
    this.#onRuleError = options.onRuleError;
  }

  /** Registers (or re-registers) a claimed task; returns only the dependencies not reported before. */
  register(task: TaskContext): TaskDependency[] {
    const key = taskKey(task);
    const previous = this.#tasks.get(key);
    const analysis = analyse(task);
    const prepared = prepare(task, analysis);
    if (previous) this.#forget(previous);
    const known = storedTask(
      {
        key,
        task: prepared.task,
        text: prepared.text,
        refs: prepared.refs,
        analysis,
        repository: this.#repositories.use(normalizeRepository(task.repository)),
        order: previous?.order ?? this.#order++,
        slot: previous?.slot ?? this.#freeSlots.pop() ?? this.#nextSlot++,
      },
      this.#texts,
    );
    // an update keeps the pairs reported (a pair is not reported again for the same relationship)
    if (previous) known.pairBlock = previous.pairBlock;
    this.#tasks.set(key, known);
    // the new task counts in the statistics its own pairs are judged with
    const stats = this.#countedStats(known);

    const found: TaskDependency[] = [];
    // the pairs the new task keeps (it is their later task), recorded together after the loop,
    // and where their dependencies are in `found`
    const held: [earlier: number, relationship: string][] = [];
    const heldAt: number[] = [];
    const detectedAt = this.#clock.now();
    const candidates = this.#candidates.candidates(known);
    // a list can be read twice (an iterator, as `allKnownTasks` gives, only once)
    if (Array.isArray(candidates)) this.#texts.warm(candidates);
    for (const other of candidates) {
      // the same order is the same task (its key, without reading a string of a cold task)
      if (other.order === known.order || other.repository === known.repository) continue;
      // the candidate's text is read once (from the cache, or made again from its packed
      // analysis) for every rule
      const candidate: Prepared = { task: other.task, text: other.text, refs: other.refs };
      const otherFirst = other.order < known.order;
      const [earlier, later] = otherFirst ? [candidate, prepared] : [prepared, candidate];
      const best = bestMatch(this.#rules, earlier, later, this.#options, stats, this.#onFailure);
      if (!best || (best.confidence ?? 0) < this.#minConfidence) continue;
      // the later task keeps the pair: most often the new one (a candidate only when the new one
      // is an update of an older task; the stored candidate, whatever object the source gave)
      if (otherFirst) {
        held.push([other.order, best.rule]);
        heldAt.push(found.length);
      } else {
        const holder = this.#tasks.get(other.key);
        if (holder === undefined || !this.#reported.add(known.order, holder, best.rule)) continue;
      }
      found.push(this.#dependency(best, earlier.task, later.task, detectedAt));
    }
    this.#candidates.add(known);
    if (held.length === 0) return found;
    // an update's pairs reported before are not reported again
    const isNew = this.#reported.addAll(known, held);
    if (isNew.every(Boolean)) return found;
    const old = new Set(heldAt.filter((_, i) => !isNew[i]));
    return found.filter((_, i) => !old.has(i));
  }

  /** The corpus statistics, with `known` counted (the source counts it when it is added). */
  #countedStats(known: KnownTask): CorpusStats {
    if (this.#frequencies) {
      this.#frequencies.add(known.text);
      return this.#frequencies;
    }
    return new WithTask(this.#sourceStats!, known.text);
  }

  /** The dependency a verdict on (a, b) reports: task1 first where the rule says so. */
  #dependency(
    best: RuleVerdict,
    a: TaskContext,
    b: TaskContext,
    detectedAt: number,
  ): TaskDependency {
    const swap = best.first === 'b';
    const [task1, task2] = swap ? [b, a] : [a, b];
    const evidence = best.evidence ?? { a: [], b: [], references: [], signals: [] };
    return {
      task1,
      task2,
      relationship: best.rule,
      confidence: best.confidence ?? this.#options.defaultConfidence,
      reason: best.reason ?? '',
      detectedAt,
      order: best.first ? 'task1_first' : 'either',
      evidence: {
        task1Terms: swap ? evidence.b : evidence.a,
        task2Terms: swap ? evidence.a : evidence.b,
        references: evidence.references,
        signals: evidence.signals,
      },
    };
  }

  /**
   * Forgets a task (its claim was released, or it is done): it is no candidate any more, its
   * postings go, and so do its reported pairs (registered again, it is a new claim whose
   * dependencies are reported again). False when the task is not known.
   */
  release(task: Pick<TaskContext, 'projectId' | 'taskId'>): boolean {
    const key = taskKey(task as TaskContext);
    const known = this.#tasks.get(key);
    if (!known) return false;
    this.#tasks.delete(key);
    this.#reported.release(known, this.#tasks.size);
    this.#forget(known);
    this.#freeSlots.push(known.slot);
    return true;
  }

  /** Drops what a known task holds besides its pairs: postings, counts, text, repository name. */
  #forget(known: StoredTask): void {
    this.#candidates.remove(known);
    this.#frequencies?.remove(known.text);
    releaseStoredTask(known, this.#texts);
    this.#repositories.unuse(known.repository);
  }

  /** The same as `release`. */
  remove(task: Pick<TaskContext, 'projectId' | 'taskId'>): boolean {
    return this.release(task);
  }

  knownTasks(): TaskContext[] {
    return [...this.#tasks.values()].map((t) => t.task);
  }

  /** The loaded rules, in evaluation order (the built-in cross-reference check is not one). */
  rules(): DependencyRule[] {
    return [...this.#ruleList];
  }

  /** Adds a rule after the loaded ones. Throws InvalidRuleError for a bad or duplicate rule. */
  addRule(rule: DependencyRule): void {
    this.#setRules([...this.#rules, { rule: checkRule(rule, this.#names()) }]);
  }

  /** Adds a pack's rules (all or none). Throws UnsupportedSpecificationError or InvalidRuleError. */
  addRulePack(pack: RulePack): void {
    this.#setRules([...this.#rules, ...packEntries(pack, this.#names())]);
  }

  /** Validator failures so far, per rule. */
  ruleErrors(): RuleErrorCount[] {
    return [...this.#errors.values()].map((e) => ({ ...e }));
  }

  /**
   * Every rule's verdict for two tasks or bare texts, with this detector's rules, options and
   * corpus statistics (the known tasks; the two texts counted in when they are not known).
   */
  explain(a: TaskInput, b: TaskInput): Explanation {
    const preparedA = prepare(toTask(a, 'text/a', 1));
    const preparedB = prepare(toTask(b, 'text/b', 2));
    return explainPrepared(
      this.#rules,
      preparedA,
      preparedB,
      this.#options,
      this.#statsWith([preparedA, preparedB]),
    );
  }

  /** The current statistics, with the tasks that are not known counted in. */
  #statsWith(tasks: readonly { task: TaskContext; text: TaskText }[]): CorpusStats {
    const base: CorpusStats = this.#frequencies ?? this.#sourceStats!;
    const extra = corpusOf(
      tasks.filter((t) => !this.#tasks.has(taskKey(t.task))).map((t) => t.text),
    );
    return {
      get size() {
        return base.size + extra.size;
      },
      documentFrequency: (term) => base.documentFrequency(term) + extra.documentFrequency(term),
    };
  }

  #names(): Set<string> {
    return new Set(this.#rules.map((e) => e.rule.name));
  }

  #setRules(entries: RuleEntry[]): void {
    this.#rules = entries;
    this.#ruleList = entries.map((e) => e.rule);
  }

  readonly #onFailure = (error: RuleFailedError, entry: RuleEntry): void =>
    this.#count(error, entry);

  #count(error: RuleFailedError, entry: RuleEntry): void {
    const current = this.#errors.get(entry.rule.name);
    if (current) {
      current.count += 1;
      current.lastError = error.message;
    } else {
      const count: RuleErrorCount = { rule: entry.rule.name, count: 1, lastError: error.message };
      if (entry.pack !== undefined) count.pack = entry.pack;
      this.#errors.set(entry.rule.name, count);
    }
    try {
      this.#onRuleError?.(error);
    } catch {
      // a failing listener must not stop detection
    }
  }
}
