import type { TaskText } from '@chorale/core';
import { IdTable, type TextIds, textIds, type Vocabulary } from '@chorale/detector';

/**
 * The rules' reading of texts through their ids (`textIds`): the detector hands rules the texts
 * of its known tasks with ids of one vocabulary, so what two texts share is found with small
 * tables of ids (`IdTable`), facts about a word are kept by its id (`Scratch.facts`), and a
 * candidate's sets of strings are never made. Each function here gives exactly what the same
 * reading of the TaskText's sets gives (`word-lists.ts` and `overlap.ts` do that for any other
 * text); the tests compare the two.
 */

/** What the rules keep by the ids of one vocabulary, reused from call to call. */
class Scratch {
  readonly vocabulary: Vocabulary;
  /**
   * Two facts per word id, side by side (`facts[CLASS + 2 * id]`, `facts[SHAPE + 2 * id]`): its
   * class (`listedWordsOf`), found in the lists of `classesVersion`, and its shape (`shapeOf`),
   * each UNKNOWN until first needed. A candidate's rare words are far apart among a million:
   * reading a word's class brings its shape into the CPU cache with it.
   */
  facts = new Int32Array(0);
  classesVersion = -1;
  /** Both forgotten for the ids freed since the vocabulary's `freed` was this. */
  freedSeen = 0;

  constructor(vocabulary: Vocabulary) {
    this.vocabulary = vocabulary;
  }

  /**
   * The facts made as long as the vocabulary, and forgotten for the ids it freed since last asked
   * (each may be another word's now); all of them when it no longer knows which.
   */
  forgetFreed(): void {
    const { vocabulary } = this;
    if (this.freedSeen !== vocabulary.freed) {
      const freed = vocabulary.freedSince(this.freedSeen);
      if (freed === undefined) this.facts.fill(UNKNOWN);
      else {
        for (const id of freed) {
          if (2 * id < this.facts.length) this.facts.fill(UNKNOWN, 2 * id, 2 * id + 2);
        }
      }
      this.freedSeen = vocabulary.freed;
    }
    const length = 2 * vocabulary.capacity;
    if (this.facts.length < length) this.facts = unknowns(this.facts, length);
  }

  /** Forgets every word's class (the lists changed). */
  forgetClasses(): void {
    for (let at = CLASS; at < this.facts.length; at += 2) this.facts[at] = UNKNOWN;
  }
}

/** Where a word's class and shape are, from `2 * id` in `Scratch.facts`. */
const CLASS = 0;
const SHAPE = 1;

/** `facts` at least `length` long, the new ones UNKNOWN. */
function unknowns(facts: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const longer = new Int32Array(Math.max(length, 2048)).fill(UNKNOWN);
  longer.set(facts);
  return longer;
}

/**
 * Each vocabulary's scratch (a detector has one vocabulary; two detectors in one process each
 * keep theirs), gone with its vocabulary.
 */
const scratches = new WeakMap<Vocabulary, Scratch>();

/** The vocabulary's scratch, its facts as long as the vocabulary and none of a freed id. */
function scratchOf(vocabulary: Vocabulary): Scratch {
  let scratch = scratches.get(vocabulary);
  if (scratch === undefined) {
    scratch = new Scratch(vocabulary);
    scratches.set(vocabulary, scratch);
  }
  scratch.forgetFreed();
  return scratch;
}

/** The ids of both texts, when both have ids of one vocabulary. */
export function pairIds(a: TaskText, b: TaskText): [TextIds, TextIds] | undefined {
  const idsA = textIds(a);
  if (idsA === undefined) return undefined;
  const idsB = textIds(b);
  if (idsB === undefined || idsB.vocabulary !== idsA.vocabulary) return undefined;
  return [idsA, idsB];
}

/** A word whose class (`listedWordsOf`) or shape (`surfaceOf`) is not known yet. */
const UNKNOWN = -2;

