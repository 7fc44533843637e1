import type { CorpusStats, DependencyRule, TaskText } from '@chorale/core';
import { countedIds } from '../corpus.js';
import type { CandidateSource, KnownTask } from '../detector.js';
import { textIds } from '../text.js';
import { BlockArena, ensureLength } from './block-arena.js';
import { positiveInteger } from './errors.js';
import { indexTerms, isReferenceTerm } from './terms.js';
import type { Vocabulary } from './vocabulary.js';

export const DEFAULT_MAX_POSTINGS = 1024;
export const DEFAULT_MAX_CANDIDATES = 32;

/** Added to the weight of a reference term, so a task that cites another always ranks first. */
const REFERENCE_BOOST = 1000;

const NO_WORDS: readonly number[] = [];

// The fields of a term's record in `TermIndex.#term`.
/** How many known tasks have the term (exact, common terms included). */
const DF = 0;
/** Where the term's postings start in the postings arena. */
const POST_START = 1;
/** How many postings the term has (0 for a common term). */
const POST_LENGTH = 2;
/** Block size of the term's postings; 0: no block (no postings yet, or common). */
const POST_SIZE = 3;
/** The pass (`#nextPass`) that last listed the term. */
const SEEN = 4;
/** COMMON, REFERENCE and LOWER_CASE. */
const FLAGS = 5;
const TERM_FIELDS = 6;

