import type { TaskContext, TaskText } from '@chorale/core';
import type { Reference } from '../cross-reference.js';
import type { KnownTask } from '../detector.js';
import { NO_PAIRS, type PairHolder } from '../reported-pairs.js';
import { type Analysis, packedText, setPacked } from '../text.js';
import { positiveInteger } from './errors.js';
import { PackedTexts } from './packed-texts.js';

/**
 * Whole texts kept for candidates. Small: a candidate's text read by ids costs about 1 µs made
 * again from its packed analysis, and 4,096 whole texts (the default before texts were read by
 * ids) held about 5 KB each and churned the old generation, with no gain in speed measured.
 */
export const DEFAULT_TEXT_CACHE_SIZE = 256;

const NO_REFERENCES: readonly Reference[] = Object.freeze([]);

/**
 * The analysed texts of the most recently used tasks (least recently used out first). Known
 * tasks do not keep their TaskText (a few KiB each): a candidate's text comes from here, or is
 * made again from its packed analysis (`KnownTexts`, which keys it by the packed analysis's
 * handle: a number is looked up without reading the task's key string, most often a cache miss
 * among a million tasks).
 */
export class TextCache<K extends string | number = string> {
  readonly #capacity: number;
  readonly #texts = new Map<K, TaskText>();

  constructor(capacity = DEFAULT_TEXT_CACHE_SIZE) {
    this.#capacity = positiveInteger(capacity, 'textCacheSize');
  }

  /** The cached text of the task stored under `key`, undefined when it is not cached (or stale). */
  get(key: K, task: TaskContext): TaskText | undefined {
    const cached = this.#texts.get(key);
    if (cached !== undefined && cached.task === task) {
      this.#texts.delete(key);
      this.#texts.set(key, cached);
      return cached;
    }
    return undefined;
  }

  set(key: K, text: TaskText): void {
    this.#texts.delete(key);
    this.#texts.set(key, text);
    if (this.#texts.size > this.#capacity) {
      this.#texts.delete(this.#texts.keys().next().value!);
    }
  }

  delete(key: K): void {
    this.#texts.delete(key);
  }

  get size(): number {
    return this.#texts.size;
  }
}

/**
 * Where known tasks' texts live: the analysis of every known task packed (`PackedTexts`, about
 * 60 bytes a task and its share of the words), and the recently used texts whole
 * (`TextCache`). A candidate's text comes from the cache, or is made again from its packed
 * analysis. A text made again is not cached: with more known tasks than the cache holds, a
 * registration's candidates are spread over all of them, so it would only push out a recent one.
 */
export class KnownTexts {
  /** By handle (a handle is reused only once its text is released, and out of the cache). */
  readonly #cache: TextCache<number>;
  readonly #packed = new PackedTexts();
  /** What `warm` read, summed: kept, so that its reads are not optimized away. */
  #warmed = 0;

  constructor(cacheSize?: number) {
    this.#cache = new TextCache(cacheSize);
  }

  /** Keeps a new task's text (and its analysis, packed); the handle finds it again. */
  add(text: TaskText, analysis: Analysis): number {
    const handle = this.#packed.pack(analysis);
    setPacked(text, this.#packed, handle);
    this.#cache.set(handle, text);
    return handle;
  }

  /**
   * The text of the task packed under `handle`: the cached one, or one made from the packed
   * analysis (its ids at once, its sets when a rule reads them). Either reads its ids from the
   * handle while no text is released (`textIds`).
   */
  text(task: TaskContext, handle: number, repository: string): TaskText {
    const cached = this.#cache.get(handle, task);
    if (cached === undefined) return packedText(task, this.#packed, handle, repository);
    setPacked(cached, this.#packed, handle);
    return cached;
  }

  /**
   * Reads the first byte of each stored candidate's packed analysis, and so its known task, one
   * after the other before any is used: among many known tasks each is a cache miss, and misses
   * made in a short loop of independent reads overlap, where the same reads spread over the
   * evaluation of each candidate wait one after the other (at a million known tasks, registration
   * p50 −11 %).
   */
  warm(tasks: readonly KnownTask[]): void {
    let sum = this.#warmed;
    for (const task of tasks) {
      if (task instanceof StoredTask) sum += this.#packed.firstByte(task.handle);
    }
    this.#warmed = sum & 0xffff;
  }

  release(handle: number): void {
    this.#cache.delete(handle);
    this.#packed.release(handle);
  }

  /** The packed analyses (for memory figures). */
  get packed(): PackedTexts {
    return this.#packed;
  }
}

/** A known task whose text lives in KnownTexts (and its reported pairs in ReportedPairs). */
export class StoredTask implements KnownTask, PairHolder {
  readonly key: string;
  readonly task: TaskContext;
  readonly refs: readonly Reference[];
  readonly repository: string;
  readonly order: number;
  readonly slot: number;
  /** Where its analysis is packed. */
  readonly handle: number;
  pairBlock = NO_PAIRS;
  readonly #texts: KnownTexts;

  constructor(fields: Omit<KnownTask, 'text'>, handle: number, texts: KnownTexts) {
    this.key = fields.key;
    this.task = fields.task;
    this.refs = fields.refs.length === 0 ? NO_REFERENCES : fields.refs;
    this.repository = fields.repository;
    this.order = fields.order;
    this.slot = fields.slot;
    this.handle = handle;
    this.#texts = texts;
  }

  get text(): TaskText {
    return this.#texts.text(this.task, this.handle, this.repository);
  }
}

/**
 * A KnownTask that keeps its task, references, repository and order, and takes its text from
 * `texts` (where `text`, just analysed, and its analysis are kept).
 */
export function storedTask(
  fields: Omit<KnownTask, 'text'> & { text: TaskText; analysis: Analysis },
  texts: KnownTexts,
): StoredTask {
  const handle = texts.add(fields.text, fields.analysis);
  return new StoredTask(fields, handle, texts);
}

/** Frees what `storedTask` kept for a known task (its packed analysis, its cached text). */
export function releaseStoredTask(task: KnownTask, texts: KnownTexts): void {
  if (task instanceof StoredTask) texts.release(task.handle);
}
