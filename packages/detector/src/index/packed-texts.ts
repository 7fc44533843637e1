import type { Analysis } from '../text.js';
import type { PackedSource, TextIds } from '../text-ids.js';
import { BlockArena } from './block-arena.js';
import { IdTable } from './id-table.js';
import { Reader, writeVarint } from './varint.js';
import { NO_TERM, Vocabulary } from './vocabulary.js';

/**
 * The analyses of the known tasks, packed: every word of every text is interned once in a
 * vocabulary (with a count of the texts that use it, so a word goes when its last text does),
 * and each text is a short run of bytes in one growable `Uint8Array`: its counts, field ends,
 * parts, compounds and identifiers as variable-length integers (LEB128: a word id below 128 is
 * one byte, below 16,384 two), about 1.5–2 bytes a word.
 *
 * A candidate's TaskText is made again from its packed analysis: as ids (`ids`) for rules that
 * read those, as strings (`unpack`, then `taskText`) when a rule reads its sets; no tokenizing,
 * stemming or regexes, the same words in the same order as when it was analysed, so every rule
 * sees exactly the text it would have seen.
 */
export class PackedTexts implements PackedSource {
  readonly vocabulary = new Vocabulary();
  /** Packed texts, a block of their exact length each (lengths repeat: freed blocks are reused). */
  readonly #bytes = new BlockArena(1 << 16, Uint8Array);
  /** Scratch for encoding (grown when a text needs more). */
  #scratch = new Uint8Array(1024);
  /** Scratch for the word ids of a text's tokens, then its compounds, then its identifiers. */
  #ids = new Int32Array(256);
  /** The words and terms `ids` has listed of the text it decodes. */
  readonly #wordsListed = new IdTable();
  readonly #termsListed = new IdTable();
  #epoch = 0;
  /**
   * The ids made since the last text was packed or released, by handle. Replaced, not cleared
   * (`#forgetIds`): `Map.clear()` on a long-lived map leaves the old table in the old generation
   * with its entries, and the young ids it points to then survive every scavenge until a full
   * collection (measured: 10 MB promoted per scavenge at 100k tasks, scavenges of 10-15 ms).
   */
  #recentIds = new Map<number, TextIds>();

  /** Changes whenever a text is released (a handle read in another epoch may be another text's). */
  get epoch(): number {
    return this.#epoch;
  }

  /** Packs an analysis; the handle gives it back (`unpack`) until it is released. */
  pack(analysis: Analysis): number {
    this.#forgetIds();
    const { tokens, compounds, compoundAt, fieldEnds, identifiers } = analysis;
    const vocabulary = this.vocabulary;
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
    const ids = this.#wordIds(Math.max(tokens.length, compounds.length, identifiers.length));
    vocabulary.useAll(tokens, ids);
    for (let i = 0; i < tokens.length; i++) at = writeVarint(out, at, ids[i]!);
    vocabulary.useAll(compounds, ids);
    previous = 0;
    for (let i = 0; i < compounds.length; i++) {
      at = writeVarint(out, at, compoundAt[i]! - previous);
      previous = compoundAt[i]!;
      at = writeVarint(out, at, ids[i]!);
    }
    vocabulary.useAll(identifiers, ids);
    for (let i = 0; i < identifiers.length; i++) at = writeVarint(out, at, ids[i]!);

    const handle = this.#bytes.alloc(at);
    this.#bytes.data.set(out.subarray(0, at), handle);
    return handle;
  }

  /** `#ids`, with room for `count` ids. */
  #wordIds(count: number): Int32Array {
    if (count > this.#ids.length) this.#ids = new Int32Array(count * 2);
    return this.#ids;
  }

  /** The analysis packed under `handle`. */
  unpack(handle: number): Analysis {
    const { reader, tokenCount, titleEnd, fieldCount, compoundCount, identifierCount } =
      this.#open(handle);
    const vocabulary = this.vocabulary;
    const fieldEnds = readFieldEnds(reader, fieldCount);
    const tokens = new Array<string>(tokenCount);
    const tokenTerms = new Array<string | undefined>(tokenCount);
    for (let i = 0; i < tokenCount; i++) {
      const id = reader.next();
      tokens[i] = vocabulary.word(id);
      const term = vocabulary.term(id);
      tokenTerms[i] = term === NO_TERM ? undefined : vocabulary.word(term);
    }
    const compounds = new Array<string>(compoundCount);
    const compoundAt = new Array<number>(compoundCount);
    let previous = 0;
    for (let i = 0; i < compoundCount; i++) {
      previous += reader.next();
      compoundAt[i] = previous;
      compounds[i] = vocabulary.word(reader.next());
    }
    const identifiers = new Array<string>(identifierCount);
    for (let i = 0; i < identifierCount; i++) identifiers[i] = vocabulary.word(reader.next());
    return { tokens, compounds, compoundAt, fieldEnds, titleEnd, identifiers, tokenTerms };
  }

