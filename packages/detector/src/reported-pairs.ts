import { BlockArena } from './index/block-arena.js';
import { Reader, varintLength, writeVarint } from './index/varint.js';

/**
 * Below this many releases since the last sweep, released tasks' pairs are left in place (a
 * sweep reads every pair).
 */
const MIN_SWEEP = 1024;
/** Relationship names a detector can report (one per rule, and the cross-reference check). */
const MAX_RELATIONSHIPS = 2 ** 16;
/** A holder's `pairBlock` when it keeps no pair. */
export const NO_PAIRS = -1;
/** The most bytes of a run's head: its relationship (below 2^16) and count (below 2^32). */
const RUN_HEAD = 3 + 5;
/** The most bytes of an order (below 2^53). */
const ORDER = 8;

/**
 * A known task as the reported pairs see it: its registration order (`KnownTask.order`: kept by
 * an update, never given again after a release) and the block of the pairs it is the later task
 * of, which the pairs keep on it (no map from task to block: at a million tasks a map entry cost
 * some 30 bytes a task). Starts at NO_PAIRS; an update of the task carries it over.
 */
export interface PairHolder {
  readonly order: number;
  pairBlock: number;
}

/** One relationship's pairs in a block: the earlier tasks' orders. */
interface Run {
  relationship: number;
  orders: number[];
}

/**
 * The relationships reported for each pair of known tasks.
 *
 * The pairs are kept by their later task, as bytes: a block of one arena (its first bytes say how
 * long it is) with a run per relationship, its number, how many pairs, and each pair's earlier
 * task order, as variable-length integers (`varint.ts`; about 3 bytes a pair at a million tasks,
 * and 2 a run: most tasks' pairs are of one or two relationships). A set of strings took some
 * 150 bytes a pair, an array of numbers 8 bytes a pair and 50 a list. A pair of a released task
 * cannot come back (claimed again, the task has a new order: its pairs are reported again): a
 * released task's own block goes at once, and the pairs of other tasks with it are swept out
 * once enough tasks have been released, so the pairs kept follow the known tasks, not every task
 * ever known.
 */
export class ReportedPairs {
  /**
   * The blocks: a varint byte count, then that many bytes of runs (relationship, count, earlier
   * orders). Small at first (a detector loaded before its rules keeps no pair); it grows as
   * `grownLength` says when full.
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
  /** The known tasks, for a sweep (their blocks are on them). */
  readonly #holders: () => Iterable<PairHolder>;
  #size = 0;

  constructor(holders: () => Iterable<PairHolder>) {
    this.#holders = holders;
  }

  /** Records `relationship` for the pair; false when it was reported for the pair already. */
  add(earlier: number, later: PairHolder, relationship: string): boolean {
    return this.addAll(later, [[earlier, relationship]])[0]!;
  }

  /**
   * `add` of pairs that have the same later task, in order, its block read and written once (a
   * registration reports most of its pairs as their later task: block by block, each pair
   * copied the whole block again). Says for each pair whether it was new (a pair listed twice is
   * new once).
   */
  addAll(
    later: PairHolder,
    pairs: readonly (readonly [earlier: number, relationship: string])[],
  ): boolean[] {
    const runs = this.#runsOf(later.pairBlock);
    const isNew = new Array<boolean>(pairs.length).fill(false);
    let added = 0;
    for (let i = 0; i < pairs.length; i++) {
      const [earlier, relationship] = pairs[i]!;
      const number = this.#numberOf(relationship);
      let run = runs.find((r) => r.relationship === number);
      if (run === undefined) {
        run = { relationship: number, orders: [] };
        runs.push(run);
      } else if (run.orders.includes(earlier)) {
        continue;
      }
      run.orders.push(earlier);
      isNew[i] = true;
      added++;
    }
    if (added === 0) return isNew;
    let needed = 0;
    for (const run of runs) needed += RUN_HEAD + ORDER * run.orders.length;
    const payload = this.#room(needed);
    let at = 0;
    for (const { relationship, orders } of runs) {
      at = writeVarint(payload, at, relationship);
      at = writeVarint(payload, at, orders.length);
      for (const order of orders) at = writeVarint(payload, at, order);
    }
    this.#write(later, payload, at);
    this.#size += added;
    return isNew;
  }

