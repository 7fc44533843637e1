import type { TaskContext, TaskText } from '@chorale/core';
import type { Reference } from '../cross-reference.js';
import type { KnownTask } from '../detector.js';
import { taskText } from '../text.js';
import { positiveInteger } from './errors.js';

export const DEFAULT_TEXT_CACHE_SIZE = 4096;

const NO_REFERENCES: readonly Reference[] = Object.freeze([]);

/**
 * The analysed texts of the most recently used tasks (least recently used out first). Known
 * tasks do not keep their TaskText (a few KiB each): a candidate's text comes from here, or is
 * analysed again from the task.
 */
export class TextCache {
  readonly #capacity: number;
  readonly #texts = new Map<string, TaskText>();

  constructor(capacity = DEFAULT_TEXT_CACHE_SIZE) {
    this.#capacity = positiveInteger(capacity, 'textCacheSize');
  }

  /**
   * The text of the task stored under `key`, or the task analysed again if it is not cached (or
   * stale). A text analysed again is not cached: with more known tasks than the cache holds, a
   * registration's candidates are spread over all of them, so it would only push out a recent
   * one (and evicting from the front of a Map that has lost many entries is slow).
   */
  get(key: string, task: TaskContext): TaskText {
    const cached = this.#texts.get(key);
    if (cached !== undefined && cached.task === task) {
      this.#texts.delete(key);
      this.#texts.set(key, cached);
      return cached;
    }
    return taskText(task);
  }

  set(key: string, text: TaskText): void {
    this.#texts.delete(key);
    this.#texts.set(key, text);
    if (this.#texts.size > this.#capacity) {
      this.#texts.delete(this.#texts.keys().next().value!);
    }
  }

  delete(key: string): void {
    this.#texts.delete(key);
  }

  get size(): number {
    return this.#texts.size;
  }
}

/** A known task whose text lives in a TextCache. */
class StoredTask implements KnownTask {
  readonly key: string;
  readonly task: TaskContext;
  readonly refs: readonly Reference[];
  readonly repository: string;
  readonly order: number;
  readonly #texts: TextCache;

  constructor(
    key: string,
    task: TaskContext,
    refs: readonly Reference[],
    repository: string,
    order: number,
    texts: TextCache,
  ) {
    this.key = key;
    this.task = task;
    this.refs = refs.length === 0 ? NO_REFERENCES : refs;
    this.repository = repository;
    this.order = order;
    this.#texts = texts;
  }

  get text(): TaskText {
    return this.#texts.get(this.key, this.task);
  }
}

/**
 * A KnownTask that keeps its task, references, repository and order, and takes its analysed
 * text from `texts` (where `text`, just analysed, is put first).
 */
export function storedTask(
  fields: Omit<KnownTask, 'text'> & { text: TaskText },
  texts: TextCache,
): KnownTask {
  texts.set(fields.key, fields.text);
  return new StoredTask(
    fields.key,
    fields.task,
    fields.refs,
    fields.repository,
    fields.order,
    texts,
  );
}
