/** The typed arrays an arena can keep its blocks in. */
type Storage = Uint32Array | Uint8Array;

/**
 * Blocks of values in one growable typed array (`uint32` by default; the packed texts keep
 * bytes), each size with its own free list: a posting list that grows moves to a block twice
 * its size (power-of-two sizes) and its old block is reused by the next list of that size; a
 * list that never grows (a task's terms, a packed text) takes a block of its exact size. A few
 * million small lists cost their contents plus at most 2x slack, not a typed array (some 200
 * bytes of headers) each.
 */
export class BlockArena<T extends Storage = Uint32Array> {
  /** The storage. A call to `alloc` may replace it: read it again after allocating. */
  data: T;
  #top = 0;
  /** Free block offsets, by block size. */
  readonly #free: number[][] = [];

  constructor(initialCapacity = 1024, storage?: new (length: number) => T) {
    this.data = storage ? new storage(initialCapacity) : (new Uint32Array(initialCapacity) as T);
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
      this.data = ensureLength(this.data, offset + size);
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

/** From this many values on, a table grows by an eighth, not by half (see `grownLength`). */
const LARGE = 1 << 20;

/**
 * The length a growing table (an arena, a table per slot, term or word id) takes to hold
 * `needed` values: half as many more while it is small, an eighth more once large. A table grown
 * by half is a quarter empty on average, and a million tasks keep some 250 bytes each in such
 * tables: an eighth is some 6 % empty, for more copies (each value is copied about 8 times over
 * the table's growth, not twice: a few hundred milliseconds over a million registrations).
 */
export function grownLength(needed: number): number {
  return Math.max(16, Math.ceil(needed * (needed < LARGE ? 1.5 : 1.125)));
}

/** `array` or a copy at least `length` long (`grownLength`), for per-slot and per-term tables. */
export function ensureLength<T extends Uint32Array | Uint8Array | Float64Array>(
  array: T,
  length: number,
): T {
  if (length <= array.length) return array;
  const grown = new (array.constructor as new (n: number) => T)(
    Math.max(length, grownLength(array.length)),
  );
  grown.set(array);
  return grown;
}
