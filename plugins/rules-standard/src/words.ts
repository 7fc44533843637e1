import type { CorpusStats, RuleEvidence, RuleMatch, TaskText } from '@chorale/core';
import { memoize, phraseTokens, stem, textIds } from '@chorale/detector';
import {
  listedWordsOf,
  pairIds,
  plainerSurface,
  type Shared,
  type SharedTerm,
  sharedOf as sharedByIds,
  surfaceOf,
  titleMayHaveVersion,
  titleShareOf,
  titleShareReaches,
  titleWordBits,
} from './ids.js';

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

/**
 * A rule's match whose evidence is made when read: the detector reads the evidence of the match
 * it reports only (the best of a pair), and a pair often matches several rules. A class, not an
 * object literal with `get evidence()`: V8 makes such a literal a new hidden class at every
 * call, which tripled the garbage collector's time per registration.
 */
export class Match implements RuleMatch {
  readonly reason: string;
  readonly confidence: number;
  first?: 'a' | 'b';
  readonly #evidence: () => RuleEvidence;

  constructor(reason: string, confidence: number, evidence: () => RuleEvidence) {
    this.reason = reason;
    this.confidence = confidence;
    this.#evidence = evidence;
  }

  get evidence(): RuleEvidence {
    return this.#evidence();
  }

  /** The match as a plain object (its evidence made). */
  toJSON(): RuleMatch {
    const { reason, confidence, first, evidence } = this;
    return first === undefined
      ? { reason, confidence, evidence }
      : { reason, confidence, first, evidence };
  }
}

/** Rounds a confidence to two decimals and keeps it in 0..1. */
export function confidence(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}