/**
 * The words of `ids` (in `words` order) that `classify` puts in a class (0 or more; -1: none),
 * and their classes OR-ed. A word's class is kept per id while the lists do not change
 * (`version`) and the id is not freed (`Vocabulary.freedSince`): reading a known class is one
 * look-up, not the word's string.
 */
export function listedWordsOf(
  ids: TextIds,
  classify: (word: string) => number,
  version: number,
): { words: string[]; bits: number } {
  const { vocabulary } = ids;
  const facts = classesOf(vocabulary, version);
  const words: string[] = [];
  let bits = 0;
  for (const id of ids.words) {
    const found = classAt(facts, vocabulary, id, classify);
    if (found >= 0) {
      words.push(vocabulary.word(id));
      bits |= found;
    }
  }
  return { words, bits };
}

/** The classes of the title's words (its first `titleWordCount` words) OR-ed (see `listedWordsOf`). */
export function titleWordBits(
  ids: TextIds,
  classify: (word: string) => number,
  version: number,
): number {
  const { vocabulary, words } = ids;
  const facts = classesOf(vocabulary, version);
  let bits = 0;
  for (let i = 0; i < ids.titleWordCount; i++) {
    const found = classAt(facts, vocabulary, words[i]!, classify);
    if (found >= 0) bits |= found;
  }
  return bits;
}

/** The words' facts, their classes of the lists of `version` (all found again when the lists changed). */
function classesOf(vocabulary: Vocabulary, version: number): Int32Array {
  const scratch = scratchOf(vocabulary);
  if (scratch.classesVersion !== version) {
    scratch.forgetClasses();
    scratch.classesVersion = version;
  }
  return scratch.facts;
}

/** A word's class, found once per id. */
function classAt(
  facts: Int32Array,
  vocabulary: Vocabulary,
  id: number,
  classify: (word: string) => number,
): number {
  let found = facts[CLASS + 2 * id]!;
  if (found === UNKNOWN) {
    found = classify(vocabulary.word(id));
    facts[CLASS + 2 * id] = found;
  }
  return found;
}

/** A shared term of `sharedOf`: in how many of the two titles it is. */
export interface SharedTerm {
  term: string;
  inTitles: number;
  rarity: number | undefined;
  /** Its id, when found by ids (`surfaceOf` then need not look it up). */
  id?: number;
}

/** What two texts share, as `SharedSubject` finds it in their sets. */
export interface Shared {
  /** The shared terms, in `a.terms` order. */
  terms: SharedTerm[];
  /** The shared title phrases' two terms, in `a.titlePhrases` order. */
  phrases: [string, string][];
  /** The shared identifiers, in `a.identifiers` order. */
  identifiers: string[];
}

/** What b has, for `sharedOf` and `titleShareOf`: its terms (1 in its title, else 0) ... */
const otherTerms = new IdTable();
/** ... and its identifiers. */
const otherIdentifiers = new IdTable();
/**
 * Whose terms and identifiers the tables hold: a text's `terms` and `identifiers` arrays (made
 * for each TextIds, never changed). The new task of a registration is one side of each of its
 * pairs: its tables are filled once, not for every pair. The arrays, not the TextIds: they keep
 * no vocabulary alive.
 */
let heldTerms: readonly number[] | undefined;
let heldIdentifiers: readonly number[] | undefined;

/** `otherTerms` holding the terms of `ids`. */
function holdTerms(ids: TextIds): IdTable {
  const { terms, titleTermCount } = ids;
  if (heldTerms !== terms) {
    otherTerms.clear();
    for (let i = 0; i < terms.length; i++) otherTerms.add(terms[i]!, i < titleTermCount ? 1 : 0);
    heldTerms = terms;
  }
  return otherTerms;
}

/** `otherIdentifiers` holding the identifiers of `ids`. */
function holdIdentifiers(ids: TextIds): IdTable {
  const { identifiers } = ids;
  if (heldIdentifiers !== identifiers) {
    otherIdentifiers.clear();
    for (const id of identifiers) otherIdentifiers.add(id);
    heldIdentifiers = identifiers;
  }
  return otherIdentifiers;
}

