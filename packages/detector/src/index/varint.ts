/**
 * Unsigned integers as LEB128 bytes (seven bits a byte, low bits first, the high bit set on every
 * byte but the last): a value below 128 is one byte, below 16,384 two. The packed texts and the
 * reported pairs keep their numbers so.
 */

/** The bytes `writeVarint` takes for `value`. */
export function varintLength(value: number): number {
  let length = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) length++;
  return length;
}

/**
 * Writes `value` (an integer, 0 up to 2^53) at `at` in `out`, which must have room
 * (`varintLength`); returns where the next value goes.
 */
export function writeVarint(out: Uint8Array, at: number, value: number): number {
  let v = value;
  // past 32 bits the bit operators would cut it: divide instead
  while (v > 0xffffffff) {
    out[at++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  v >>>= 0;
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[at++] = v;
  return at;
}

/** Reads LEB128 integers from `data`, starting at `at`. */
export class Reader {
  readonly #data: Uint8Array;
  at: number;

  constructor(data: Uint8Array, at: number) {
    this.#data = data;
    this.at = at;
  }

  /** The next value, one below 2^32 (the fast read: word ids, counts). */
  next(): number {
    const data = this.#data;
    let byte = data[this.at++]!;
    let value = byte & 0x7f;
    let shift = 7;
    while (byte >= 0x80) {
      byte = data[this.at++]!;
      value |= (byte & 0x7f) << shift;
      shift += 7;
    }
    return value >>> 0;
  }

  /** The next value, of any size `writeVarint` writes (up to 2^53). */
  nextLarge(): number {
    const data = this.#data;
    let byte = data[this.at++]!;
    let value = byte & 0x7f;
    let scale = 0x80;
    while (byte >= 0x80) {
      byte = data[this.at++]!;
      value += (byte & 0x7f) * scale;
      scale *= 0x80;
    }
    return value;
  }
}