  /**
   * The text packed under `handle` as ids: its words, terms, title phrases and identifiers in
   * the order `taskText` puts them in its sets (see `TokenizedTaskText`), each once. Kept until
   * the next text is packed or released (the texts of one registration), not longer: a text
   * that stays (the cache's) would keep them all.
   */
  ids(handle: number): TextIds {
    let ids = this.#recentIds.get(handle);
    if (ids === undefined) {
      ids = this.#decode(handle);
      this.#recentIds.set(handle, ids);
    }
    return ids;
  }

  #decode(handle: number): TextIds {
    const { reader, tokenCount, titleEnd, fieldCount, compoundCount, identifierCount } =
      this.#open(handle);
    const vocabulary = this.vocabulary;
    const wordsListed = this.#wordsListed;
    const termsListed = this.#termsListed;
    wordsListed.clear();
    termsListed.clear();
    // the field ends, then the tokens: terms and title phrases as `TokenizedTaskText` finds them
    const fieldEnds = readFieldEnds(reader, fieldCount);
    const tokens = new Array<number>(tokenCount);
    const terms: number[] = [];
    const titlePhrases: number[] = [];
    let titleTermCount = 0;
    let field = 0;
    let previousTerm = NO_TERM;
    for (let i = 0; i < tokenCount; i++) {
      while (i >= fieldEnds[field]!) {
        field++;
        previousTerm = NO_TERM; // a phrase never spans two fields
      }
      const id = reader.next();
      tokens[i] = id;
      const term = vocabulary.term(id);
      const title = fieldEnds[field]! <= titleEnd;
      if (term !== NO_TERM) {
        if (termsListed.add(term)) {
          terms.push(term);
          if (title) titleTermCount = terms.length;
        }
        if (title && previousTerm !== NO_TERM && previousTerm !== term) {
          addPair(titlePhrases, previousTerm, term);
        }
      }
      previousTerm = term;
    }
    // the words: a compound comes before its first part (see `wordsOf`)
    const words: number[] = [];
    let c = 0;
    let position = 0;
    let compound = 0;
    if (compoundCount > 0) {
      position = reader.next();
      compound = reader.next();
    }
    let titleWordCount = 0;
    for (let i = 0; i <= tokenCount; i++) {
      // the title's words come first: its tokens, and compounds whose first part is one of them
      if (i === titleEnd) titleWordCount = words.length;
      while (c < compoundCount && position <= i) {
        if (wordsListed.add(compound)) words.push(compound);
        if (++c < compoundCount) {
          position += reader.next();
          compound = reader.next();
        }
      }
      if (i === tokenCount) break;
      const id = tokens[i]!;
      if (wordsListed.add(id)) words.push(id);
    }
    const identifiers = new Array<number>(identifierCount);
    for (let i = 0; i < identifierCount; i++) identifiers[i] = reader.next();
    return {
      vocabulary,
      tokens,
      titleEnd,
      fieldEnds,
      words,
      titleWordCount,
      terms,
      titleTermCount,
      titlePhrases,
      identifiers,
    };
  }

  /** Frees a packed analysis (its words go when no other text uses them). */
  release(handle: number): void {
    this.#epoch++;
    this.#forgetIds();
    const vocabulary = this.vocabulary;
    const { reader, tokenCount, fieldCount, compoundCount, identifierCount } = this.#open(handle);
    for (let i = 0; i < fieldCount; i++) reader.next();
    for (let i = 0; i < tokenCount; i++) vocabulary.unuse(reader.next());
    for (let i = 0; i < compoundCount; i++) {
      reader.next(); // position
      vocabulary.unuse(reader.next());
    }
    for (let i = 0; i < identifierCount; i++) vocabulary.unuse(reader.next());
    this.#bytes.release(handle, reader.at - handle);
  }

  /** Distinct words (and terms) in use. */
  get vocabularySize(): number {
    return this.vocabulary.size;
  }

  /** The first byte packed under `handle` (see `KnownTexts.warm`). */
  firstByte(handle: number): number {
    return this.#bytes.data[handle]!;
  }

  /** Bytes of packed texts in use or free in the arena (for memory figures). */
  get bytesUsed(): number {
    return this.#bytes.used;
  }

  /** Drops the ids kept for the registration (a new map: see `#recentIds`). */
  #forgetIds(): void {
    if (this.#recentIds.size > 0) this.#recentIds = new Map();
  }

  /** A packed text's counts, and the reader at its field ends. */
  #open(handle: number) {
    const reader = new Reader(this.#bytes.data, handle);
    return {
      reader,
      tokenCount: reader.next(),
      titleEnd: reader.next(),
      fieldCount: reader.next(),
      compoundCount: reader.next(),
      identifierCount: reader.next(),
    };
  }
}

/** The field ends (stored as differences) read from `reader`. */
function readFieldEnds(reader: Reader, count: number): number[] {
  const fieldEnds = new Array<number>(count);
  let previous = 0;
  for (let i = 0; i < count; i++) {
    previous += reader.next();
    fieldEnds[i] = previous;
  }
  return fieldEnds;
}

/** Appends the pair (first, second) to flat `pairs` unless it is there. */
function addPair(pairs: number[], first: number, second: number): void {
  for (let i = 0; i < pairs.length; i += 2) {
    if (pairs[i] === first && pairs[i + 1] === second) return;
  }
  pairs.push(first, second);
}