/** On more than `maxPostings` tasks: no postings kept. */
const COMMON = 1;
/** A reference term: read before all others, and weighted up. */
const REFERENCE = 2;
/** The term is its own lower case (every word and reference is; a rule's may not be). */
const LOWER_CASE = 4;
/** The term is found by its word id (`#termOfWord`), not in the map of terms (see `#find`). */
const BY_WORD = 8;

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
 * Each task is posted under its terms (its analysed terms and identifiers, `countedTerms`;
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
  /**
   * The ids of the terms that are not found by their word id (`BY_WORD`): references, rules'
   * terms, terms of texts without ids. A word of the known texts is found through the
   * vocabulary, which knows it anyway: one map of the words of a million tasks, not two.
   */
  readonly #termIds = new Map<string, number>();
  #termNames: (string | undefined)[] = [];
  #distinctTerms = 0;
  readonly #freeTermIds: number[] = [];
  /**
   * Each term's record (`TERM_FIELDS` values from `id * TERM_FIELDS`: DF, POST_START, ...), the
   * fields of a term side by side: a registration reads and writes a few fields of each of its
   * terms, and the records of a large index are not in the cache then (one miss, not six).
   */
  #term = new Uint32Array(1024 * TERM_FIELDS);
  /** The mark of a task's terms in SEEN: its terms are deduplicated by id, not by a Set. */
  #pass = 0;
  readonly #postings = new BlockArena(1 << 16);

  // Tasks, by slot (`KnownTask.slot`: no map from keys to slots, which would cost a million tasks
  // 29 MB, and twice that once tasks come and go).
  #tasks: (KnownTask | undefined)[] = [];
  #size = 0;
  #repository = new Uint32Array(1024);
  #termStart = new Uint32Array(1024);
  #termCount = new Uint32Array(1024);
  readonly #taskTerms = new BlockArena(1 << 16);
  readonly #repositories = new Map<string, number>();

  // Scratch for scoring.
  #score = new Float64Array(1024);
  #touched = new Uint32Array(1024);
  /** A task's term ids (rarest first in `candidates`), and their ranks while sorting. */
  #ids = new Uint32Array(64);
  #ranks = new Uint32Array(64);
  /** The min-heap of `topSlots`. */
  #heap = new Uint32Array(64);

  /** The last task whose terms were listed (candidates() then add() for the same task). */
  #lastTask: KnownTask | undefined;
  #lastTerms: string[] = [];
  /** The word ids of its first terms (`countedIds`) in `#vocabulary`, when its text has ids. */
  #lastWords: readonly number[] = [];

  /**
   * The vocabulary of the known tasks' texts (`textIds`; the first one seen), and the index's
   * term id + 1 of each of its word ids (0: not known): a registration's words have ids already
   * (its text was packed), so its terms are found by them, not looked up again in the term map
   * of every known task (most often a few cache misses each). A text of another vocabulary, or
   * without ids, is looked up by its strings.
   *
   * An entry goes when its term goes (`#unpost`, while the word is still in the vocabulary: the
   * detector removes a task from the index before it frees the task's words). While the term
   * stays, some known task has it, and its text keeps the word, so the word's id is not freed
   * (nor made another word's) under the entry.
   */
  #vocabulary: Vocabulary | undefined;
  #termOfWord = new Uint32Array(0);
  /**
   * The ids `candidates` found for the terms `#idsOf` (-1: unknown term), for `add` to reuse
   * while the index is unchanged (`#idsVersion`): the term map is large, and each look-up after
   * the rules have run is a few cache misses.
   */
  #lastIds = new Int32Array(64);
  #idsOf: readonly string[] | undefined;
  #idsVersion = -1;
  /**
   * The same ids by term, for `documentFrequency` while the index is unchanged: the rules ask the
   * counts of the terms two tasks share, which are the new task's, just looked up. This small
   * map of them is in the CPU cache; the term map of a million tasks is not. A new map each time
   * (see `PackedTexts#recentIds`).
   */
  #recentIds = new Map<string, number>();
  /** Counts the changes of the term ids (`add`, `remove`). */
  #version = 0;
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
    return this.#size;
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
    const id = this.#recentIdOf(term) ?? this.#idOf(term);
    return id === undefined ? 0 : this.#term[id * TERM_FIELDS + DF]!;
  }

  /**
   * The id of `term` when it is one of the terms `candidates` last looked up, the index is
   * unchanged since, and it is kept lower-case (what `#idOf` then finds); else undefined.
   */
  #recentIdOf(term: string): number | undefined {
    if (this.#idsVersion !== this.#version) return undefined;
    const id = this.#recentIds.get(term);
    return id !== undefined && (this.#term[id * TERM_FIELDS + FLAGS]! & LOWER_CASE) !== 0
      ? id
      : undefined;
  }

  /** Whether a term has been on more than `maxPostings` tasks (and brings no candidates). */
  isCommon(term: string): boolean {
    const id = this.#idOf(term);
    return id !== undefined && (this.#term[id * TERM_FIELDS + FLAGS]! & COMMON) !== 0;
  }

  /** How many postings the term keeps (0 for a common or unknown term). */
  postingCount(term: string): number {
    const id = this.#idOf(term);
    return id === undefined ? 0 : this.#term[id * TERM_FIELDS + POST_LENGTH]!;
  }

  /**
   * The id of `term` lower-cased. The rules ask `documentFrequency` a hundred times per
   * registration, for terms of the texts, which are lower-case already: a term found as it is
   * and kept lower-case is the answer without lower-casing it (a few ns each time, no copy).
   */
  #idOf(term: string): number | undefined {
    const id = this.#find(term);
    if (id !== undefined && (this.#term[id * TERM_FIELDS + FLAGS]! & LOWER_CASE) !== 0) return id;
    const lower = term.toLowerCase();
    return lower === term ? id : this.#find(lower);
  }

  /**
   * The id of a term as it is: by its word id when the vocabulary has the word and a term of
   * it is known, else in the map of the other terms. (While a term found by its word is known,
   * a known task's text has the word, so the vocabulary keeps it under the same id.)
   */
  #find(term: string): number | undefined {
    const word = this.#vocabulary?.id(term);
    if (word !== undefined) {
      const known = this.#termOfWord[word] ?? 0;
      if (known > 0) return known - 1;
    }
    return this.#termIds.get(term);
  }

  /** Calls of `candidates()` and the candidates they returned, since the index was made. */
  counters(): { queries: number; candidates: number } {
    return { queries: this.#queries, candidates: this.#served };
  }

  /** How many distinct terms the known tasks have. */
  get termCount(): number {
    return this.#distinctTerms;
  }

  /** Adds a task; one added before with its slot is removed first (see `KnownTask.slot`). */
  add(task: KnownTask): void {
    const slot = task.slot;
    if (!Number.isSafeInteger(slot) || slot < 0) {
      throw new TypeError(`a known task's slot must be a whole number from 0, not ${slot}`);
    }
    const held = this.#tasks[slot];
    if (held !== undefined) this.remove(held);
    const terms = this.#termsOf(task);
    this.#ensureSlots(slot + 1);
    // a packed array: no holes below the slot
    while (this.#tasks.length < slot) this.#tasks.push(undefined);
    this.#tasks[slot] = task;
    this.#size += 1;
    this.#repository[slot] = this.#repositoryId(task.repository);

    // each distinct term once, in the order listed
    const known = this.#idsOf === terms && this.#idsVersion === this.#version;
    this.#version += 1;
    const pass = this.#nextPass();
    let ids = this.#ids;
    let count = 0;
    for (let i = 0; i < terms.length; i++) {
      const found = known ? this.#lastIds[i]! : (this.#lookUp(i) ?? -1);
      const id = found >= 0 ? found : this.#intern(i);
      const seen = id * TERM_FIELDS + SEEN;
      if (this.#term[seen] === pass) continue;
      this.#term[seen] = pass;
      if (count === ids.length) ids = this.#ids = ensureLength(ids, count + 1);
      ids[count++] = id;
    }
    // a task's terms never grow: a block of their number (1 for none), no power-of-two slack
    const start = this.#taskTerms.alloc(Math.max(count, 1));
    this.#termStart[slot] = start;
    this.#termCount[slot] = count;
    this.#taskTerms.data.set(ids.subarray(0, count), start);
    for (let i = 0; i < count; i++) this.#post(ids[i]!, slot);
  }

  /** Removes a task (the one in its slot, when it has the task's key). */
  remove(task: KnownTask): void {
    const slot = task.slot;
    if (this.#tasks[slot]?.key !== task.key) return;
    this.#version += 1;
    this.#tasks[slot] = undefined;
    this.#size -= 1;
    const start = this.#termStart[slot]!;
    const count = this.#termCount[slot]!;
    for (let i = 0; i < count; i++) this.#unpost(this.#taskTerms.data[start + i]!, slot);
    this.#taskTerms.release(start, Math.max(count, 1));
    this.#termCount[slot] = 0;
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
    const idCount = this.#rareTermIds(this.#termsOf(task));
    const ids = this.#ids;
    const size = this.size;
    // the task itself, when it is in the index, is no candidate
    const own = this.#tasks[task.slot]?.key === task.key ? task.slot : -1;
    const repository = this.#repositories.get(task.repository);
    const score = this.#score;
    let touched = this.#touched;
    let touchedCount = 0;
    const data = this.#postings.data;
    const term = this.#term;
    for (let k = 0; k < idCount; k++) {
      if (touchedCount >= this.#maxCandidates) break;
      const at = ids[k]! * TERM_FIELDS;
      const isReference = (term[at + FLAGS]! & REFERENCE) !== 0;
      const weight = Math.log(1 + size / term[at + DF]!) + (isReference ? REFERENCE_BOOST : 0);
      const start = term[at + POST_START]!;
      const end = start + term[at + POST_LENGTH]!;
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
    const best = this.#topSlots(touched, touchedCount);
    for (let i = 0; i < touchedCount; i++) score[touched[i]!] = 0;
    this.#queries += 1;
    this.#served += best.length;
    return best;
  }

  /**
   * Puts in `#ids` the ids of the distinct terms that have postings, rarest first (references
   * before all; equal ranks in the order listed, as a stable sort leaves them); returns how many.
   */
  #rareTermIds(terms: readonly string[]): number {
    const pass = this.#nextPass();
    let ids = this.#ids;
    let ranks = this.#ranks;
    let count = 0;
    if (this.#lastIds.length < terms.length) this.#lastIds = new Int32Array(terms.length * 2);
    this.#idsOf = terms;
    this.#idsVersion = this.#version;
    const recent = new Map<string, number>();
    this.#recentIds = recent;
    const term = this.#term;
    for (let i = 0; i < terms.length; i++) {
      const id = this.#lookUp(i);
      this.#lastIds[i] = id ?? -1;
      if (id === undefined) continue;
      recent.set(terms[i]!, id);
      const at = id * TERM_FIELDS;
      if (term[at + POST_LENGTH] === 0 || term[at + SEEN] === pass) continue;
      term[at + SEEN] = pass;
      if (count === ids.length) {
        ids = this.#ids = ensureLength(ids, count + 1);
        ranks = this.#ranks = ensureLength(ranks, count + 1);
      }
      const rank = (term[at + FLAGS]! & REFERENCE) !== 0 ? 0 : term[at + DF]!;
      // insertion sort (stable; a task has a few dozen terms, a few of them with postings)
      let j = count++;
      while (j > 0 && ranks[j - 1]! > rank) {
        ids[j] = ids[j - 1]!;
        ranks[j] = ranks[j - 1]!;
        j--;
      }
      ids[j] = id;
      ranks[j] = rank;
    }
    return count;
  }

  /** A new mark for the SEEN fields (all marks are cleared when the counter wraps). */
  #nextPass(): number {
    if (this.#pass === 0xffffffff) {
      for (let at = SEEN; at < this.#term.length; at += TERM_FIELDS) this.#term[at] = 0;
      this.#pass = 0;
    }
    return ++this.#pass;
  }

  /** The terms the index posts `task` under, in order, possibly repeated (see `indexTerms`). */
  #termsOf(task: KnownTask): string[] {
    if (this.#lastTask === task) return this.#lastTerms;
    this.#lastTerms = indexTerms(task, this.#rules?.(), []);
    this.#lastWords = this.#wordsOf(task.text);
    this.#lastTask = task;
    return this.#lastTerms;
  }

  /** The word ids of the text's counted terms (see `#termOfWord`); none for another vocabulary. */
  #wordsOf(text: TaskText): readonly number[] {
    const ids = textIds(text);
    if (ids === undefined) return NO_WORDS;
    this.#vocabulary ??= ids.vocabulary;
    if (ids.vocabulary !== this.#vocabulary) return NO_WORDS;
    if (this.#termOfWord.length < this.#vocabulary.capacity) {
      this.#termOfWord = ensureLength(this.#termOfWord, this.#vocabulary.capacity);
    }
    return countedIds(ids);
  }

  /** The id of the `i`th term of the last task listed (`#lastTerms`), by its word id when known. */
  #lookUp(i: number): number | undefined {
    const word = this.#wordAt(i);
    if (word >= 0) {
      const known = this.#termOfWord[word]!;
      if (known > 0) return known - 1;
    }
    // a term known by its word is found by it: without a word id, look its word up
    const id = word >= 0 ? this.#termIds.get(this.#lastTerms[i]!) : this.#find(this.#lastTerms[i]!);
    if (id !== undefined && word >= 0) this.#termOfWord[word] = id + 1;
    return id;
  }

  /**
   * The tasks of the `limit` (maxCandidates) best-scored of `count` slots, best first; on equal
   * scores the later slot is better. A min-heap of `limit` slots, the worst at the top.
   */
  #topSlots(slots: Uint32Array, count: number): KnownTask[] {
    const score = this.#score;
    const limit = Math.min(this.#maxCandidates, count);
    if (this.#heap.length < limit) this.#heap = new Uint32Array(limit);
    const heap = this.#heap;
    let size = 0;
    for (let i = 0; i < count; i++) {
      const slot = slots[i]!;
      if (size < limit) {
        heap[size] = slot;
        siftUp(heap, size++, score);
      } else if (better(score, slot, heap[0]!)) {
        heap[0] = slot;
        siftDown(heap, 0, size, score);
      }
    }
    // take the worst out first, filling the list from its end
    const best = new Array<KnownTask>(size);
    for (let n = size; n > 0; n--) {
      best[n - 1] = this.#tasks[heap[0]!]!;
      heap[0] = heap[n - 1]!;
      siftDown(heap, 0, n - 1, score);
    }
    return best;
  }

  /** The id of the `i`th term of the last task listed (see `#lookUp`), made when it is new. */
  #intern(i: number): number {
    const term = this.#lastTerms[i]!;
    // a repeat of a term of the task (interned a moment ago)
    let id = this.#lookUp(i);
    if (id !== undefined) return id;
    id = this.#freeTermIds.pop() ?? this.#termNames.length;
    this.#term = ensureLength(this.#term, (id + 1) * TERM_FIELDS);
    const word = this.#wordAt(i);
    // a new id's record is zero, a reused one's was cleared when its term went (#unpost)
    this.#term[id * TERM_FIELDS + FLAGS] =
      (isReferenceTerm(term) ? REFERENCE : 0) |
      (term === term.toLowerCase() ? LOWER_CASE : 0) |
      (word >= 0 ? BY_WORD : 0);
    if (word >= 0) this.#termOfWord[word] = id + 1;
    else this.#termIds.set(term, id);
    this.#termNames[id] = term;
    this.#distinctTerms += 1;
    return id;
  }

  /** The word id of the `i`th term of the last task listed, -1 when its text has none. */
  #wordAt(i: number): number {
    return i < this.#lastWords.length ? this.#lastWords[i]! : -1;
  }

  #post(id: number, slot: number): void {
    const term = this.#term;
    const at = id * TERM_FIELDS;
    const df = ++term[at + DF]!;
    if ((term[at + FLAGS]! & COMMON) !== 0) return;
    if (df > this.#maxPostings) {
      // Common from now on: its postings would cost more than they tell.
      if (term[at + POST_SIZE]! > 0)
        this.#postings.release(term[at + POST_START]!, term[at + POST_SIZE]!);
      term[at + FLAGS] = term[at + FLAGS]! | COMMON;
      term[at + POST_SIZE] = 0;
      term[at + POST_LENGTH] = 0;
      return;
    }
    const length = term[at + POST_LENGTH]!;
    const size = term[at + POST_SIZE]!;
    if (length === size) {
      const grown = size === 0 ? 1 : size * 2;
      const start = this.#postings.alloc(grown);
      const data = this.#postings.data;
      if (size > 0) {
        const old = term[at + POST_START]!;
        data.copyWithin(start, old, old + length);
        this.#postings.release(old, size);
      }
      term[at + POST_START] = start;
      term[at + POST_SIZE] = grown;
    }
    this.#postings.data[term[at + POST_START]! + length] = slot;
    term[at + POST_LENGTH] = length + 1;
  }

  #unpost(id: number, slot: number): void {
    const term = this.#term;
    const at = id * TERM_FIELDS;
    const df = --term[at + DF]!;
    if ((term[at + FLAGS]! & COMMON) === 0) {
      const data = this.#postings.data;
      const start = term[at + POST_START]!;
      const last = start + term[at + POST_LENGTH]! - 1;
      for (let i = start; i <= last; i++) {
        if (data[i] !== slot) continue;
        data[i] = data[last]!;
        term[at + POST_LENGTH] = last - start;
        break;
      }
    }
    if (df === 0) {
      // No known task has the term any more: forget it (a common term becomes rare again).
      if (term[at + POST_SIZE]! > 0)
        this.#postings.release(term[at + POST_START]!, term[at + POST_SIZE]!);
      term[at + POST_SIZE] = 0;
      term[at + POST_LENGTH] = 0;
      const byWord = (term[at + FLAGS]! & BY_WORD) !== 0;
      term[at + FLAGS] = 0;
      const name = this.#termNames[id]!;
      if (!byWord) this.#termIds.delete(name);
      this.#termNames[id] = undefined;
      this.#freeTermIds.push(id);
      this.#distinctTerms -= 1;
      // its word, if the vocabulary still has it, no longer names this id
      const word = this.#vocabulary?.id(name);
      if (word !== undefined && this.#termOfWord[word] === id + 1) this.#termOfWord[word] = 0;
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

/** Whether `x` ranks before `y`: a higher score, or on a tie the later slot. */
function better(score: Float64Array, x: number, y: number): boolean {
  return score[x]! > score[y]! || (score[x] === score[y] && x > y);
}

/** Moves `heap[i]` up while it is worse than its parent (the worst slot at the top). */
function siftUp(heap: Uint32Array, i: number, score: Float64Array): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!better(score, heap[parent]!, heap[i]!)) break;
    const swap = heap[parent]!;
    heap[parent] = heap[i]!;
    heap[i] = swap;
    i = parent;
  }
}

/** Moves `heap[i]` down while a child of the first `size` is worse. */
function siftDown(heap: Uint32Array, i: number, size: number, score: Float64Array): void {
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let worst = i;
    if (left < size && better(score, heap[worst]!, heap[left]!)) worst = left;
    if (right < size && better(score, heap[worst]!, heap[right]!)) worst = right;
    if (worst === i) return;
    const swap = heap[worst]!;
    heap[worst] = heap[i]!;
    heap[i] = swap;
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