/** "a, b and c" */
export function list(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * Tasks a corpus is assumed to have besides the known ones, none of them with the term: with few
 * known tasks nothing could be told rare, so a small corpus does not make every shared word
 * look as common as the word "the".
 */
export const PRIOR_TASKS = 20;

/**
 * How rare a term is among the known tasks: BM25's inverse document frequency
 * `ln(1 + (N - df + 0.5) / (df + 0.5))` with N the known tasks plus PRIOR_TASKS and df at least
 * 2 (a shared term is in both tasks). 3.7 for a term of 2 tasks out of 83, 0.9 for one of 40.
 * Without a corpus the two tasks are the corpus.
 */
export function rarity(corpus: CorpusStats | undefined, term: string): number {
  return rarityAmong(knownTasks(corpus), corpus?.documentFrequency(term));
}

/** The N of `rarity`: the known tasks (at least the two of a pair) plus PRIOR_TASKS. */
function knownTasks(corpus: CorpusStats | undefined): number {
  return Math.max(corpus?.size ?? 2, 2) + PRIOR_TASKS;
}

/** `rarity` of a term in `frequency` of `n` tasks (`knownTasks`). */
function rarityAmong(n: number, frequency: number | undefined): number {
  const df = Math.max(frequency ?? 2, 2);
  const kept = (df | 0) === df && df < KEPT_RARITIES;
  if (kept && keptRarityN[df] === n) return keptRarity[df]!;
  const value = Math.log(1 + Math.max(0, n - df + 0.5) / (df + 0.5));
  if (kept) {
    keptRarityN[df] = n;
    keptRarity[df] = value;
  }
  return value;
}

/**
 * The rarities last worked out, by document frequency (below KEPT_RARITIES), with the N they
 * were worked out for: the rules of a registration weigh hundreds of terms with one N (a
 * logarithm each), most of them in a few tasks.
 */
const KEPT_RARITIES = 1024;
const keptRarityN = new Float64Array(KEPT_RARITIES).fill(-1);
const keptRarity = new Float64Array(KEPT_RARITIES);

/** How much a shared term counts by where it is: in both titles, in one title, in neither. */
export const FIELD_WEIGHT = { bothTitles: 1, oneTitle: 0.6, descriptions: 0.35 } as const;
/** A shared pair of adjacent title terms adds this share of the two terms' rarity. */
export const PHRASE_WEIGHT = 0.5;
/** A shared identifier counts this many times its rarity (its parts count as terms too). */
export const IDENTIFIER_WEIGHT = 1.5;

/**
 * Two titles that each name versions, none the same ("update to rules_nodejs 0.10.0" / "... to
 * v0.38.0"), are two different bumps of one thing: their overlap counts this much.
 */
export const VERSION_MISMATCH = 0.5;
const VERSION = /(?<![\p{L}\p{N}.])v?(\d+(?:\.\d+)+)(?![\p{N}])/gu;

/** The version numbers of a text (`v1.2.0` → `1.2.0`). */
export function versions(text: unknown): Set<string> {
  return new Set(versionsIn(text));
}

const NO_VERSIONS: ReadonlySet<string> = new Set();

/** `versions`, not to be changed: the same set for the same text. */
function versionsIn(text: unknown): ReadonlySet<string> {
  // every version has a digit, a dot and a digit (most titles have none)
  if (typeof text !== 'string' || !/\d\.\d/.test(text)) return NO_VERSIONS;
  return titleVersionsOf(text);
}

function versionsOf(text: string): Set<string> {
  return new Set([...text.matchAll(VERSION)].map((m) => m[1]!));
}

/** How many titles' versions and repositories' terms are kept (every rule asks the same again). */
export const CACHE_SIZE = 10_000;
const titleVersionsOf = memoize(versionsOf, CACHE_SIZE);

/** What two tasks have in common, weighed by rarity. */
export interface Overlap {
  /** Sum of the shared terms', phrases' and identifiers' weights. */
  score: number;
  /** The words (or identifiers) of task a that matched, rarest first. */
  a: string[];
  /** The same for task b. */
  b: string[];
  /** One line per shared term, phrase or identifier, with its weight. */
  signals: string[];
  /** How many distinct identifiers are shared. */
  identifiers: number;
}

/** A word of the text for a term (the shortest word starting with the stem), for evidence. */
function surface(text: TaskText, term: string, termId?: number): string {
  const ids = textIds(text);
  if (ids !== undefined) return surfaceOf(ids, term, termId);
  if (text.words.has(term)) return term;
  let best: string | undefined;
  for (const word of text.words) best = plainerSurface(word, term, best);
  return best ?? term;
}

const weight = (x: number) => Math.round(x * 10) / 10;

/**
 * A shared term or identifier that is part of a repository name counts a quarter: it names the
 * product every task of that repository is about ("python" for every task of `vscode-python`,
 * "opentelemetry" for every task of `opentelemetry-go`), so it cannot tell which of them a task
 * is linked to. Which repository names count is `subjectOverlap`'s `products`.
 */
export const REPOSITORY_TERM_WEIGHT = 0.25;

/**
 * The stems of the parts of a repository name (`acme/vscode-python` → acme, vscod, python), whole
 * parts too. The name is `TaskText.repository` (normalized: `https://github.com/acme/x.git` is
 * `acme/x`), one string for every task of the repository: a candidate's task is not read.
 */
function repositoryTerms(repository: unknown): ReadonlySet<string> {
  if (typeof repository !== 'string') return NOTHING;
  return repositoryTermsKept(repository);
}

function repositoryTermsOf(repository: string): Set<string> {
  const found = new Set<string>();
  for (const segment of repository.toLowerCase().split('/')) {
    found.add(segment);
    found.add(segment.replace(/[_.-]+/g, ''));
    for (const part of segment.split(/[^\p{L}\p{N}]+/u)) if (part !== '') found.add(stem(part));
  }
  return found;
}

const repositoryTermsKept = memoize(repositoryTermsOf, CACHE_SIZE);

/** Which repository names' terms count less (see `subjectOverlap`). */
type Products = 'both' | 'either';

/** The default `exclude`: no term left out. */
const NOTHING: ReadonlySet<string> = new Set();

/**
 * The subject two tasks share, weighed by how rare each shared thing is among the known tasks
 * (`rarity`): every shared term times FIELD_WEIGHT (both titles 1, one title 0.6, descriptions
 * only 0.35); every shared pair of adjacent title terms PHRASE_WEIGHT × the two terms' rarity;
 * every shared identifier (one per name, however it is written) IDENTIFIER_WEIGHT × its rarity.
 * Terms in `exclude` (stems of a rule's own vocabulary) do not count. A term of a repository
 * name counts REPOSITORY_TERM_WEIGHT: with `products: 'both'` (the default) only when it is in
 * both repository names (`vscode` of `vscode-python` and `vscode-jupyter`); with `'either'` when
 * it is in one (for a rule with no other evidence; a kind rule keeps "orders" between an orders
 * table and the `orders-service`).
 *
 * Every rule of a pair asks this, with its own `exclude`: the shared things are found and
 * weighed once per pair (`sharedOf`), so a call only adds up the weights of those not left out.
 * The words and signal lines are made when a rule reads them (the evidence of a match).
 */
export function subjectOverlap(
  a: TaskText,
  b: TaskText,
  corpus: CorpusStats | undefined,
  exclude: ReadonlySet<string> = NOTHING,
  products: Products = 'both',
): Overlap {
  const pair = sharedOf(a, b, corpus);
  const ranked = pair.ranked(products);
  // heaviest first, as the evidence lists them: a sum in another order could differ in its last bit
  let score = 0;
  for (const f of ranked) if (!excluded(f, exclude)) score += f.weight;
  const versionMismatch = score > 0 && pair.otherVersions;
  if (versionMismatch) score *= VERSION_MISMATCH;
  return new WeighedOverlap(pair, ranked, exclude, score, versionMismatch);
}

/** One shared term, title phrase or identifier of `subjectOverlap`, weighed. */
interface Found {
  readonly weight: number;
  readonly kind: 'term' | 'phrase' | 'identifier';
  /** The term, the phrase ("first second") or the identifier. */
  readonly name: string;
  /** A phrase's two terms (for a term, the term itself). */
  readonly first: string;
  readonly second: string;
  /** For a term: in how many titles. */
  readonly inTitles: number;
  /** For a term: whether it counts as a repository name's. */
  readonly repositoryTerm: boolean;
  /** For a term found by ids: its id. */
  readonly termId: number | undefined;
  /**
   * Its evidence line and its words in a and b, made when a rule that matches first reads them
   * (the rules of a pair share its shared things).
   */
  signal: string | undefined;
  wordA: string | undefined;
  wordB: string | undefined;
}

/** Whether a rule leaves this out: a term of its vocabulary, a phrase of two such terms. */
function excluded(f: Found, exclude: ReadonlySet<string>): boolean {
  if (f.kind === 'term') return exclude.has(f.name);
  if (f.kind === 'phrase') return exclude.has(f.first) && exclude.has(f.second);
  return false;
}

/** An `Overlap` whose words and signal lines are made when read (most overlaps match no rule). */
class WeighedOverlap implements Overlap {
  readonly score: number;
  readonly identifiers: number;
  readonly #pair: SharedSubject;
  readonly #ranked: readonly Found[];
  readonly #exclude: ReadonlySet<string>;
  readonly #versionMismatch: boolean;
  #found: Found[] | undefined;
  #a: string[] | undefined;
  #b: string[] | undefined;
  #signals: string[] | undefined;

  constructor(
    pair: SharedSubject,
    ranked: readonly Found[],
    exclude: ReadonlySet<string>,
    score: number,
    versionMismatch: boolean,
  ) {
    this.score = score;
    this.identifiers = pair.identifiers.length;
    this.#pair = pair;
    this.#ranked = ranked;
    this.#exclude = exclude;
    this.#versionMismatch = versionMismatch;
  }

  get a(): string[] {
    this.#a ??= this.#words('a');
    return this.#a;
  }

  get b(): string[] {
    this.#b ??= this.#words('b');
    return this.#b;
  }

  get signals(): string[] {
    if (this.#signals === undefined) {
      this.#signals = this.#counted().map((f) => {
        f.signal ??= signalOf(f);
        return f.signal;
      });
      if (this.#versionMismatch) {
        const { versionsA, versionsB } = this.#pair;
        this.#signals.push(
          `different versions in the titles (${[...versionsA].join(', ')} / ${[...versionsB].join(', ')}): × ${VERSION_MISMATCH}`,
        );
      }
    }
    return this.#signals;
  }

  /** The shared things that count, heaviest first. */
  #counted(): Found[] {
    this.#found ??= this.#ranked.filter((f) => !excluded(f, this.#exclude));
    return this.#found;
  }

  /** One side's words for the shared things, each once. */
  #words(side: 'a' | 'b'): string[] {
    const words: string[] = [];
    for (const f of this.#counted()) {
      let word: string;
      if (side === 'a') {
        f.wordA ??= this.#pair.wordOf(f, 'a');
        word = f.wordA;
      } else {
        f.wordB ??= this.#pair.wordOf(f, 'b');
        word = f.wordB;
      }
      if (!words.includes(word)) words.push(word);
    }
    return words;
  }
}

