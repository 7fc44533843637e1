/**
 * A small table of ids (of one vocabulary) to integers, emptied in one step: for what one or two
 * texts hold (a text's words, the terms of the other side of a pair). Open addressing in a few
 * kilobytes that stay in the CPU cache, where a table indexed by id is as long as the vocabulary
 * (megabytes among a million tasks) and each look-up in it a cache miss.
 */
export class IdTable {
  #ids = new Int32Array(MIN_SLOTS);
  #values = new Int32Array(MIN_SLOTS);
  /** A slot is in use when its stamp is the table's. */
  #stamps = new Int32Array(MIN_SLOTS);
  #stamp = 1;
  #shift = 32 - Math.log2(MIN_SLOTS);
  #size = 0;

  /** Empties the table. */
  clear(): void {
    this.#size = 0;
    if (this.#stamp === 0x7fffffff) {
      this.#stamps.fill(0);
      this.#stamp = 1;
    } else this.#stamp++;
  }

  /** How many ids are in the table. */
  get size(): number {
    return this.#size;
  }

  /** The value of `id`, or `missing` when it is not in the table. */
  get(id: number, missing = -1): number {
    const slot = this.#find(id);
    return this.#stamps[slot] === this.#stamp ? this.#values[slot]! : missing;
  }

  has(id: number): boolean {
    return this.#stamps[this.#find(id)] === this.#stamp;
  }

  /** Adds `id` with `value`; false (and nothing changed) when it was in the table. */
  add(id: number, value = 0): boolean {
    const slot = this.#find(id);
    if (this.#stamps[slot] === this.#stamp) return false;
    this.#stamps[slot] = this.#stamp;
    this.#ids[slot] = id;
    this.#values[slot] = value;
    // at most half full: a look-up probes one or two slots
    if (++this.#size * 2 > this.#ids.length) this.#grow();
    return true;
  }

  /** The slot of `id`, or the empty slot where it would go. */
  #find(id: number): number {
    const ids = this.#ids;
    const stamps = this.#stamps;
    const mask = ids.length - 1;
    let slot = Math.imul(id, 0x9e3779b1) >>> this.#shift;
    while (stamps[slot] === this.#stamp && ids[slot] !== id) slot = (slot + 1) & mask;
    return slot;
  }

  #grow(): void {
    const ids = this.#ids;
    const values = this.#values;
    const stamps = this.#stamps;
    const stamp = this.#stamp;
    const slots = ids.length * 2;
    this.#ids = new Int32Array(slots);
    this.#values = new Int32Array(slots);
    this.#stamps = new Int32Array(slots);
    this.#shift--;
    this.#stamp = 1;
    this.#size = 0;
    for (let slot = 0; slot < ids.length; slot++) {
      if (stamps[slot] === stamp) this.add(ids[slot]!, values[slot]!);
    }
  }
}

const MIN_SLOTS = 256;