/** The terms, title phrases and identifiers both texts have, by id. */
export function sharedOf(a: TextIds, b: TextIds): Shared {
  const { vocabulary } = a;
  const otherTerms = holdTerms(b);
  const terms: SharedTerm[] = [];
  const aTerms = a.terms;
  for (let i = 0; i < aTerms.length; i++) {
    const id = aTerms[i]!;
    const inTitle = otherTerms.get(id);
    if (inTitle < 0) continue;
    const inTitles = (i < a.titleTermCount ? 1 : 0) + inTitle;
    terms.push({ term: vocabulary.word(id), inTitles, rarity: undefined, id });
  }
  const otherIdentifiers = holdIdentifiers(b);
  const identifiers: string[] = [];
  for (const id of a.identifiers)
    if (otherIdentifiers.has(id)) identifiers.push(vocabulary.word(id));
  const phrases: [string, string][] = [];
  const pa = a.titlePhrases;
  const pb = b.titlePhrases;
  for (let i = 0; i < pa.length; i += 2) {
    for (let j = 0; j < pb.length; j += 2) {
      if (pa[i] === pb[j] && pa[i + 1] === pb[j + 1]) {
        phrases.push([vocabulary.word(pa[i]!), vocabulary.word(pa[i + 1]!)]);
        break;
      }
    }
  }
  return { terms, phrases, identifiers };
}

/**
 * The share of `own`'s title the other text has (see `titleCoverage`): the title terms less
 * `exclude`, each weighed with `weigh`, and the weight of those the other text has.
 */
export function titleShareOf(
  own: TextIds,
  other: TextIds,
  exclude: ReadonlySet<string>,
  weigh: (term: string) => number,
): number {
  const { vocabulary } = own;
  const otherTerms = holdTerms(other);
  let total = 0;
  let shared = 0;
  for (let i = 0; i < own.titleTermCount; i++) {
    const id = own.terms[i]!;
    const term = vocabulary.word(id);
    if (exclude.has(term)) continue;
    const w = weigh(term);
    total += w;
    if (otherTerms.has(id)) shared += w;
  }
  return total === 0 ? 0 : shared / total;
}

/**
 * Whether `titleShareOf(own, other, exclude, weigh)` is not below `least`, weighing the title
 * terms the other text lacks only while the share may still reach it. The shared terms are
 * weighed first (in a registration they are the new task's, whose counts are at hand); each
 * other term of a candidate's title is a look-up among the counts of every known term, and one
 * heavy term the other text lacks most often settles it. The answer is the share's: the share
 * is worked out as `titleShareOf` does unless it is given up, which it is only when the most it
 * could still be is below `least` by far more than rounding.
 */
export function titleShareReaches(
  own: TextIds,
  other: TextIds,
  exclude: ReadonlySet<string>,
  weigh: (term: string) => number,
  least: number,
): boolean {
  const { vocabulary, terms } = own;
  const otherTerms = holdTerms(other);
  const count = own.titleTermCount;
  // the weight of the shared terms not reached yet
  let sharedLeft = 0;
  for (let i = 0; i < count; i++) {
    const id = terms[i]!;
    if (!otherTerms.has(id)) continue;
    const term = vocabulary.word(id);
    if (!exclude.has(term)) sharedLeft += weigh(term);
  }
  const reachable = least - GIVE_UP_MARGIN;
  let total = 0;
  let shared = 0;
  for (let i = 0; i < count; i++) {
    const id = terms[i]!;
    const term = vocabulary.word(id);
    if (exclude.has(term)) continue;
    const w = weigh(term);
    total += w;
    if (otherTerms.has(id)) {
      shared += w;
      sharedLeft -= w;
    } else if (shared + sharedLeft < reachable * (total + sharedLeft)) {
      // even with every shared term to come and no other term, the share is below `least`
      return false;
    }
  }
  return !((total === 0 ? 0 : shared / total) < least);
}

