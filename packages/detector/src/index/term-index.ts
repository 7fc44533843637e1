import type { CorpusStats, DependencyRule } from '@chorale/core';
import type { CandidateSource, KnownTask } from '../detector.js';
import { BlockArena, ensureLength } from './block-arena.js';
import { positiveInteger } from './errors.js';
import { isReferenceTerm, referenceTerms, ruleTerms, textTerms } from './terms.js';

export const DEFAULT_MAX_POSTINGS = 1024;
export const DEFAULT_MAX_CANDIDATES = 32;

/** Added to the weight of a reference term, so a task that cites another always ranks first. */
const REFERENCE_BOOST = 1000;

export interface TermIndexOptions {
  /**
   * A term known to more tasks than this is common: its postings are dropped and it no longer
   * brings candidates (default 1024). This bounds the work of one registration, whatever the
   * number of known tasks.
   */
  maxPostings?: number;
  /** How many candidates a registration gets at most, the best-scored first (default 32). */
  maxCandidates?: number;
  /**
   * The rules in force, read at each `add` and `candidates`: a task that has a keyword of a
   * rule is posted under that rule, so two tasks relevant to the same rule are candidates even
   * when they share no word (while the rule's term is not common).
   */
  rules?: () => readonly Pick<DependencyRule, 'name' | 'keywords'>[];
}

/**
 * An inverted index of the known tasks: the detector's default CandidateSource.
 *
 * Each task is posted under its terms (its analysed terms and identifiers, see `textTerms`;
 * one term per rule whose keywords it has; its own id and the tasks it references). A
 * registration's candidates are tasks of other repositories that share a term with it: its
 * terms are read rarest first (references first of all) until `maxCandidates` tasks are found,
 * and those are ranked by the summed inverse document frequency (`ln(1 + N / df)`) of the terms
 * read.
 *
 * A term that has been on more than `maxPostings` tasks is *common*: its postings are freed and
 * it brings no candidates (so one registration reads at most `terms × maxPostings` postings, in
 * practice far fewer, at 1k as at 1M known tasks); it stays common until no known task has it.
 * Its document frequency stays exact: `stats()` counts every term of every known task.
 *
 * So a known task is a candidate when it shares with the new one a term that is not common, and
 * fewer than `maxCandidates` other tasks share rarer terms (or it outranks them). Pairs that
 * share only common terms, or whose shared terms are all more common than those of
 * `maxCandidates` other tasks, are not compared.
 *
 * Memory: terms are interned to integer ids; each task keeps its term ids, and each term its
 * postings, in blocks of one shared typed array; no per-task objects besides the KnownTask.
 */
export class TermIndex implements CandidateSource {
  readonly #maxPostings: number;
  readonly #maxCandidates: number;
  readonly #rules: (() => readonly Pick<DependencyRule, 'name' | 'keywords'>[]) | undefined;

  // Terms, by id.
  readonly #termIds = new Map<string, number>();
  #termNames: (string | undefined)[] = [];
  readonly #freeTermIds: number[] = [];
  #df = new Uint32Array(1024);
  #postStart = new Uint32Array(1024);
  #postLength = new Uint32Array(1024);
  /** Block size of the term's postings; 0: no block (no postings yet, or common). */
  #postSize = new Uint32Array(1024);
  #common = new Uint8Array(1024);
  readonly #postings = new BlockArena(1 << 16);

  // Tasks, by slot.
  readonly #slots = new Map<string, number>();
  #tasks: (KnownTask | undefined)[] = [];
  readonly #freeSlots: number[] = [];
  #repository = new Uint32Array(1024);
  #termStart = new Uint32Array(1024);
  #termCount = new Uint32Array(1024);
  readonly #taskTerms = new BlockArena(1 << 16);
  readonly #repositories = new Map<string, number>();

  // Scratch for scoring.
  #score = new Float64Array(1024);
  #touched = new Uint32Array(1024);

  /** The last task whose terms were looked up (candidates() then add() for the same task). */
  #lastTask: KnownTask | undefined;
  #lastTerms: string[] = [];
  #queries = 0;
  #served = 0;

