import type { CorpusStats, TaskText } from '@chorale/core';
import { stem } from '@chorale/detector';

/**
 * The words of `list` the text has. The list is of lower-case words (a rule's vocabulary), looked
 * up in `text.words` as they are (what `text.has` does after lower-casing them).
 */
export function present(text: TaskText, list: Iterable<string>): string[] {
  const found: string[] = [];
  for (const word of list) if (text.words.has(word)) found.push(word);
  return found;
}

/** Whether the text has one of these lower-case words (as `present`; the first found ends the look-up). */
export function hasAny(text: TaskText, list: Iterable<string>): boolean {
  for (const word of list) if (text.words.has(word)) return true;
  return false;
}

/** Whether the text has one of these phrases (several words next to each other). */
export function hasAnyPhrase(text: TaskText, phrases: Iterable<string>): boolean {
  for (const phrase of phrases) if (text.hasPhrase(phrase)) return true;
  return false;
}

/** Whether the text has a word starting with one of these stems. */
export function hasAnyPrefix(text: TaskText, stems: Iterable<string>): boolean {
  for (const stem of stems) if (text.hasPrefix(stem)) return true;
  return false;
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
  const n = Math.max(corpus?.size ?? 2, 2) + PRIOR_TASKS;
  const df = Math.max(corpus?.documentFrequency(term) ?? 2, 2);
  return Math.log(1 + Math.max(0, n - df + 0.5) / (df + 0.5));
}

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
  if (typeof text !== 'string' || !/\d/.test(text)) return new Set();
  return new Set(cached(VERSIONS, text, versionsOf));
}

function versionsOf(text: string): Set<string> {
  return new Set([...text.matchAll(VERSION)].map((m) => m[1]!));
}

/**
 * What `make` gives for `key`, kept in `cache` (every rule asks the same titles and
 * repositories of a pair again); emptied when full. The cached value must not be changed.
 */
function cached<T>(cache: Map<string, T>, key: string, make: (key: string) => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make(key);
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(key, value);
  }
  return value;
}