/**
 * The evidence line of a shared term, phrase or identifier. A term's line is kept by its id, the
 * titles it is in and whether it is a repository name's, and used again while its term and
 * weight are the same (the line is made of nothing else): the new task of a registration shares
 * the same few terms with most of its candidates.
 */
function signalOf(f: Found): string {
  if (f.kind !== 'term' || f.termId === undefined) return lineOf(f);
  const key = f.termId * 8 + f.inTitles * 2 + (f.repositoryTerm ? 1 : 0);
  const kept = termLines.get(key);
  if (kept !== undefined && kept.name === f.name && kept.weight === f.weight) return kept.line;
  const line = lineOf(f);
  // a new map, not a cleared one (see `PackedTexts#recentIds` in the detector)
  if (termLines.size >= CACHE_SIZE) termLines = new Map();
  termLines.set(key, { name: f.name, weight: f.weight, line });
  return line;
}

let termLines = new Map<number, { name: string; weight: number; line: string }>();

function lineOf(f: Found): string {
  if (f.kind === 'phrase') return `shared title phrase "${f.name}" (${weight(f.weight)})`;
  if (f.kind === 'identifier') return `shared identifier ${f.name} (${weight(f.weight)})`;
  const where = `${f.inTitles === 2 ? 'both titles' : f.inTitles === 1 ? 'one title' : 'descriptions'}${f.repositoryTerm ? ', a repository name' : ''}`;
  return `shared term "${f.name}" (${where}, ${weight(f.weight)})`;
}