  constructor(options: TermIndexOptions = {}) {
    this.#maxPostings = positiveInteger(options.maxPostings ?? DEFAULT_MAX_POSTINGS, 'maxPostings');
    this.#maxCandidates = positiveInteger(
      options.maxCandidates ?? DEFAULT_MAX_CANDIDATES,
      'maxCandidates',
    );
    this.#rules = options.rules;
  }

  /** How many tasks are known. */
  get size(): number {
    return this.#slots.size;
  }

  /** How common terms are among the known tasks: exact counts, common terms included. */
  stats(): CorpusStats {
    return this.#stats;
  }

  readonly #stats: CorpusStats = corpusView(
    () => this.size,
    (term) => this.documentFrequency(term),
  );

  /** In how many known tasks the term (lower-cased) appears. */
  documentFrequency(term: string): number {
    const id = this.#termIds.get(term.toLowerCase());
    return id === undefined ? 0 : this.#df[id]!;
  }

  /** Whether a term has been on more than `maxPostings` tasks (and brings no candidates). */
  isCommon(term: string): boolean {
    const id = this.#termIds.get(term.toLowerCase());
    return id !== undefined && this.#common[id] === 1;
  }

  /** How many postings the term keeps (0 for a common or unknown term). */
  postingCount(term: string): number {
    const id = this.#termIds.get(term.toLowerCase());
    return id === undefined ? 0 : this.#postLength[id]!;
  }

  /** Calls of `candidates()` and the candidates they returned, since the index was made. */
  counters(): { queries: number; candidates: number } {
    return { queries: this.#queries, candidates: this.#served };
  }

  /** How many distinct terms the known tasks have. */
  get termCount(): number {
    return this.#termIds.size;
  }

  add(task: KnownTask): void {
    if (this.#slots.has(task.key)) this.remove(task);
    const terms = this.#termsOf(task);
    const slot = this.#freeSlots.pop() ?? this.#tasks.length;
    this.#ensureSlots(slot + 1);
    this.#slots.set(task.key, slot);
    this.#tasks[slot] = task;
    this.#repository[slot] = this.#repositoryId(task.repository);

    const start = this.#taskTerms.alloc(BlockArena.sizeFor(terms.length));
    this.#termStart[slot] = start;
    this.#termCount[slot] = terms.length;
    for (let i = 0; i < terms.length; i++) {
      const id = this.#intern(terms[i]!);
      this.#taskTerms.data[start + i] = id;
      this.#post(id, slot);
    }
  }

  remove(task: KnownTask): void {
    const slot = this.#slots.get(task.key);
    if (slot === undefined) return;
    this.#slots.delete(task.key);
    this.#tasks[slot] = undefined;
    const start = this.#termStart[slot]!;
    const count = this.#termCount[slot]!;
    for (let i = 0; i < count; i++) this.#unpost(this.#taskTerms.data[start + i]!, slot);
    this.#taskTerms.release(start, BlockArena.sizeFor(count));
    this.#termCount[slot] = 0;
    this.#freeSlots.push(slot);
    if (this.#lastTask === task) this.#lastTask = undefined;
  }

  /**
   * The known tasks of other repositories that share a term (not common) with `task`, best
   * scored first, at most `maxCandidates`. The task itself is never one.
   *
   * The task's terms are read rarest first, and reading stops after the term that brings the
   * `maxCandidates`-th candidate: the candidates share the rarest terms, scored by the weight of
   * the terms read. With fewer candidates than that, every shared term is read.
   */
  candidates(task: KnownTask): KnownTask[] {
    const ids = this.#rareTermIds(this.#termsOf(task));
    const size = this.size;
    const own = this.#slots.get(task.key);
    const repository = this.#repositories.get(task.repository);
    const score = this.#score;
    let touched = this.#touched;
    let touchedCount = 0;
    const data = this.#postings.data;
    for (const id of ids) {
      if (touchedCount >= this.#maxCandidates) break;
      const isReference = isReferenceTerm(this.#termNames[id]!);
      const weight = Math.log(1 + size / this.#df[id]!) + (isReference ? REFERENCE_BOOST : 0);
      const start = this.#postStart[id]!;
      const end = start + this.#postLength[id]!;
      for (let i = start; i < end; i++) {
        const slot = data[i]!;
        if (slot === own || this.#repository[slot] === repository) continue;
        if (score[slot]! === 0) {
          if (touchedCount === touched.length) {
            touched = this.#touched = ensureLength(touched, touchedCount + 1);
          }
          touched[touchedCount++] = slot;
        }
        score[slot] = score[slot]! + weight;
      }
    }
    const best = topSlots(touched, touchedCount, score, this.#tasks, this.#maxCandidates);
    for (let i = 0; i < touchedCount; i++) score[touched[i]!] = 0;
    this.#queries += 1;
    this.#served += best.length;
    return best;
  }

  /** The ids of the terms that have postings, rarest first (references before all). */
  #rareTermIds(terms: readonly string[]): number[] {
    const ids: number[] = [];
    for (const term of terms) {
      const id = this.#termIds.get(term);
      if (id !== undefined && this.#postLength[id]! > 0) ids.push(id);
    }
    const rank = (id: number) => (isReferenceTerm(this.#termNames[id]!) ? 0 : this.#df[id]!);
    return ids.sort((x, y) => rank(x) - rank(y));
  }

  #termsOf(task: KnownTask): string[] {
    if (this.#lastTask === task) return this.#lastTerms;
    const terms = new Set<string>(textTerms(task.text));
    for (const term of referenceTerms(task)) terms.add(term);
    const rules = this.#rules?.();
    if (rules) for (const term of ruleTerms(task.text, rules)) terms.add(term);
    this.#lastTask = task;
    this.#lastTerms = [...terms];
    return this.#lastTerms;
  }

  #intern(term: string): number {
    let id = this.#termIds.get(term);
    if (id !== undefined) return id;
    id = this.#freeTermIds.pop() ?? this.#termNames.length;
    const n = id + 1;
    this.#df = ensureLength(this.#df, n);
    this.#postStart = ensureLength(this.#postStart, n);
    this.#postLength = ensureLength(this.#postLength, n);
    this.#postSize = ensureLength(this.#postSize, n);
    this.#common = ensureLength(this.#common, n);
    this.#termIds.set(term, id);
    this.#termNames[id] = term;
    return id;
  }

  #post(id: number, slot: number): void {
    const df = ++this.#df[id]!;
    if (this.#common[id] === 1) return;
    if (df > this.#maxPostings) {
      // Common from now on: its postings would cost more than they tell.
      if (this.#postSize[id]! > 0)
        this.#postings.release(this.#postStart[id]!, this.#postSize[id]!);
      this.#common[id] = 1;
      this.#postSize[id] = 0;
      this.#postLength[id] = 0;
      return;
    }
    const length = this.#postLength[id]!;
    const size = this.#postSize[id]!;
    if (length === size) {
      const grown = size === 0 ? 1 : size * 2;
      const start = this.#postings.alloc(grown);
      const data = this.#postings.data;
      if (size > 0) {
        const old = this.#postStart[id]!;
        data.copyWithin(start, old, old + length);
        this.#postings.release(old, size);
      }
      this.#postStart[id] = start;
      this.#postSize[id] = grown;
    }
    this.#postings.data[this.#postStart[id]! + length] = slot;
    this.#postLength[id] = length + 1;
  }

  #unpost(id: number, slot: number): void {
    const df = --this.#df[id]!;
    if (this.#common[id] === 0) {
      const data = this.#postings.data;
      const start = this.#postStart[id]!;
      const last = start + this.#postLength[id]! - 1;
      for (let i = start; i <= last; i++) {
        if (data[i] !== slot) continue;
        data[i] = data[last]!;
        this.#postLength[id] = last - start;
        break;
      }
    }
    if (df === 0) {
      // No known task has the term any more: forget it (a common term becomes rare again).
      if (this.#postSize[id]! > 0)
        this.#postings.release(this.#postStart[id]!, this.#postSize[id]!);
      this.#postSize[id] = 0;
      this.#postLength[id] = 0;
      this.#common[id] = 0;
      this.#termIds.delete(this.#termNames[id]!);
      this.#termNames[id] = undefined;
      this.#freeTermIds.push(id);
    }
  }

  #ensureSlots(n: number): void {
    this.#repository = ensureLength(this.#repository, n);
    this.#termStart = ensureLength(this.#termStart, n);
    this.#termCount = ensureLength(this.#termCount, n);
    this.#score = ensureLength(this.#score, n);
  }

  #repositoryId(repository: string): number {
    let id = this.#repositories.get(repository);
    if (id === undefined) {
      id = this.#repositories.size;
      this.#repositories.set(repository, id);
    }
    return id;
  }
}

/** The `limit` best-scored slots, best first (ties: the later slot). A min-heap of size `limit`. */
function topSlots(
  slots: Uint32Array,
  count: number,
  score: Float64Array,
  tasks: readonly (KnownTask | undefined)[],
  limit: number,
): KnownTask[] {
  const better = (x: number, y: number) =>
    score[x]! > score[y]! || (score[x] === score[y] && x > y);
  const heap: number[] = [];
  for (let i = 0; i < count; i++) {
    const slot = slots[i]!;
    if (heap.length < limit) {
      heap.push(slot);
      siftUp(heap, heap.length - 1, better);
    } else if (better(slot, heap[0]!)) {
      heap[0] = slot;
      siftDown(heap, 0, better);
    }
  }
  heap.sort((x, y) => (better(x, y) ? -1 : 1));
  return heap.map((slot) => tasks[slot]!);
}

function siftUp(heap: number[], i: number, better: (x: number, y: number) => boolean): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!better(heap[parent]!, heap[i]!)) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function siftDown(heap: number[], i: number, better: (x: number, y: number) => boolean): void {
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let worst = i;
    if (left < heap.length && better(heap[worst]!, heap[left]!)) worst = left;
    if (right < heap.length && better(heap[worst]!, heap[right]!)) worst = right;
    if (worst === i) return;
    [heap[worst], heap[i]] = [heap[i]!, heap[worst]!];
    i = worst;
  }
}

function corpusView(size: () => number, documentFrequency: (term: string) => number): CorpusStats {
  return {
    get size() {
      return size();
    },
    documentFrequency,
  };
}