const CACHE_SIZE = 10_000;
const VERSIONS = new Map<string, Set<string>>();
const REPOSITORY_TERMS = new Map<string, Set<string>>();

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
function surface(text: TaskText, term: string): string {
  if (text.words.has(term)) return term;
  let best: string | undefined;
  for (const word of text.words) {
    if (word.startsWith(term) && !/[_-]/.test(word) && (!best || word.length < best.length)) {
      best = word;
    }
  }
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

/** The stems of the parts of a repository name (`acme/vscode-python` → acme, vscod, python), whole parts too. */
function repositoryTerms(repository: unknown): ReadonlySet<string> {
  if (typeof repository !== 'string') return new Set();
  return cached(REPOSITORY_TERMS, repository, repositoryTermsOf);
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
 */
export function subjectOverlap(
  a: TaskText,
  b: TaskText,
  corpus: CorpusStats | undefined,
  exclude: ReadonlySet<string> = new Set(),
  products: 'both' | 'either' = 'both',
): Overlap {
  const pair = sharedOf(a, b);
  const found: Found[] = [];
  const inRepository = (term: string) =>
    products === 'both'
      ? pair.repositoryA.has(term) && pair.repositoryB.has(term)
      : pair.repositoryA.has(term) || pair.repositoryB.has(term);
  const product = (term: string) => (inRepository(term) ? REPOSITORY_TERM_WEIGHT : 1);
  for (const { term, inTitles } of pair.terms) {
    if (exclude.has(term)) continue;
    const field =
      inTitles === 2
        ? FIELD_WEIGHT.bothTitles
        : inTitles === 1
          ? FIELD_WEIGHT.oneTitle
          : FIELD_WEIGHT.descriptions;
    const repositoryTerm = inRepository(term);
    const w = rarity(corpus, term) * field * (repositoryTerm ? REPOSITORY_TERM_WEIGHT : 1);
    found.push({
      weight: w,
      a: pair.surface('a', term),
      b: pair.surface('b', term),
      kind: 'term',
      name: term,
      inTitles,
      repositoryTerm,
    });
  }
  for (const { phrase, first, second } of pair.phrases) {
    if (exclude.has(first) && exclude.has(second)) continue;
    const w =
      PHRASE_WEIGHT *
      (rarity(corpus, first) * product(first) + rarity(corpus, second) * product(second));
    found.push({
      weight: w,
      a: `${pair.surface('a', first)} ${pair.surface('a', second)}`,
      b: `${pair.surface('b', first)} ${pair.surface('b', second)}`,
      kind: 'phrase',
      name: phrase,
    });
  }
  for (const { id, name } of pair.identifiers) {
    const w = IDENTIFIER_WEIGHT * rarity(corpus, id) * product(name);
    found.push({ weight: w, a: id, b: id, kind: 'identifier', name: id });
  }
  found.sort((x, y) => y.weight - x.weight);
  let score = found.reduce((sum, f) => sum + f.weight, 0);
  const versionsA = pair.versionsA;
  const versionsB = pair.versionsB;
  const versionMismatch =
    score > 0 &&
    versionsA.size > 0 &&
    versionsB.size > 0 &&
    ![...versionsA].some((v) => versionsB.has(v));
  if (versionMismatch) score *= VERSION_MISMATCH;
  // the words and signal lines are listed when a rule reads them (most pairs match no rule)
  let wordsA: string[] | undefined;
  let wordsB: string[] | undefined;
  let signals: string[] | undefined;
  return {
    score,
    get a() {
      wordsA ??= [...new Set(found.map((f) => f.a))];
      return wordsA;
    },
    get b() {
      wordsB ??= [...new Set(found.map((f) => f.b))];
      return wordsB;
    },
    get signals() {
      if (signals === undefined) {
        signals = found.map(signalOf);
        if (versionMismatch) {
          signals.push(
            `different versions in the titles (${[...versionsA].join(', ')} / ${[...versionsB].join(', ')}): × ${VERSION_MISMATCH}`,
          );
        }
      }
      return signals;
    },
    identifiers: pair.identifiers.length,
  };
}

/** One shared term, title phrase or identifier of `subjectOverlap`, weighed. */
interface Found {
  weight: number;
  a: string;
  b: string;
  kind: 'term' | 'phrase' | 'identifier';
  name: string;
  /** For a term: in how many titles. */
  inTitles?: number;
  /** For a term: whether it counts as a repository name's. */
  repositoryTerm?: boolean;
}

/** The evidence line of a shared term, phrase or identifier. */
function signalOf(f: Found): string {
  if (f.kind === 'phrase') return `shared title phrase "${f.name}" (${weight(f.weight)})`;
  if (f.kind === 'identifier') return `shared identifier ${f.name} (${weight(f.weight)})`;
  const where = `${f.inTitles === 2 ? 'both titles' : f.inTitles === 1 ? 'one title' : 'descriptions'}${f.repositoryTerm ? ', a repository name' : ''}`;
  return `shared term "${f.name}" (${where}, ${weight(f.weight)})`;
}

/**
 * What two texts share, whatever the corpus, the rule's vocabulary or the products counted:
 * the shared terms (in `a.terms` order, with how many titles have each), the shared title
 * phrases (less those that are a shared identifier's parts), the shared identifiers (one per
 * name), the titles' versions and the repositories' terms. Every rule of a pair asks
 * `subjectOverlap`, so this is made once per pair (`sharedOf`) and each call only weighs it.
 */
class SharedSubject {
  readonly a: TaskText;
  readonly b: TaskText;
  readonly terms: { term: string; inTitles: number }[] = [];
  readonly phrases: { phrase: string; first: string; second: string }[] = [];
  readonly identifiers: { id: string; name: string }[] = [];
  readonly repositoryA: ReadonlySet<string>;
  readonly repositoryB: ReadonlySet<string>;
  readonly versionsA: ReadonlySet<string>;
  readonly versionsB: ReadonlySet<string>;
  readonly #surfaces = new Map<string, string>();

  constructor(a: TaskText, b: TaskText) {
    this.a = a;
    this.b = b;
    this.repositoryA = repositoryTerms(a.task.repository);
    this.repositoryB = repositoryTerms(b.task.repository);
    this.versionsA = titleVersions(a);
    this.versionsB = titleVersions(b);
    for (const term of a.terms) {
      if (!b.terms.has(term)) continue;
      const inTitles = (a.titleTerms.has(term) ? 1 : 0) + (b.titleTerms.has(term) ? 1 : 0);
      this.terms.push({ term, inTitles });
    }
    const sharedIds = [...a.identifiers].filter((id) => b.identifiers.has(id));
    for (const phrase of a.titlePhrases) {
      if (!b.titlePhrases.has(phrase)) continue;
      const [first, second] = phrase.split(' ') as [string, string];
      // `rules_nodejs` is one shared name, counted as an identifier, not also as a phrase
      if (
        sharedIds.some((id) => id.includes(first.slice(0, 4)) && id.includes(second.slice(0, 4)))
      ) {
        continue;
      }
      this.phrases.push({ phrase, first, second });
    }
    const names = new Set<string>();
    for (const id of sharedIds) {
      const name = id.replace(/[_-]+/g, '');
      if (names.has(name)) continue;
      names.add(name);
      this.identifiers.push({ id, name });
    }
  }

  /** A word of one side's text for a term (see `surface`), found once per pair. */
  surface(side: 'a' | 'b', term: string): string {
    const key = `${side}${term}`;
    let word = this.#surfaces.get(key);
    if (word === undefined) {
      word = surface(side === 'a' ? this.a : this.b, term);
      this.#surfaces.set(key, word);
    }
    return word;
  }
}

/** The versions a title names, kept per text. */
const titleVersions = perText((t: TaskText): ReadonlySet<string> => versions(t.task.title));

/** The last pair asked (the rules of one pair are evaluated one after the other). */
let lastShared: SharedSubject | undefined;

/**
 * What `a` and `b` share (a TaskText does not change, so a pair asked again gets the same
 * answer): kept for the last pair only.
 */
function sharedOf(a: TaskText, b: TaskText): SharedSubject {
  if (lastShared === undefined || lastShared.a !== a || lastShared.b !== b) {
    lastShared = new SharedSubject(a, b);
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
 * A confidence that grows with the evidence and never reaches 1 (that is an explicit
 * reference's): `floor + (ceiling - floor) × (1 - e^(-excess / scale))`, rounded.
 */
export function saturating(excess: number, floor: number, ceiling: number, scale: number): number {
  return confidence(floor + (ceiling - floor) * (1 - Math.exp(-Math.max(0, excess) / scale)));
}

/**
 * The weighed overlap (see `subjectOverlap`) below which the kind rules (API, database,
 * configuration, security) do not take two tasks to be about the same thing: 0.95 × the weight
 * of one word in both titles that no other known task has (`rarity` at df 2), so one such word,
 * or several commoner ones, are enough. 3.5 among 83 known tasks, 2.1 for two bare texts.
 */
export function subjectGate(corpus: CorpusStats | undefined): number {
  const n = Math.max(corpus?.size ?? 2, 2) + PRIOR_TASKS;
  return 0.95 * Math.log(1 + (n - 2 + 0.5) / 2.5);
}

/** The stems of a rule's vocabulary, for `subjectOverlap`'s `exclude`. */
export function stems(words: Iterable<string>): Set<string> {
  return new Set([...words].map((w) => stem(w.toLowerCase())));
}

/**
 * `compute` kept for the last two texts asked (a TaskText does not change): what a rule finds
 * in one text (which kinds of work it names) is asked for both tasks of a pair, and the new
 * task is one of every pair of a registration. The value must not be changed by the caller.
 */
export function perText<T>(compute: (text: TaskText) => T): (text: TaskText) => T {
  let recent: TaskText | undefined;
  let recentValue: T | undefined;
  let older: TaskText | undefined;
  let olderValue: T | undefined;
  return (text) => {
    if (text === recent) return recentValue as T;
    let value: T;
    if (text === older) value = olderValue as T;
    else value = compute(text);
    older = recent;
    olderValue = recentValue;
    recent = text;
    recentValue = value;
    return value;
  };
}
