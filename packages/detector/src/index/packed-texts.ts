import { termOf } from '../analysis.js';
import type { Analysis } from '../text.js';
import { BlockArena } from './block-arena.js';

/**
 * The analyses of the known tasks, packed: every word of every text is interned once in a
 * vocabulary (with a count of the texts that use it, so a word goes when its last text does),
 * and each text is a short run of bytes in one growable `Uint8Array`: its counts, field ends,
 * parts, compounds and identifiers as variable-length integers (LEB128: a word id below 128 is
 * one byte, below 16,384 two), about 1.5–2 bytes a word.
 *
 * A candidate's TaskText is made again from its packed analysis (`unpack`, then `taskText`):
 * no tokenizing, stemming or regexes, the same words in the same order as when it was
 * analysed, so every rule sees exactly the text it would have seen.
 */
export class PackedTexts {
  readonly #ids = new Map<string, number>();
  #words: (string | undefined)[] = [];
  /** `termOf` of each word (null: none), found when the word is first used. */
  #terms: (string | null | undefined)[] = [];
  #uses = new Uint32Array(1024);
  readonly #freeIds: number[] = [];
  /** Packed texts, a block of their exact length each (lengths repeat: freed blocks are reused). */
  readonly #bytes = new BlockArena(1 << 16, Uint8Array);
  /** Scratch for encoding (grown when a text needs more). */
  #scratch = new Uint8Array(1024);

  /** Packs an analysis; the handle gives it back (`unpack`) until it is released. */
  pack(analysis: Analysis): number {
    const { tokens, compounds, compoundAt, fieldEnds, identifiers } = analysis;
    // at most 5 bytes per value (32-bit LEB128)
    const bound =
      5 * (5 + fieldEnds.length + tokens.length + 2 * compounds.length + identifiers.length);
    if (bound > this.#scratch.length) this.#scratch = new Uint8Array(bound * 2);
    const out = this.#scratch;
    let at = 0;
    at = writeVarint(out, at, tokens.length);
    at = writeVarint(out, at, analysis.titleEnd);
    at = writeVarint(out, at, fieldEnds.length);
    at = writeVarint(out, at, compounds.length);
    at = writeVarint(out, at, identifiers.length);
    let previous = 0;
    for (let i = 0; i < fieldEnds.length; i++) {
      at = writeVarint(out, at, fieldEnds[i]! - previous);
      previous = fieldEnds[i]!;
    }
    for (const token of tokens) at = writeVarint(out, at, this.#use(token));
    previous = 0;
    for (let i = 0; i < compounds.length; i++) {
      at = writeVarint(out, at, compoundAt[i]! - previous);
      previous = compoundAt[i]!;
      at = writeVarint(out, at, this.#use(compounds[i]!));
    }
    for (const identifier of identifiers) at = writeVarint(out, at, this.#use(identifier));

    const handle = this.#bytes.alloc(at);
    this.#bytes.data.set(out.subarray(0, at), handle);
    return handle;
  }

  /** The analysis packed under `handle`. */
  unpack(handle: number): Analysis {
    const reader = new Reader(this.#bytes.data, handle);
    const tokenCount = reader.next();
    const titleEnd = reader.next();
    const fieldCount = reader.next();
    const compoundCount = reader.next();
    const identifierCount = reader.next();
    const words = this.#words;
    const fieldEnds = new Array<number>(fieldCount);
    let previous = 0;
    for (let i = 0; i < fieldCount; i++) {
      previous += reader.next();
      fieldEnds[i] = previous;
    }
    const tokens = new Array<string>(tokenCount);
    const tokenTerms = new Array<string | undefined>(tokenCount);
    for (let i = 0; i < tokenCount; i++) {
      const id = reader.next();
      tokens[i] = words[id]!;
      tokenTerms[i] = this.#terms[id] ?? undefined;
    }
    const compounds = new Array<string>(compoundCount);
    const compoundAt = new Array<number>(compoundCount);
    previous = 0;
    for (let i = 0; i < compoundCount; i++) {
      previous += reader.next();
      compoundAt[i] = previous;
      compounds[i] = words[reader.next()]!;
    }
    const identifiers = new Array<string>(identifierCount);
    for (let i = 0; i < identifierCount; i++) identifiers[i] = words[reader.next()]!;
    return { tokens, compounds, compoundAt, fieldEnds, titleEnd, identifiers, tokenTerms };
  }

  /** Frees a packed analysis (its words go when no other text uses them). */
  release(handle: number): void {
    const reader = new Reader(this.#bytes.data, handle);
    const tokenCount = reader.next();
    reader.next(); // title end
    const fieldCount = reader.next();
    const compoundCount = reader.next();
    const identifierCount = reader.next();
    for (let i = 0; i < fieldCount; i++) reader.next();
    for (let i = 0; i < tokenCount; i++) this.#unuse(reader.next());
    for (let i = 0; i < compoundCount; i++) {
      reader.next(); // position
      this.#unuse(reader.next());
    }
    for (let i = 0; i < identifierCount; i++) this.#unuse(reader.next());
    this.#bytes.release(handle, reader.at - handle);
  }

  /** Distinct words in use. */
  get vocabularySize(): number {
    return this.#ids.size;
  }

  /** Bytes of packed texts in use or free in the arena (for memory figures). */
  get bytesUsed(): number {
    return this.#bytes.used;
  }

  #use(word: string): number {
    let id = this.#ids.get(word);
    if (id === undefined) {
      id = this.#freeIds.pop() ?? this.#words.length;
      if (id >= this.#uses.length) {
        const grown = new Uint32Array(Math.ceil((id + 1) * 1.5));
        grown.set(this.#uses);
        this.#uses = grown;
      }
      this.#ids.set(word, id);
      this.#words[id] = word;
      this.#terms[id] = termOf(word) ?? null;
    }
    this.#uses[id]! += 1;
    return id;
  }

  #unuse(id: number): void {
    this.#uses[id]! -= 1;
    if (this.#uses[id] === 0) {
      this.#ids.delete(this.#words[id]!);
      this.#words[id] = undefined;
      this.#terms[id] = undefined;
      this.#freeIds.push(id);
    }
  }
}

function writeVarint(out: Uint8Array, at: number, value: number): number {
  let v = value >>> 0;
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[at++] = v;
  return at;
}

/** Reads LEB128 integers from `data`, starting at `at`. */
class Reader {
  readonly #data: Uint8Array;
  at: number;

  constructor(data: Uint8Array, at: number) {
    this.#data = data;
    this.at = at;
  }

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
}
