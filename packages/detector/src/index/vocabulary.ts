import { termOf } from '../analysis.js';
import { grownLength } from './block-arena.js';

/** `Vocabulary.term` of a word that names no subject. */
export const NO_TERM = -1;

/**
 * The strings of the known tasks' texts as small integer ids: every word, and every term (a
 * word's stem, `termOf`) as a string of its own; a term that is also a word has that word's id.
 * A string is kept while a text uses it (a term, while a word with that term is kept); its id
 * is then reused.
 *
 * Rules that read texts through their ids (`textIds`) look facts up by id in arrays of their
 * own (`capacity` long): the word of an id may change once its texts are released, so a rule
 * forgets the facts of the ids freed since it last looked (`freedSince`).
 */
export class Vocabulary {
  readonly #ids = new Map<string, number>();
  /**
   * The most used words by a hash of their letters (`hotSlot`), with their ids: a look-up finds
   * one of them without the map of every word. Words are used as a language is (a few thousand
   * words are most of every text), and among a million tasks' words each look-up in the map is a
   * few cache misses; this table is small enough to stay in the cache. A slot keeps the word of
   * the two with more uses; a freed word leaves its slot.
   */
  readonly #hotWords = new Array<string | undefined>(HOT_SLOTS).fill(undefined);
  readonly #hotIds = new Int32Array(HOT_SLOTS);
  #words: (string | undefined)[] = [];
  /** The term id of each word id (NO_TERM: none). */
  #terms = new Int32Array(1024);
  #uses = new Uint32Array(1024);
  readonly #freeIds: number[] = [];
  /** The ids freed lately, in order; `#freedBefore` more were freed before the first of them. */
  #freedLog: number[] = [];
  #freedBefore = 0;

  /** The word (or term) of an id in use. */
  word(id: number): string {
    return this.#words[id]!;
  }

  /** The id of a word in use, or undefined. */
  id(word: string): number | undefined {
    const id = this.#find(word);
    return id < 0 ? undefined : id;
  }

  /** The id of a word in use, or -1: from the hot words, else the map (and then kept hot). */
  #find(word: string): number {
    const slot = hotSlot(word);
    if (this.#hotWords[slot] === word) return this.#hotIds[slot]!;
    const id = this.#ids.get(word);
    if (id === undefined) return -1;
    this.#keepHot(slot, word, id);
    return id;
  }

  /** Puts the word in its slot unless the slot's word has more uses. */
  #keepHot(slot: number, word: string, id: number): void {
    if (this.#hotWords[slot] !== undefined && this.#uses[this.#hotIds[slot]!]! > this.#uses[id]!) {
      return;
    }
    this.#hotWords[slot] = word;
    this.#hotIds[slot] = id;
  }

  /** The term id of a word id (`termOf` of the word), NO_TERM when the word names no subject. */
  term(id: number): number {
    return this.#terms[id]!;
  }

  /**
   * Every id is below this: a table indexed by id this long holds every id. It grows as the
   * vocabulary's own tables do (`grownLength`), with room for more ids: a rule's table made this
   * long is made anew only when it grows.
   */
  get capacity(): number {
    return this.#uses.length;
  }

  /** Distinct words and terms in use. */
  get size(): number {
    return this.#ids.size;
  }

  /** The id of `word`, counted once more as used (with its term). */
  use(given: string): number {
    let id = this.#find(given);
    if (id < 0) {
      const word = ownCopy(given);
      id = this.#freeIds.pop() ?? this.#words.length;
      if (id >= this.#uses.length) this.#grow(id + 1);
      this.#ids.set(word, id);
      this.#words[id] = word;
      this.#uses[id] = 0;
      const term = termOf(word);
      // the word's term is used as long as the word is (itself, when the word is its own term);
      // read into a local first: using the term may grow the arrays
      const termId = term === undefined ? NO_TERM : term === word ? id : this.use(term);
      this.#terms[id] = termId;
    }
    this.#uses[id]! += 1;
    return id;
  }

  /**
   * `use` of each word, in order: its id written to `ids` from index 0 (a RangeError when `ids`
   * is shorter than `words`). The words are looked up in one loop before any is counted: among
   * many known words each look-up is a few cache misses, and look-ups made back to back overlap.
   */
  useAll(words: readonly string[], ids: Int32Array): void {
    if (ids.length < words.length) {
      throw new RangeError(`useAll: room for ${ids.length} ids, ${words.length} words`);
    }
    for (let i = 0; i < words.length; i++) ids[i] = this.#find(words[i]!);
    for (let i = 0; i < words.length; i++) {
      const id = ids[i]!;
      // a word not known then may be now (a word before it, or its term): `use` looks again
      if (id < 0) ids[i] = this.use(words[i]!);
      else this.#uses[id]! += 1;
    }
  }

  /** Counts one use of `id` less; the last use frees it (and its term's use). */
  unuse(id: number): void {
    this.#uses[id]! -= 1;
    if (this.#uses[id] !== 0) return;
    const term = this.#terms[id]!;
    const word = this.#words[id]!;
    const slot = hotSlot(word);
    if (this.#hotWords[slot] === word) this.#hotWords[slot] = undefined;
    this.#ids.delete(word);
    this.#words[id] = undefined;
    this.#terms[id] = NO_TERM;
    this.#freeIds.push(id);
    this.#logFreed(id);
    if (term !== NO_TERM && term !== id) this.unuse(term);
  }

  /** How many ids have been freed so far (a count that only grows). */
  get freed(): number {
    return this.#freedBefore + this.#freedLog.length;
  }

  /**
   * The ids freed since `freed` was `count` (each may be another word's now), or undefined when
   * they are not all known any more (then any id may have changed). For a rule that keeps facts
   * by id: it forgets those ids' facts, and need not check each id's word when it reads a fact.
   */
  freedSince(count: number): readonly number[] | undefined {
    if (count < this.#freedBefore || count > this.freed) return undefined;
    return this.#freedLog.slice(count - this.#freedBefore);
  }

  /** Logs a freed id; the log keeps the last few thousand (a reader further behind starts over). */
  #logFreed(id: number): void {
    if (this.#freedLog.length >= Math.max(4096, this.#ids.size >> 2)) {
      this.#freedBefore += this.#freedLog.length;
      this.#freedLog = [];
    }
    this.#freedLog.push(id);
  }

  #grow(needed: number): void {
    const length = grownLength(needed);
    const uses = new Uint32Array(length);
    uses.set(this.#uses);
    this.#uses = uses;
    const terms = new Int32Array(length);
    terms.set(this.#terms);
    this.#terms = terms;
  }
}

/**
 * A copy of `word` that is a string of its own. A word is cut from a task's text (lower-cased
 * whole, then sliced), and V8 keeps a slice of 13 characters or more (a compound, an identifier:
 * `unicodeversionv255s`) as a view into the whole text: kept as it is, the word would keep that
 * text alive as long as any task uses the word. Joined from its characters it is a string of its
 * own (the benchmark's 100,000 tasks hold 20 bytes a task less, its million 8).
 */
function ownCopy(word: string): string {
  return word.split('').join('');
}

/** Slots of the hot words (a power of two). */
const HOT_SLOTS = 4096;

/** A word's slot among the hot words: FNV-1a of its UTF-16 code units. */
function hotSlot(word: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193);
  return hash & (HOT_SLOTS - 1);
}