/**
 * What two texts share, whatever the rule's vocabulary: the shared terms (in `a.terms` order,
 * with how many titles have each), the shared title phrases (less those that are a shared
 * identifier's parts), the shared identifiers (one per name), whether the titles name only
 * different versions, the repositories' terms; and, with the corpus, each one's rarity and
 * weight (`ranked`). Every rule of a pair asks `subjectOverlap`, so this is made once per pair
 * (`sharedOf`) and each call only adds up the weights it keeps.
 */
class SharedSubject {
  readonly a: TaskText;
  readonly b: TaskText;
  readonly corpus: CorpusStats | undefined;
  /** The corpus's size when this was made (a corpus that changes is a new one). */
  readonly corpusSize: number | undefined;
  /** The shared terms, each with its rarity once weighed. */
  readonly terms: SharedTerm[];
  readonly phrases: { phrase: string; first: string; second: string }[] = [];
  readonly identifiers: { id: string; name: string; rarity: number | undefined }[] = [];
  readonly repositoryA: ReadonlySet<string>;
  readonly repositoryB: ReadonlySet<string>;
  readonly versionsA: ReadonlySet<string>;
  readonly versionsB: ReadonlySet<string>;
  /** Both titles name versions, none the same (see VERSION_MISMATCH). */
  readonly otherVersions: boolean;
  /** The N of `rarity`. */
  readonly #n: number;
  #rankedBoth: readonly Found[] | undefined;
  #rankedEither: readonly Found[] | undefined;

  constructor(a: TaskText, b: TaskText, corpus: CorpusStats | undefined) {
    this.a = a;
    this.b = b;
    this.corpus = corpus;
    this.corpusSize = corpus?.size;
    this.#n = knownTasks(corpus);
    this.repositoryA = textRepositoryTerms(a);
    this.repositoryB = textRepositoryTerms(b);
    this.versionsA = titleVersions(a);
    this.versionsB = titleVersions(b);
    this.otherVersions =
      this.versionsA.size > 0 &&
      this.versionsB.size > 0 &&
      !sharesAny(this.versionsA, this.versionsB);
    const { terms, phrases, identifiers: sharedIds } = sharedBetween(a, b);
    this.terms = terms;
    for (const [first, second] of phrases) {
      // `rules_nodejs` is one shared name, counted as an identifier, not also as a phrase
      if (
        sharedIds.some((id) => id.includes(first.slice(0, 4)) && id.includes(second.slice(0, 4)))
      ) {
        continue;
      }
      this.phrases.push({ phrase: `${first} ${second}`, first, second });
    }
    for (const id of sharedIds) {
      const name = identifierName(id);
      if (this.identifiers.some((other) => other.name === name)) continue;
      this.identifiers.push({ id, name, rarity: undefined });
    }
  }

