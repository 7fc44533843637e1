/**
 * Below this many releases since the last sweep, released tasks' pairs are left in place (a
 * sweep reads every pair).
 */
const MIN_SWEEP = 1024;
/** A pair is `earlier order × RELATIONSHIPS + relationship number`: exact below 2^53. */
const RELATIONSHIPS = 2 ** 16;

/**
 * The relationships reported for each pair of known tasks, a task known by its registration
 * order (`KnownTask.order`: kept by an update, never given again after a release).
 *
 * The pairs are kept by their later task: a list of numbers, one per earlier task and
 * relationship (`earlier order × 2^16 + relationship number`, 8 bytes in a JavaScript array of
 * numbers), where a set of strings took some 150 bytes a pair. A pair of a released task cannot
 * come back (claimed again, the task has a new order: its pairs are reported again), so such
 * pairs are swept out once enough tasks have been released: the pairs kept follow the known
 * tasks, not every task ever known.
 */
export class ReportedPairs {
  /** Later order → its pairs (`earlier × RELATIONSHIPS + relationship number`), each once. */
  readonly #byLater = new Map<number, number[]>();
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
      if (number >= RELATIONSHIPS) throw new RangeError('more than 65,536 relationship names');
      this.#relationships.set(relationship, number);
    }
    const pair = earlier * RELATIONSHIPS + number;
    const list = this.#byLater.get(later);
    if (list === undefined) {
      this.#byLater.set(later, [pair]);
    } else {
      if (list.includes(pair)) return false;
      // a new array of the exact length: `push` would leave room for 16 more
      this.#byLater.set(later, list.concat(pair));
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
    this.#released.add(order);
    if (this.#released.size >= Math.max(MIN_SWEEP, knownTasks / 4)) this.sweep();
  }

  /** Drops every pair of a released task now. */
  sweep(): void {
    const released = this.#released;
    if (released.size === 0) return;
    for (const [later, list] of this.#byLater) {
      if (released.has(later)) {
        this.#byLater.delete(later);
        this.#size -= list.length;
        continue;
      }
      const kept = list.filter((pair) => !released.has(Math.floor(pair / RELATIONSHIPS)));
      if (kept.length === list.length) continue;
      this.#size -= list.length - kept.length;
      if (kept.length === 0) this.#byLater.delete(later);
      else this.#byLater.set(later, kept);
    }
    released.clear();
  }

  /** Pairs and relationships kept (those of released tasks included until a sweep). */
  get size(): number {
    return this.#size;
  }
}