  /** The number of a relationship name, given at its first report. */
  #numberOf(relationship: string): number {
    let number = this.#relationships.get(relationship);
    if (number === undefined) {
      number = this.#relationships.size;
      if (number >= MAX_RELATIONSHIPS) throw new RangeError('more than 65,536 relationship names');
      this.#relationships.set(relationship, number);
    }
    return number;
  }

  /** The runs of the block at `block` (none for NO_PAIRS), in order, their orders read out. */
  #runsOf(block: number): Run[] {
    const runs: Run[] = [];
    if (block === NO_PAIRS) return runs;
    const reader = new Reader(this.#bytes.data, block);
    const end = reader.nextLarge() + reader.at;
    while (reader.at < end) {
      const relationship = reader.next();
      const count = reader.next();
      const orders = new Array<number>(count);
      for (let i = 0; i < count; i++) orders[i] = reader.nextLarge();
      runs.push({ relationship, orders });
    }
    return runs;
  }

  /**
   * Forgets the pairs of a released task (its order is not used again): those it is the later
   * task of at once; those it is the earlier task of when many tasks were released since the last
   * sweep (at least MIN_SWEEP, and a quarter of `knownTasks`, so a sweep's cost is spread over the
   * releases that led to it), otherwise at a later sweep.
   */
  release(task: PairHolder, knownTasks: number): void {
    if (task.pairBlock !== NO_PAIRS) {
      this.#size -= this.#pairsIn(task.pairBlock);
      this.#free(task.pairBlock);
      task.pairBlock = NO_PAIRS;
    }
    this.#released.add(task.order);
    if (this.#released.size >= Math.max(MIN_SWEEP, knownTasks / 4)) this.sweep();
  }

  /** Drops every pair of a released task now. */
  sweep(): void {
    const released = this.#released;
    if (released.size === 0) return;
    for (const holder of this.#holders()) {
      const block = holder.pairBlock;
      if (block === NO_PAIRS) continue;
      const reader = new Reader(this.#bytes.data, block);
      const length = reader.nextLarge();
      const end = reader.at + length;
      // the pairs kept, written in the scratch (the arena is not changed while reading); a run's
      // head is given RUN_HEAD bytes until its count is known, at least two more than it takes
      const payload = this.#room(length + RUN_HEAD);
      let at = 0;
      while (reader.at < end) {
        const run = reader.next();
        const count = reader.next();
        const start = at;
        let kept = 0;
        at += RUN_HEAD; // room for the run's head, written once its count is known
        for (let i = 0; i < count; i++) {
          const earlier = reader.nextLarge();
          if (released.has(earlier)) {
            this.#size -= 1;
          } else {
            at = writeVarint(payload, at, earlier);
            kept++;
          }
        }
        at = kept === 0 ? start : closeRun(payload, start, at, run, kept);
      }
      if (at === length) continue;
      if (at === 0) {
        this.#free(block);
        holder.pairBlock = NO_PAIRS;
      } else {
        this.#write(holder, payload, at);
      }
    }
    released.clear();
  }

  /** Pairs and relationships kept (those of released tasks included until a sweep). */
  get size(): number {
    return this.#size;
  }

  /** The byte count of the block at `block`. */
  #lengthAt(block: number): number {
    return new Reader(this.#bytes.data, block).nextLarge();
  }

  /** How many pairs the block at `block` holds. */
  #pairsIn(block: number): number {
    const reader = new Reader(this.#bytes.data, block);
    const end = reader.nextLarge() + reader.at;
    let pairs = 0;
    while (reader.at < end) {
      reader.next(); // the relationship
      const count = reader.next();
      for (let i = 0; i < count; i++) reader.nextLarge();
      pairs += count;
    }
    return pairs;
  }

  /** The scratch, with room for `length` bytes at least. */
  #room(length: number): Uint8Array {
    if (length > this.#scratch.length) this.#scratch = new Uint8Array(length * 2);
    return this.#scratch;
  }

  /** Stores `length` bytes of the scratch as the holder's block (in place of its old one). */
  #write(holder: PairHolder, payload: Uint8Array, length: number): void {
    if (holder.pairBlock !== NO_PAIRS) this.#free(holder.pairBlock);
    const block = this.#bytes.alloc(varintLength(length) + length);
    const data = this.#bytes.data; // after alloc: it may have grown
    const at = writeVarint(data, block, length);
    data.set(payload.subarray(0, length), at);
    holder.pairBlock = block;
  }

  #free(block: number): void {
    const length = this.#lengthAt(block);
    this.#bytes.release(block, varintLength(length) + length);
  }
}

/**
 * Ends a run whose orders were written from `start + RUN_HEAD` to `end`, room left before them
 * for its relationship and count: those are written at `start` and the orders moved up to them.
 * Returns the run's end.
 */
function closeRun(
  out: Uint8Array,
  start: number,
  end: number,
  relationship: number,
  count: number,
): number {
  let at = writeVarint(out, start, relationship);
  at = writeVarint(out, at, count);
  out.copyWithin(at, start + RUN_HEAD, end);
  return at + (end - start - RUN_HEAD);
}