  /** `rarity(corpus, term)`. */
  #rarity(term: string): number {
    return rarityAmong(this.#n, this.corpus?.documentFrequency(term));
  }

  /** The rarity of a shared term or identifier, asked of the corpus once per pair. */
  #rarityOf(shared: { rarity: number | undefined }, term: string): number {
    if (shared.rarity === undefined) shared.rarity = this.#rarity(term);
    return shared.rarity;
  }

  /** The rarity of a term (both terms of a shared title phrase are shared terms). */
  #termRarity(term: string): number {
    for (const t of this.terms) if (t.term === term) return this.#rarityOf(t, term);
    return this.#rarity(term);
  }

  /**
   * Every shared term, phrase and identifier weighed (no term excluded), heaviest first; on a
   * tie, terms, then phrases, then identifiers, each in the order found. A rule's `exclude`
   * only leaves some out, which keeps the others in this order.
   */
  ranked(products: Products): readonly Found[] {
    if (products === 'both') {
      this.#rankedBoth ??= this.#weigh(
        (term) => this.repositoryA.has(term) && this.repositoryB.has(term),
      );
      return this.#rankedBoth;
    }
    if (this.#rankedEither === undefined) {
      const inEither = (term: string) => this.repositoryA.has(term) || this.repositoryB.has(term);
      // with no shared term or name in either repository name, both count every weight in full
      const same =
        !this.terms.some(({ term }) => inEither(term)) &&
        !this.identifiers.some(({ name }) => inEither(name));
      this.#rankedEither = same ? this.ranked('both') : this.#weigh(inEither);
    }
    return this.#rankedEither as readonly Found[];
  }

  #weigh(inRepository: (term: string) => boolean): Found[] {
    const product = (term: string) => (inRepository(term) ? REPOSITORY_TERM_WEIGHT : 1);
    const found: Found[] = [];
    for (const shared of this.terms) {
      const { term, inTitles } = shared;
      const field =
        inTitles === 2
          ? FIELD_WEIGHT.bothTitles
          : inTitles === 1
            ? FIELD_WEIGHT.oneTitle
            : FIELD_WEIGHT.descriptions;
      const repositoryTerm = inRepository(term);
      found.push({
        weight:
          this.#rarityOf(shared, term) * field * (repositoryTerm ? REPOSITORY_TERM_WEIGHT : 1),
        kind: 'term',
        name: term,
        first: term,
        second: term,
        inTitles,
        repositoryTerm,
        termId: shared.id,
        signal: undefined,
        wordA: undefined,
        wordB: undefined,
      });
    }
    for (const { phrase, first, second } of this.phrases) {
      found.push({
        weight:
          PHRASE_WEIGHT *
          (this.#termRarity(first) * product(first) + this.#termRarity(second) * product(second)),
        kind: 'phrase',
        name: phrase,
        first,
        second,
        inTitles: 0,
        repositoryTerm: false,
        termId: undefined,
        signal: undefined,
        wordA: undefined,
        wordB: undefined,
      });
    }
    for (const shared of this.identifiers) {
      const { id, name } = shared;
      found.push({
        weight: IDENTIFIER_WEIGHT * this.#rarityOf(shared, id) * product(name),
        kind: 'identifier',
        name: id,
        first: id,
        second: id,
        inTitles: 0,
        repositoryTerm: false,
        termId: undefined,
        signal: undefined,
        wordA: undefined,
        wordB: undefined,
      });
    }
    return heaviestFirst(found);
  }

  /** One side's word for a shared term, phrase or identifier. */
  wordOf(f: Found, side: 'a' | 'b'): string {
    if (f.kind === 'term') return this.surface(side, f.name, f.termId);
    if (f.kind === 'phrase')
      return `${this.surface(side, f.first)} ${this.surface(side, f.second)}`;
    return f.name;
  }

  /** A word of one side's text for a term (see `surface`), found once per text. */
  surface(side: 'a' | 'b', term: string, termId?: number): string {
    const text = side === 'a' ? this.a : this.b;
    const surfaces = surfacesOf(text);
    let word = surfaces.get(term);
    if (word === undefined) {
      word = surface(text, term, termId);
      surfaces.set(term, word);
    }
    return word;
  }
}

