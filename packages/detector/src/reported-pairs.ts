import { BlockArena } from './index/block-arena.js';
import { Reader, varintLength, writeVarint } from './index/varint.js';

/**
 * Below this many releases since the last sweep, released tasks' pairs are left in place (a
 * sweep reads every pair).
 */
const MIN_SWEEP = 1024;
/** Relationship names a detector can report (one per rule, and the cross-reference check). */
const MAX_RELATIONSHIPS = 2 ** 16;

/**
 * The relationships reported for each pair of known tasks, a task known by its registration
 * order (`KnownTask.order`: kept by an update, never given again after a release).
 *
 * The pairs are kept by their later task, as bytes: each pair the earlier task's order and the
 * relationship's number, as variable-length integers (`varint.ts`; about 3 + 1 bytes at a million
 * tasks), in a block of one arena whose first bytes say how long it is. A set of strings took
 * some 150 bytes a pair, an array of numbers 8 bytes a pair and 50 a list. A pair of a released
 * task cannot come back (claimed again, the task has a new order: its pairs are reported again),
 * so such pairs are swept out once enough tasks have been released: the pairs kept follow the
 * known tasks, not every task ever known.
 */
export class ReportedPairs {
  /** Later order → the offset of its block in `#bytes`. */
  readonly #byLater = new Map<number, number>();
  /**
   * The blocks: a varint byte count, then that many bytes of pairs (earlier, relationship). Small
   * at first (a detector loaded before its rules keeps no pair); it grows by half when full.
   */
  readonly #bytes = new BlockArena(1 << 10, Uint8Array);
  /** Scratch for a block being written (grown when a list needs more). */
  #scratch = new Uint8Array(256);
  /** Relationship names (one per rule, and the cross-reference check), numbered as first reported. */
  readonly #relationships = new Map<string, number>();
  /**
   * The orders released since the last sweep (after it no pair of theirs is left, and an order is
   * never given again, so the sweep empties this).
   */
  readonly #released = new Set<number>();
  #size = 0;

  /** Records `relationship` for the pair; false when it was reported for the pair already. */
  add(earlier: number, later: number, relationship: string): boolean {
    let number = this.#relationships.get(relationship);
    if (number === undefined) {
      number = this.#relationships.size;
      if (number >= MAX_RELATIONSHIPS) throw new RangeError('more than 65,536 relationship names');
      this.#relationships.set(relationship, number);
    }
    const block = this.#byLater.get(later);
    let length = 0;
    if (block !== undefined) {
      const reader = new Reader(this.#bytes.data, block);
      length = reader.nextLarge();
      const end = reader.at + length;
      while (reader.at < end) {
        const known = reader.nextLarge();
        if (reader.next() === number && known === earlier) return false;
      }
    }
    // the list again, one pair longer, in a block of its exact size (the old one is reused)
    const pairLength = varintLength(earlier) + varintLength(number);
    const payload = this.#payload(block, length, pairLength);
    let at = writeVarint(payload, length, earlier);
    at = writeVarint(payload, at, number);
    this.#write(later, block, payload, at);
    this.#size += 1;
    return true;
  }

  /**
   * Forgets the pairs of a released task (its order is not used again): at once when many tasks
   * were released since the last sweep (at least MIN_SWEEP, and a quarter of `knownTasks`, so a
   * sweep's cost is spread over the releases that led to it), otherwise at a later sweep.
   */
  release(order: number, knownTasks: number): void {
    this.#released.add(order);
    if (this.#released.size >= Math.max(MIN_SWEEP, knownTasks / 4)) this.sweep();
  }

  /** Drops every pair of a released task now. */
  sweep(): void {
    const released = this.#released;
    if (released.size === 0) return;
    for (const [later, block] of this.#byLater) {
      const reader = new Reader(this.#bytes.data, block);
      const length = reader.nextLarge();
      const end = reader.at + length;
      if (released.has(later)) {
        while (reader.at < end) {
          reader.nextLarge();
          reader.next();
          this.#size -= 1;
        }
        this.#bytes.release(block, end - block);
        this.#byLater.delete(later);
        continue;
      }
      // the pairs kept, written in the scratch (the arena is not changed while reading)
      const payload = this.#room(length);
      let at = 0;
      while (reader.at < end) {
        const earlier = reader.nextLarge();
        const number = reader.next();
        if (released.has(earlier)) {
          this.#size -= 1;
        } else {
          at = writeVarint(payload, at, earlier);
          at = writeVarint(payload, at, number);
        }
      }
      if (at === length) continue;
      if (at === 0) {
        this.#bytes.release(block, end - block);
        this.#byLater.delete(later);
      } else {
        this.#write(later, block, payload, at);
      }
    }
    released.clear();
  }

  /** Pairs and relationships kept (those of released tasks included until a sweep). */
  get size(): number {
    return this.#size;
  }

  /** The scratch, with room for `length` bytes. */
  #room(length: number): Uint8Array {
    if (length > this.#scratch.length) this.#scratch = new Uint8Array(length * 2);
    return this.#scratch;
  }

  /** The scratch holding a block's `length` bytes of pairs, with room for `more`. */
  #payload(block: number | undefined, length: number, more: number): Uint8Array {
    const payload = this.#room(length + more);
    if (block !== undefined) {
      const start = block + varintLength(length);
      payload.set(this.#bytes.data.subarray(start, start + length));
    }
    return payload;
  }

  /** Stores `length` bytes of the scratch as `later`'s block (in place of `old`). */
  #write(later: number, old: number | undefined, payload: Uint8Array, length: number): void {
    if (old !== undefined) {
      const oldLength = new Reader(this.#bytes.data, old).nextLarge();
      this.#bytes.release(old, varintLength(oldLength) + oldLength);
    }
    const block = this.#bytes.alloc(varintLength(length) + length);
    const data = this.#bytes.data; // after alloc: it may have grown
    const at = writeVarint(data, block, length);
    data.set(payload.subarray(0, length), at);
    this.#byLater.set(later, block);
  }
}
