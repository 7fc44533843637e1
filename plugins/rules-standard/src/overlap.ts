/**
 * What two tasks share, weighed by how rare each shared thing is (`subjectOverlap`): found once
 * per pair for every rule, and its evidence (words on each side, one line per shared thing) made
 * when a rule that matches is read.
 */
import type { CorpusStats, TaskText } from '@chorale/core';
import { memoize, stem, textIds } from '@chorale/detector';
import {
  pairIds,
  plainerSurface,
  type Shared,
  type SharedTerm,
  sharedOf as sharedByIds,
  surfaceOf,
  titleMayHaveVersion,
} from './ids.js';
import { perText } from './per-text.js';
import { knownTasks, rarityAmong } from './rarity.js';

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

/**
 * A weight as an evidence line shows it: rounded to tenths, as `String(Math.round(x * 10) / 10)`
 * writes it ("1.4", "14"). Made from two small integers, which V8 turns into strings from a cache,
 * where a fraction is written digit by digit (a registration among 100k tasks writes some 30).
 */
export function tenths(x: number): string {
  const t = Math.round(x * 10);
  if (!(t >= 0 && t < MAX_TENTHS)) return String(t / 10);
  const digit = t % 10;
  return digit === 0 ? String(t / 10) : `${(t - digit) / 10}.${digit}`;
}

/** Below this many tenths, a weight's integer part is a small integer (a V8 Smi). */
const MAX_TENTHS = 2 ** 30;

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

/**
 * One shared term, title phrase or identifier of `subjectOverlap`, weighed. A class, so that the
 * three kinds are one shape of object (made for every shared thing of every pair).
 */
class Found {
  readonly weight: number;
  readonly kind: 'term' | 'phrase' | 'identifier';
  /** The term, the phrase ("first second") or the identifier. */
  readonly name: string;
  /** A phrase's two terms (for a term or an identifier, itself). */
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
  signal: string | undefined = undefined;
  wordA: string | undefined = undefined;
  wordB: string | undefined = undefined;

  static term(
    weight: number,
    term: string,
    inTitles: number,
    repositoryTerm: boolean,
    termId: number | undefined,
  ): Found {
    return new Found(weight, 'term', term, term, term, inTitles, repositoryTerm, termId);
  }

  static phrase(weight: number, phrase: string, first: string, second: string): Found {
    return new Found(weight, 'phrase', phrase, first, second, 0, false, undefined);
  }

  static identifier(weight: number, id: string): Found {
    return new Found(weight, 'identifier', id, id, id, 0, false, undefined);
  }

  private constructor(
    weight: number,
    kind: Found['kind'],
    name: string,
    first: string,
    second: string,
    inTitles: number,
    repositoryTerm: boolean,
    termId: number | undefined,
  ) {
    this.weight = weight;
    this.kind = kind;
    this.name = name;
    this.first = first;
    this.second = second;
    this.inTitles = inTitles;
    this.repositoryTerm = repositoryTerm;
    this.termId = termId;
  }
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
        f.signal ??= lineOf(f);
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

/** The evidence line of a shared term, phrase or identifier. */
function lineOf(f: Found): string {
  if (f.kind === 'phrase') return `shared title phrase "${f.name}" (${tenths(f.weight)})`;
  if (f.kind === 'identifier') return `shared identifier ${f.name} (${tenths(f.weight)})`;
  const where = `${f.inTitles === 2 ? 'both titles' : f.inTitles === 1 ? 'one title' : 'descriptions'}${f.repositoryTerm ? ', a repository name' : ''}`;
  return `shared term "${f.name}" (${where}, ${tenths(f.weight)})`;
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
      const weight =
        this.#rarityOf(shared, term) * field * (repositoryTerm ? REPOSITORY_TERM_WEIGHT : 1);
      found.push(Found.term(weight, term, inTitles, repositoryTerm, shared.id));
    }
    for (const { phrase, first, second } of this.phrases) {
      const weight =
        PHRASE_WEIGHT *
        (this.#termRarity(first) * product(first) + this.#termRarity(second) * product(second));
      found.push(Found.phrase(weight, phrase, first, second));
    }
    for (const shared of this.identifiers) {
      const { id, name } = shared;
      found.push(
        Found.identifier(IDENTIFIER_WEIGHT * this.#rarityOf(shared, id) * product(name), id),
      );
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