/** The terms, title phrases and identifiers two texts share (by ids when both have them). */
function sharedBetween(a: TaskText, b: TaskText): Shared {
  const ids = pairIds(a, b);
  if (ids !== undefined) return sharedByIds(ids[0], ids[1]);
  const terms: SharedTerm[] = [];
  for (const term of a.terms) {
    if (!b.terms.has(term)) continue;
    const inTitles = (a.titleTerms.has(term) ? 1 : 0) + (b.titleTerms.has(term) ? 1 : 0);
    terms.push({ term, inTitles, rarity: undefined });
  }
  const identifiers: string[] = [];
  for (const id of a.identifiers) if (b.identifiers.has(id)) identifiers.push(id);
  const phrases: [string, string][] = [];
  for (const phrase of a.titlePhrases) {
    if (b.titlePhrases.has(phrase)) phrases.push(phrase.split(' ') as [string, string]);
  }
  return { terms, phrases, identifiers };
}

/** One name for an identifier however it is written (`rules_nodejs`, `rules-nodejs`: `rulesnodejs`). */
function identifierName(id: string): string {
  // most identifiers have neither (`AddLink`): no memo's map to look them up in
  return id.includes('_') || id.includes('-') ? joinedName(id) : id;
}

const joinedName = memoize((id: string) => id.replace(/[_-]+/g, ''), CACHE_SIZE);

/**
 * Sorts by weight, heaviest first, in place; equal weights keep their order (a stable insertion
 * sort: a pair shares a handful of things, and `Array.prototype.sort` allocates for each call).
 */
function heaviestFirst(found: Found[]): Found[] {
  for (let i = 1; i < found.length; i++) {
    const f = found[i]!;
    let j = i - 1;
    while (j >= 0 && found[j]!.weight < f.weight) {
      found[j + 1] = found[j]!;
      j--;
    }
    found[j + 1] = f;
  }
  return found;
}

function sharesAny(x: ReadonlySet<string>, y: ReadonlySet<string>): boolean {
  for (const v of x) if (y.has(v)) return true;
  return false;
}

/**
 * The words found for terms in a text (`surface`), kept per text: the new task of a
 * registration is one side of every pair, and its shared terms are mostly the same.
 */
const surfacesOf = perText((_: TaskText) => new Map<string, string>());

/** The terms of a text's repository name, kept per text. */
const textRepositoryTerms = perText((t: TaskText) => repositoryTerms(t.repository));

/**
 * The versions a title names, kept per text. A known task's title is read only when two tokens
 * of it in a row may be the two sides of a version's dot (most titles have none; a candidate's
 * title is a cold string among a million tasks).
 */
const titleVersions = perText((t: TaskText): ReadonlySet<string> => {
  const ids = textIds(t);
  if (ids !== undefined && !titleMayHaveVersion(ids)) return NO_VERSIONS;
  return versionsIn(t.task.title);
});

/** The last pair asked (the rules of one pair are evaluated one after the other). */
let lastShared: SharedSubject | undefined;

/**
 * What `a` and `b` share, weighed with `corpus` (a TaskText does not change, so a pair asked
 * again with the same corpus of the same size gets the same answer): kept for the last pair only.
 */
function sharedOf(a: TaskText, b: TaskText, corpus: CorpusStats | undefined): SharedSubject {
  if (
    lastShared === undefined ||
    lastShared.a !== a ||
    lastShared.b !== b ||
    lastShared.corpus !== corpus ||
    lastShared.corpusSize !== corpus?.size
  ) {
    lastShared = new SharedSubject(a, b, corpus);
  }
  return lastShared;
}

/**
 * How much of a task's title the other task shares: the rarity-weighted share of the title's
 * subject terms (`titleTerms` less `exclude`) that the other task has anywhere, for the title
 * that shares most (0..1). A shared word that is what one of the titles is about covers much of
 * it ("Scope config" / "Implement scope configuration": 1); one shared category word among other
 * things covers little ("Add Span.AddLink method" / "Add Enabled method to Logger": about 0.3).
 */
