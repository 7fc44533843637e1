/**
 * The words, word beginnings, substrings and phrases the rules look for, and finding them in a
 * text.
 */
import type { TaskText } from '@chorale/core';
import { phraseTokens, stem, textIds } from '@chorale/detector';
import { listedWordsOf, titleWordBits } from './ids.js';
import { perText } from './per-text.js';

/*
 * Every word and word beginning the rules look for (their `WordList`s, `PrefixList`s and their
 * `Phrases`' first words). A text's words are looked up here once (`scanWords`); a rule's list
 * then looks only at what that found, not at the text for each of its words (most candidates of
 * a registration are texts seen once: every look-up is made for them).
 *
 * Each WordList, PrefixList, SubstringList and Phrases has a bit of its own (the first 31 made; a
 * later one looks at the listed words): a word's bits say which lists it is in (a Phrases': it
 * starts one of its phrases), and a text's listed words' bits OR-ed say at once whether it has a
 * word of a list (`hasAny`).
 */
/** Every listed word, with the bits of the WordLists (and Phrases) it is in. */
const LISTED_WORDS = new Map<string, number>();
/** The listed prefixes by their first letter's code (most words start with none of them). */
const LISTED_PREFIXES: ({ prefix: string; bits: number }[] | undefined)[] = [];
/** The listed substrings, with the bits of their SubstringLists. */
const LISTED_SUBSTRINGS: { substring: string; bits: number }[] = [];
/** Changes whenever a list is made: a text looked up before is looked up again. */
let listedVersion = 0;
let nextBit = 0;

function takeBit(): number {
  return nextBit < 31 ? 1 << nextBit++ : 0;
}

function listWords(words: Iterable<string>, bit: number): void {
  for (const word of words) LISTED_WORDS.set(word, (LISTED_WORDS.get(word) ?? 0) | bit);
  listedVersion++;
}

/** What `scanWords` finds in a text. */
interface Scan {
  version: number;
  /** The text's words that are listed or start with a listed prefix, in `text.words` order. */
  words: string[];
  /** The bits of those words, OR-ed. */
  bits: number;
}

/** The listed words of the text and their bits (see LISTED_WORDS). */
function scanOf(text: TaskText): Scan {
  const scan = lastScanned(text);
  return scan.version === listedVersion ? scan : scanWords(text);
}

/** The words of the text that are listed or start with a listed prefix. */
function listedWords(text: TaskText): readonly string[] {
  return scanOf(text).words;
}

const lastScanned = perText(scanWords);

function scanWords(text: TaskText): Scan {
  const ids = textIds(text);
  if (ids !== undefined) {
    const { words, bits } = listedWordsOf(ids, classify, listedVersion);
    return { version: listedVersion, words, bits };
  }
  const words: string[] = [];
  let bits = 0;
  for (const word of text.words) {
    const found = classify(word);
    if (found < 0) continue;
    words.push(word);
    bits |= found;
  }
  return { version: listedVersion, words, bits };
}

/**
 * -1 for a word that is neither listed nor starts with a listed prefix; otherwise the bits of
 * the lists it is in or starts with a prefix of.
 */
function classify(word: string): number {
  const exact = LISTED_WORDS.get(word);
  let bits = exact ?? -1;
  const prefixes = LISTED_PREFIXES[word.charCodeAt(0)];
  if (prefixes !== undefined) {
    for (const { prefix, bits: prefixBits } of prefixes) {
      if (word.startsWith(prefix)) bits = Math.max(bits, 0) | prefixBits;
    }
  }
  for (const { substring, bits: substringBits } of LISTED_SUBSTRINGS) {
    if (word.includes(substring)) bits = Math.max(bits, 0) | substringBits;
  }
  return bits;
}

function startsWithAny(word: string, prefixes: readonly string[]): boolean {
  for (const prefix of prefixes) if (word.startsWith(prefix)) return true;
  return false;
}

/** Lower-case words a rule looks for in `text.words` (`hasAny`, `present`); iterable in order. */
export class WordList implements Iterable<string> {
  readonly #words: readonly string[];
  readonly #set: ReadonlySet<string>;
  /** Its bit in LISTED_WORDS (0: none left). */
  readonly bit = takeBit();

  constructor(words: readonly string[]) {
    this.#words = words;
    this.#set = new Set(words);
    listWords(words, this.bit);
  }

  has(word: string): boolean {
    return this.#set.has(word);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.#words[Symbol.iterator]();
  }
}

/** Whether the text has one of these words (a word of `text.words`, as `text.has` without lower-casing). */
export function hasAny(text: TaskText, list: WordList): boolean {
  const scan = scanOf(text);
  if (list.bit !== 0) return (scan.bits & list.bit) !== 0;
  for (const word of scan.words) if (list.has(word)) return true;
  return false;
}

