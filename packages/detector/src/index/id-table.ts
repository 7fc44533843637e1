/**
 * A small table of ids (of one vocabulary) to integers, emptied in one step: for what one or two
 * texts hold (a text's words, the terms of the other side of a pair). Open addressing in a few
 * kilobytes that stay in the CPU cache, where a table indexed by id is as long as the vocabulary
 * (megabytes among a million tasks) and each look-up in it a cache miss.
 */
export class IdTable {
  /** Per slot, side by side: its stamp (in use when the table's), its id and its value. */
  #slots = new Int32Array(MIN_SLOTS * SLOT);
  #stamp = 1;
  #shift = 32 - Math.log2(MIN_SLOTS);
  #size = 0;

  /** Empties the table. */
  clear(): void {
    this.#size = 0;
    if (this.#stamp === 0x7fffffff) {
      this.#slots.fill(0);
      this.#stamp = 1;
    } else this.#stamp++;
  }

  /** How many ids are in the table. */
  get size(): number {
    return this.#size;
  }

  /** The value of `id`, or `missing` when it is not in the table. */
  get(id: number, missing = -1): number {
    const at = this.#find(id);
    return this.#slots[at] === this.#stamp ? this.#slots[at + 2]! : missing;
  }

  has(id: number): boolean {
    return this.#slots[this.#find(id)] === this.#stamp;
  }

  /** Adds `id` with `value`; false (and nothing changed) when it was in the table. */
  add(id: number, value = 0): boolean {
    const slots = this.#slots;
    const at = this.#find(id);
    if (slots[at] === this.#stamp) return false;
    slots[at] = this.#stamp;
    slots[at + 1] = id;
    slots[at + 2] = value;
    // at most half full: a look-up probes one or two slots
    if (++this.#size * 2 * SLOT > slots.length) this.#grow();
    return true;
  }

  /** Where the slot of `id` is, or the empty slot where it would go. */
  #find(id: number): number {
    const slots = this.#slots;
    const stamp = this.#stamp;
    const last = slots.length - SLOT;
    let at = (Math.imul(id, 0x9e3779b1) >>> this.#shift) * SLOT;
    while (slots[at] === stamp && slots[at + 1] !== id) at = at === last ? 0 : at + SLOT;
    return at;
  }

  #grow(): void {
    const slots = this.#slots;
    const stamp = this.#stamp;
    this.#slots = new Int32Array(slots.length * 2);
    this.#shift--;
    this.#stamp = 1;
    this.#size = 0;
    for (let at = 0; at < slots.length; at += SLOT) {
      if (slots[at] === stamp) this.add(slots[at + 1]!, slots[at + 2]!);
    }
  }
}

const MIN_SLOTS = 256;
/** Values per slot: stamp, id, value. */
const SLOT = 3;