export function titleCoverage(
  a: TaskText,
  b: TaskText,
  corpus: CorpusStats | undefined,
  exclude: ReadonlySet<string> = new Set(),
): number {
  const ids = pairIds(a, b);
  if (ids !== undefined) {
    const weigh = (term: string) => rarity(corpus, term);
    const [idsA, idsB] = ids;
    return Math.max(
      titleShareOf(idsA, idsB, exclude, weigh),
      titleShareOf(idsB, idsA, exclude, weigh),
    );
  }
  const share = (own: TaskText, other: TaskText) => {
    let total = 0;
    let shared = 0;
    for (const term of own.titleTerms) {
      if (exclude.has(term)) continue;
      const w = rarity(corpus, term);
      total += w;
      if (other.terms.has(term)) shared += w;
    }
    return total === 0 ? 0 : shared / total;
  };
  return Math.max(share(a, b), share(b, a));
}

/**
 * Whether `titleCoverage(a, b, corpus, exclude)` is not below `least`, with fewer look-ups: a
 * title that reaches it ends the question, and b's title is read first (b is the later task: in
 * a registration most often the new one, whose terms' counts are at hand); a candidate's title
 * is weighed only as long as its share may still reach `least` (see `titleShareReaches`).
 */
export function titleCoverageReaches(
  a: TaskText,
  b: TaskText,
  corpus: CorpusStats | undefined,
  exclude: ReadonlySet<string>,
  least: number,
): boolean {
  const ids = pairIds(a, b);
  if (ids === undefined) return !(titleCoverage(a, b, corpus, exclude) < least);
  const weigh = (term: string) => rarity(corpus, term);
  const [idsA, idsB] = ids;
  return (
    titleShareReaches(idsB, idsA, exclude, weigh, least) ||
    titleShareReaches(idsA, idsB, exclude, weigh, least)
  );
}

/**
 * A confidence that grows with the evidence and never reaches 1 (that is an explicit
 * reference's): `floor + (ceiling - floor) × (1 - e^(-excess / scale))`, rounded.
 */
export function saturating(excess: number, floor: number, ceiling: number, scale: number): number {
  return confidence(floor + (ceiling - floor) * (1 - Math.exp(-Math.max(0, excess) / scale)));
}

/**
 * The weight (see `subjectOverlap`) of one word in both titles that no other known task has
 * (`rarity` at df 2): the unit of the rules' thresholds. It grows with the corpus (3.7 among 83
 * known tasks, 6.0 among 1,000, 12.9 among a million), and so does what two tasks share by
 * chance; a threshold in this unit asks for as much evidence at any size. 2.2 for two bare texts.
 */
export function rareWordWeight(corpus: CorpusStats | undefined): number {
  return rarityAmong(knownTasks(corpus), 2);
}

/**
 * The weighed overlap (see `subjectOverlap`) below which the kind rules (API, database,
 * configuration, security) do not take two tasks to be about the same thing: 0.95 ×
 * `rareWordWeight`, so one such word, or several commoner ones, are enough. 3.5 among 83 known
 * tasks, 2.1 for two bare texts.
 */
export function subjectGate(corpus: CorpusStats | undefined): number {
  return 0.95 * rareWordWeight(corpus);
}

/** The stems of a rule's vocabulary, for `subjectOverlap`'s `exclude`. */
export function stems(words: Iterable<string>): Set<string> {
  return new Set([...words].map((w) => stem(w.toLowerCase())));
}

/**
 * `compute` kept for the last three texts asked (a TaskText does not change): what a rule finds
 * in one text (which kinds of work it names) is asked for both tasks of a pair, and the new task
 * is one side of every pair of a registration. Two would not do: after a pair that asked its
 * candidate last, the next candidate would push the new task out. The value must not be changed
 * by the caller.
 */
export function perText<T>(compute: (text: TaskText) => T): (text: TaskText) => T {
  let first: TaskText | undefined;
  let firstValue: T | undefined;
  let second: TaskText | undefined;
  let secondValue: T | undefined;
  let third: TaskText | undefined;
  let thirdValue: T | undefined;
  return (text) => {
    if (text === first) return firstValue as T;
    let value: T;
    if (text === second) value = secondValue as T;
    else if (text === third) {
      value = thirdValue as T;
      third = second;
      thirdValue = secondValue;
    } else {
      value = compute(text);
      third = second;
      thirdValue = secondValue;
    }
    second = first;
    secondValue = firstValue;
    first = text;
    firstValue = value;
    return value;
  };
}