/** How far below `least` a share's bound must be for `titleShareReaches` to give it up. */
const GIVE_UP_MARGIN = 1e-9;

/**
 * `word` when it is a better surface for `term` than `best` (a plain word, no `_` or `-`,
 * starting with the term and shorter), else `best`: the choice `surface` makes, by sets or ids.
 */
export function plainerSurface(word: string, term: string, best: string | undefined) {
  return word.startsWith(term) &&
    !word.includes('_') &&
    !word.includes('-') &&
    (!best || word.length < best.length)
    ? word
    : best;
}

/**
 * A word's shape, for `surfaceOf` to pass by most words without reading them: its first letter's
 * code (bits 0–15), whether it is plain (no `_` or `-`, bit 16), its length (bits 17–29, at most
 * MAX_LENGTH), and whether it ends with a digit 0-9 (bit 30, for `titleMayHaveVersion`).
 */
function shapeOf(word: string): number {
  const plain = word.includes('_') || word.includes('-') ? 0 : PLAIN;
  const last = word.charCodeAt(word.length - 1);
  const digitEnd = last >= 48 && last <= 57 ? DIGIT_END : 0;
  return (
    digitEnd | (Math.min(word.length, MAX_LENGTH) << 17) | plain | (word.charCodeAt(0) & 0xffff)
  );
}

const PLAIN = 1 << 16;
const MAX_LENGTH = 0x1fff;
const DIGIT_END = 1 << 30;

/** A word's shape (see `shapeOf`), found once per id. */
function shapeAt(facts: Int32Array, vocabulary: Vocabulary, id: number): number {
  let shape = facts[SHAPE + 2 * id]!;
  if (shape === UNKNOWN) {
    shape = shapeOf(vocabulary.word(id));
    facts[SHAPE + 2 * id] = shape;
  }
  return shape;
}

/**
 * Whether the title may have a version in it (`/\d\.\d/`): two tokens of it in a row, the first
 * ending with a digit (0-9) and the second starting with one. The digits on either side of a
 * version's dot end and start tokens (a dot separates words, and digits are split from letters),
 * with nothing between them; a title without such tokens has no version, and its string need not
 * be read.
 */
export function titleMayHaveVersion(ids: TextIds): boolean {
  const { vocabulary, tokens } = ids;
  const { facts } = scratchOf(vocabulary);
  let previousEndsWithDigit = false;
  for (let i = 0; i < ids.titleEnd; i++) {
    const shape = shapeAt(facts, vocabulary, tokens[i]!);
    const first = shape & 0xffff;
    if (previousEndsWithDigit && first >= 48 && first <= 57) return true;
    previousEndsWithDigit = (shape & DIGIT_END) !== 0;
  }
  return false;
}

/**
 * `surface` by ids: the term when it is a word of the text, else its shortest plain word starting
 * with it. A word is read only when its shape (kept per id) says it may be that word: plain,
 * starting with the term's letter, and not shorter than the term nor longer than the best so far
 * (the words of a candidate are mostly far apart in memory; reading each was most of the cost).
 */
export function surfaceOf(
  ids: TextIds,
  term: string,
  termId: number | undefined = ids.vocabulary.id(term),
): string {
  const { vocabulary } = ids;
  // most often the term is a word of the text: found among its ids without reading a word
  if (termId !== undefined && ids.words.includes(termId)) return term;
  let best: string | undefined;
  if (term.length === 0 || term.length >= MAX_LENGTH) {
    for (const id of ids.words) best = plainerSurface(vocabulary.word(id), term, best);
    return best ?? term;
  }
  const { facts } = scratchOf(vocabulary);
  const letter = term.charCodeAt(0);
  for (const id of ids.words) {
    const shape = shapeAt(facts, vocabulary, id);
    if ((shape & 0xffff) !== letter || (shape & PLAIN) === 0) continue;
    const length = shape >>> 17;
    if (length < term.length || (best !== undefined && length >= best.length)) continue;
    best = plainerSurface(vocabulary.word(id), term, best);
  }
  return best ?? term;
}