/** The words of `list` the text has, in list order. */
export function present(text: TaskText, list: WordList): string[] {
  const listed = listedWords(text);
  const found: string[] = [];
  if (listed.length > 0) for (const word of list) if (listed.includes(word)) found.push(word);
  return found;
}

/** Lower-case beginnings of words a rule looks for (`hasAnyPrefix`: `implement`, `authenticat`). */
export class PrefixList {
  readonly prefixes: readonly string[];
  /** Its bit in LISTED_PREFIXES (0: none left). */
  readonly bit = takeBit();

  constructor(prefixes: readonly string[]) {
    this.prefixes = prefixes;
    for (const prefix of prefixes) {
      const letter = prefix.charCodeAt(0);
      const listed = LISTED_PREFIXES[letter] ?? [];
      const known = listed.find((p) => p.prefix === prefix);
      if (known) known.bits |= this.bit;
      else listed.push({ prefix, bits: this.bit });
      LISTED_PREFIXES[letter] = listed;
    }
    listedVersion++;
  }
}

/** Whether the text has a word starting with one of these prefixes (as `text.hasPrefix`). */
export function hasAnyPrefix(text: TaskText, list: PrefixList): boolean {
  const scan = scanOf(text);
  if (list.bit !== 0) return (scan.bits & list.bit) !== 0;
  for (const word of scan.words) if (startsWithAny(word, list.prefixes)) return true;
  return false;
}

/**
 * Lower-case strings a rule looks for inside words (`titleMayHave`): a rule that must read a
 * text's raw string for them (a title, lower-cased) first asks whether any of its words has one.
 */
export class SubstringList {
  /** Its bit in LISTED_SUBSTRINGS (0: none left). */
  readonly bit = takeBit();

  constructor(substrings: readonly string[]) {
    for (const substring of substrings) LISTED_SUBSTRINGS.push({ substring, bits: this.bit });
    listedVersion++;
  }
}

/**
 * False when no word of the text's title has one of the substrings in it (then its title,
 * lower-cased, has none as a run of letters: such a run is inside one word of the title, a
 * token or a compound); true when one may. A text without ids answers for all its words.
 */
export function titleMayHave(text: TaskText, list: SubstringList): boolean {
  if (list.bit === 0) return true;
  if ((scanOf(text).bits & list.bit) === 0) return false;
  const ids = textIds(text);
  return ids === undefined || (titleWordBits(ids, classify, listedVersion) & list.bit) !== 0;
}

/** Phrases a rule looks for (several words next to each other, as `text.hasPhrase` finds them). */
export class Phrases {
  readonly list: readonly string[];
  /** The first word of each: a text without it cannot have the phrase (most texts). */
  readonly #firstWords: readonly (string | undefined)[];
  /** The bit of its first words in LISTED_WORDS (0: none left). */
  readonly #bit = takeBit();

  constructor(list: readonly string[]) {
    this.list = list;
    // the words `text.hasPhrase` splits the phrase into
    this.#firstWords = list.map((phrase) => phraseTokens(phrase)[0]);
    listWords(
      this.#firstWords.filter((word) => word !== undefined),
      this.#bit,
    );
  }

  /** False when the text has none of the first words (told by its listed words' bits). */
  #mayBeIn(text: TaskText): boolean {
    return this.#bit === 0 || (scanOf(text).bits & this.#bit) !== 0;
  }

  /** Whether the text has the i-th phrase. */
  #in(text: TaskText, i: number): boolean {
    const first = this.#firstWords[i];
    return (
      first !== undefined && listedWords(text).includes(first) && text.hasPhrase(this.list[i]!)
    );
  }

  /** Whether the text has one of the phrases. */
  anyIn(text: TaskText): boolean {
    if (!this.#mayBeIn(text)) return false;
    for (let i = 0; i < this.list.length; i++) if (this.#in(text, i)) return true;
    return false;
  }

  /** The phrases the text has, in list order. */
  foundIn(text: TaskText): string[] {
    if (!this.#mayBeIn(text)) return [];
    return this.list.filter((_, i) => this.#in(text, i));
  }

  /** Whether both texts have one same phrase. */
  inBoth(a: TaskText, b: TaskText): boolean {
    if (!this.#mayBeIn(a) || !this.#mayBeIn(b)) return false;
    for (let i = 0; i < this.list.length; i++) if (this.#in(a, i) && this.#in(b, i)) return true;
    return false;
  }
}

/** The stems of a rule's vocabulary, for `subjectOverlap`'s `exclude`. */
export function stems(words: Iterable<string>): Set<string> {
  return new Set([...words].map((w) => stem(w.toLowerCase())));
}
