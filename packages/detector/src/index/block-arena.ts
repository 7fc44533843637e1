/**
 * Blocks of `uint32` in one growable typed array, each size with its own free list: a posting
 * list that grows moves to a block twice its size (power-of-two sizes) and its old block is
 * reused by the next list of that size; a list that never grows (a task's terms) takes a block
 * of its exact size. A few million small lists cost their contents plus at most 2x slack, not a
 * typed array (some 200 bytes of headers) each.
 */
export class BlockArena {
  /** The storage. A call to `alloc` may replace it: read it again after allocating. */
  data: Uint32Array;
  #top = 0;
  /** Free block offsets, by block size. */
  readonly #free: number[][] = [];

  constructor(initialCapacity = 1024) {
    this.data = new Uint32Array(initialCapacity);
  }

  /** The block size that holds `length` values: the next power of two (1 for 0). */
  static sizeFor(length: number): number {
    return length <= 1 ? 1 : 2 ** Math.ceil(Math.log2(length));
  }

  /** A block of `size` values (at least 1); its contents are undefined. */
  alloc(size: number): number {
    const free = this.#free[size];
    if (free !== undefined && free.length > 0) return free.pop()!;
    const offset = this.#top;
    if (offset + size > this.data.length) {
      const grown = new Uint32Array(Math.max(offset + size, Math.ceil(this.data.length * 1.5)));
      grown.set(this.data.subarray(0, offset));
      this.data = grown;
    }
    this.#top = offset + size;
    return offset;
  }

  /** Gives a block of `size` values back for reuse. */
  release(offset: number, size: number): void {
    const free = this.#free[size];
    if (free === undefined) this.#free[size] = [offset];
    else free.push(offset);
  }

  /** Values in use or free, in the storage (for memory figures). */
  get used(): number {
    return this.#top;
  }
}

/** `array` or a copy at least `length` long (1.5x growth), for per-slot and per-term tables. */
export function ensureLength<T extends Uint32Array | Uint8Array | Float64Array>(
  array: T,
  length: number,
): T {
  if (length <= array.length) return array;
  const grown = new (array.constructor as new (n: number) => T)(
    Math.max(length, Math.ceil(array.length * 1.5), 16),
  );
  grown.set(array);
  return grown;
}
