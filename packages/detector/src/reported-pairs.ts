/**
 * Below this many releases since the last sweep, released tasks' pairs are left in place (a
 * sweep reads every pair).
 */
const MIN_SWEEP = 1024;

/**
 * The relationships reported for each pair of known tasks, a task known by its registration
 * order (`KnownTask.order`: kept by an update, never given again after a release).
 *
 * The pairs are kept by their later task: a list of `earlier order, relationship number` (small
 * integers, 4 bytes each in a JavaScript array), about 12 bytes a pair where a set of strings
 * took some 90. A pair of a released task cannot come back (claimed again, the task has a new
 * order: its pairs are reported again), so such pairs are swept out once enough tasks have been
 * released: the pairs kept follow the known tasks, not every task ever known.
 */
export class ReportedPairs {
  /** Later order → [earlier order, relationship, earlier order, relationship, ...]. */
  readonly #byLater = new Map<number, number[]>();
  /** Relationship names, numbered in the order first reported. */
  readonly #relationships = new Map<string, number>();
  /** A bit per order: released. */
  #released = new Uint8Array(1024);
  #releasedSinceSweep = 0;
  #size = 0;

  /** Records `relationship` for the pair; false when it was reported for the pair already. */
  add(earlier: number, later: number, relationship: string): boolean {
    let number = this.#relationships.get(relationship);
    if (number === undefined) {
      number = this.#relationships.size;
      this.#relationships.set(relationship, number);
    }
    const list = this.#byLater.get(later);
    if (list === undefined) {
      this.#byLater.set(later, [earlier, number]);
    } else {
      for (let i = 0; i < list.length; i += 2) {
        if (list[i] === earlier && list[i + 1] === number) return false;
      }
      // a new array of the exact length: `push` would leave room for 16 more
      this.#byLater.set(later, list.concat(earlier, number));
    }
    this.#size += 1;
    return true;
  }

  /**
   * Forgets the pairs of a released task (its order is not used again): at once when many tasks
   * were released since the last sweep (at least MIN_SWEEP, and a quarter of `knownTasks`, so a
   * sweep's cost is spread over the releases that led to it), otherwise at a later sweep.
   */
  release(order: number, knownTasks: number): void {
    const byte = order >>> 3;
    if (byte >= this.#released.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.#released.length * 2));
      grown.set(this.#released);
      this.#released = grown;
    }
    this.#released[byte]! |= 1 << (order & 7);
    this.#releasedSinceSweep += 1;
    if (this.#releasedSinceSweep >= Math.max(MIN_SWEEP, knownTasks / 4)) this.sweep();
  }

  /** Drops every pair of a released task now. */
  sweep(): void {
    for (const [later, list] of this.#byLater) {
      if (this.#isReleased(later)) {
        this.#byLater.delete(later);
        this.#size -= list.length / 2;
        continue;
      }
      const kept: number[] = [];
      for (let i = 0; i < list.length; i += 2) {
        if (!this.#isReleased(list[i]!)) kept.push(list[i]!, list[i + 1]!);
      }
      if (kept.length === list.length) continue;
      this.#size -= (list.length - kept.length) / 2;
      if (kept.length === 0) this.#byLater.delete(later);
      else this.#byLater.set(later, kept.slice()); // exact length
    }
    this.#releasedSinceSweep = 0;
  }

  /** Pairs and relationships kept (those of released tasks included until a sweep). */
  get size(): number {
    return this.#size;
  }

  #isReleased(order: number): boolean {
    return ((this.#released[order >>> 3] ?? 0) & (1 << (order & 7))) !== 0;
  }
}
