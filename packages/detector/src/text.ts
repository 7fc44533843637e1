import type { TaskContext, TaskText } from '@chorale/core';
import { addIdentifiersOf, stem, termOf } from './analysis.js';
import { normalizeRepository } from './cross-reference.js';
import { memoize } from './memo.js';
import type { PackedSource, TextIds } from './text-ids.js';

/** Characters that belong to a word: letters, combining marks, digits; `_` and `-` join parts. */
const CHUNK = /[\p{L}\p{M}\p{N}]+(?:[_-]+[\p{L}\p{M}\p{N}]+)*/gu;
const JOINER = /[_-]+/u;
/**
 * Boundaries inside one alphanumeric run: `camelCase` → camel|Case, `JWTToken` → JWT|Token,
 * `oauth2` → oauth|2.
 */
const CAMEL_BOUNDARY =
  /(?<=[\p{Ll}\p{M}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}[\p{Ll}])|(?<=\p{L}[\p{M}]*)(?=\p{N})|(?<=\p{N})(?=\p{L})/u;

/** Separates fields (title, description, each keyword) so a phrase never spans two of them. */
const FIELD_BREAK = '\u0000';

export interface Tokens {
  /** The smallest parts, in order: `user_preferences` → user, preferences. */
  tokens: string[];
  /** Every word: the parts plus the whole compounds (`user_preferences`, `getuser`). */
  words: Set<string>;
}

/**
 * Splits a text into lower-cased words. Words are runs of letters and digits; a run joined by
 * `_` or `-` (snake_case, kebab-case) and a camelCase run are kept whole as well as split into
 * their parts. Never throws; linear in the length of the text.
 */
export function tokenize(text: string): Tokens {
  const split = emptySplit();
  addTokens(text, split);
  return { tokens: split.tokens, words: wordsOf(split) };
}

/**
 * Tokens as the tokenizer finds them: the parts in order, and the whole compounds
 * (`user_preferences`, `getUser`) each with the number of parts found before it, so the words
 * can be listed in the order they were met (`wordsOf`) from parts and compounds alone.
 */
interface Split {
  readonly tokens: string[];
  readonly compounds: string[];
  readonly compoundAt: number[];
}

function emptySplit(): Split {
  return { tokens: [], compounds: [], compoundAt: [] };
}

function addCompound(split: Split, word: string): void {
  split.compounds.push(word);
  split.compoundAt.push(split.tokens.length);
}

/** Every word of a split, in the order met: a compound comes before its first part. */
function wordsOf(split: Pick<Analysis, 'tokens' | 'compounds' | 'compoundAt'>): Set<string> {
  const words = new Set<string>();
  const { tokens, compounds, compoundAt } = split;
  let c = 0;
  for (let i = 0; i < tokens.length; i++) {
    while (c < compounds.length && compoundAt[c]! <= i) words.add(compounds[c++]!);
    words.add(tokens[i]!);
  }
  while (c < compounds.length) words.add(compounds[c++]!);
  return words;
}

function addTokens(text: string, split: Split): void {
  if (isAscii(text)) {
    addAsciiTokens(text, split);
    return;
  }
  for (const match of text.matchAll(CHUNK)) {
    const chunk = match[0];
    const pieces = chunk.split(JOINER);
    if (pieces.length > 1) addCompound(split, chunk.toLowerCase());
    for (const piece of pieces) {
      if (piece === '') continue;
      const parts = piece.split(CAMEL_BOUNDARY);
      if (parts.length > 1) addCompound(split, piece.toLowerCase());
      for (const part of parts) {
        if (part === '') continue;
        split.tokens.push(part.toLowerCase());
      }
    }
  }
}

/** The lower-cased parts of a phrase or word, as `tokenize` would split it. */
export function phraseTokens(phrase: string): string[] {
  return tokenize(phrase).tokens;
}

/** Whether every character is ASCII (then `addAsciiTokens` splits it as the regexes would). */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

const UPPER = 1;
const LOWER = 2;
const DIGIT = 3;
const JOIN = 4;

/** The class of an ASCII character for `addAsciiTokens`: 0 for a separator. */
function charClass(code: number): number {
  if (code >= 97 && code <= 122) return LOWER;
  if (code >= 65 && code <= 90) return UPPER;
  if (code >= 48 && code <= 57) return DIGIT;
  if (code === 95 || code === 45) return JOIN;
  return 0;
}

/**
 * `addTokens` for ASCII text in one pass over character codes, without regexes: the same
 * chunks (alphanumeric runs joined by `_` / `-`), pieces and camelCase parts as CHUNK, JOINER
 * and CAMEL_BOUNDARY give (for ASCII, \p{L} is a–z and A–Z, \p{N} is 0–9, no \p{M}).
 */
function addAsciiTokens(text: string, split: Split): void {
  const lower = text.toLowerCase(); // ASCII: same length, same offsets
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && (charClass(text.charCodeAt(i)) === 0 || charClass(text.charCodeAt(i)) === JOIN))
      i++;
    if (i >= n) break;
    // a chunk: alphanumeric runs joined by runs of `_` / `-` that are followed by one
    const start = i;
    let end = i;
    let joined = false;
    for (;;) {
      while (
        end < n &&
        charClass(text.charCodeAt(end)) > 0 &&
        charClass(text.charCodeAt(end)) !== JOIN
      )
        end++;
      let j = end;
      while (j < n && charClass(text.charCodeAt(j)) === JOIN) j++;
      if (j === end || j >= n || charClass(text.charCodeAt(j)) === 0) break;
      joined = true;
      end = j;
    }
    if (joined) addCompound(split, lower.slice(start, end));
    let p = start;
    while (p < end) {
      let q = p;
      while (q < end && charClass(text.charCodeAt(q)) !== JOIN) q++;
      addAsciiPiece(text, lower, p, q, split);
      while (q < end && charClass(text.charCodeAt(q)) === JOIN) q++;
      p = q;
    }
    i = end;
  }
}

/** Where the parts of the current piece start (scratch of `addAsciiPiece`). */
const partStarts: number[] = [];

/** One piece (no joiner) split at camelCase and letter/digit boundaries, as CAMEL_BOUNDARY. */
function addAsciiPiece(
  text: string,
  lower: string,
  start: number,
  end: number,
  split: Split,
): void {
  partStarts.length = 0;
  partStarts.push(start);
  let previous = charClass(text.charCodeAt(start));
  for (let k = start + 1; k < end; k++) {
    const current = charClass(text.charCodeAt(k));
    if (
      (current === UPPER && (previous === LOWER || previous === DIGIT)) ||
      (current === UPPER &&
        previous === UPPER &&
        k + 1 < end &&
        charClass(text.charCodeAt(k + 1)) === LOWER) ||
      (current === DIGIT) !== (previous === DIGIT)
    ) {
      partStarts.push(k);
    }
    previous = current;
  }
  // the whole piece before its parts, as the regex path adds them
  if (partStarts.length > 1) addCompound(split, lower.slice(start, end));
  for (let k = 0; k < partStarts.length; k++) {
    split.tokens.push(lower.slice(partStarts[k]!, partStarts[k + 1] ?? end));
  }
}

/** A phrase's tokens joined as `hasPhrase` looks them up (rules ask the same phrases again and again). */
const phraseKey = memoize((phrase: string): string => {
  const parts = phraseTokens(phrase);
  return parts.length === 1 ? parts[0]! : parts.length === 0 ? '' : ` ${parts.join(' ')} `;
}, 10_000);

/** A phrase's tokens (as `phraseTokens`), kept: rules ask the same phrases again and again. */
const phraseParts = memoize(phraseTokens, 10_000);

/** `hasPhrase` by ids: the parts' words next to each other in one field (one part: a word). */
function hasPhraseIds(ids: TextIds, parts: readonly string[]): boolean {
  if (parts.length === 0) return false;
  const { vocabulary, tokens, fieldEnds } = ids;
  const first = vocabulary.id(parts[0]!);
  if (first === undefined) return false;
  if (parts.length === 1) return ids.words.includes(first);
  const rest: number[] = [];
  for (let p = 1; p < parts.length; p++) {
    const id = vocabulary.id(parts[p]!);
    if (id === undefined) return false;
    rest.push(id);
  }
  let start = 0;
  for (const end of fieldEnds) {
    for (let i = start; i + rest.length < end; i++) {
      if (tokens[i] !== first) continue;
      let k = 0;
      while (k < rest.length && tokens[i + 1 + k] === rest[k]) k++;
      if (k === rest.length) return true;
    }
    start = end;
  }
  return false;
}

/**
 * What analysing a task's fields gives before any set is made: the parts of every field in
 * order, the whole compounds, where fields end, and the identifiers. A TaskText is made from
 * it; a known task keeps it packed (`PackedTexts`), so its TaskText is made again without
 * tokenizing, stemming or regexes.
 */
export interface Analysis {
  /** Every field's parts, lower-cased, in order (title, description, keywords). */
  readonly tokens: readonly string[];
  /** The whole compounds (`user_preferences`), in order met... */
  readonly compounds: readonly string[];
  /** ...each with the number of parts before it (it comes before its first part). */
  readonly compoundAt: ArrayLike<number>;
  /** Where each field's tokens end (fields without tokens left out). */
  readonly fieldEnds: ArrayLike<number>;
  /** The title's tokens are `tokens[0, titleEnd)`. */
  readonly titleEnd: number;
  /** The identifiers of all fields, each once, in order met. */
  readonly identifiers: readonly string[];
  /** `termOf` of each token, when known already (a packed analysis keeps it per word). */
  readonly tokenTerms?: readonly (string | undefined)[];
}

/** Splits title, description and keywords (each a field: a phrase never spans two). */
export function analyse(task: TaskContext): Analysis {
  const split = emptySplit();
  const fieldEnds: number[] = [];
  const identifiers = new Set<string>();
  let titleEnd = 0;
  let title = true;
  for (const field of [task.title, task.description, ...(task.keywords ?? [])]) {
    if (typeof field !== 'string' || field === '') {
      title = false;
      continue;
    }
    const start = split.tokens.length;
    addTokens(field, split);
    addIdentifiersOf(field, identifiers);
    if (split.tokens.length > start) fieldEnds.push(split.tokens.length);
    if (title) titleEnd = split.tokens.length;
    title = false;
  }
  // the fields named, not `...split`: V8 copies a spread with more fields on a slow path (this
  // line was 40 % of the analysis)
  const { tokens, compounds, compoundAt } = split;
  return { tokens, compounds, compoundAt, fieldEnds, titleEnd, identifiers: [...identifiers] };
}

/**
 * A TaskText whose sets are made when first read: from its analysis, or from where the analysis
 * is packed (a known task's: rules that read its ids, `textIds`, never make them).
 */
class TokenizedTaskText implements TaskText {
  readonly task: TaskContext;
  #repository: string | undefined;
  #analysis: Analysis | undefined;
  /** Where the analysis is packed, and the epoch in which the handle is this text's. */
  #source: PackedSource | undefined;
  #handle = 0;
  #epoch = 0;
  #words: Set<string> | undefined;
  #terms: Set<string> | undefined;
  #titleTerms: Set<string> | undefined;
  #titlePhrases: Set<string> | undefined;
  #identifiers: Set<string> | undefined;
  /** The stem of every word, stop words included (for `hasTerm`; made when first asked). */
  #stems: Set<string> | undefined;
  /**
   * Tokens joined by spaces, fields separated by FIELD_BREAK, for phrase look-ups (made when a
   * phrase is first looked up whose first word the text has).
   */
  #joined: string | undefined;

  constructor(task: TaskContext, analysis: Analysis | undefined, repository?: string) {
    this.task = task;
    this.#analysis = analysis;
    this.#repository = repository;
  }

  get repository(): string {
    this.#repository ??= repositoryOf(this.task);
    return this.#repository;
  }

  /** The text packed in `source` under `handle` (now: the handle is valid in this epoch). */
  pack(source: PackedSource, handle: number): void {
    if (this.#source === source && this.#handle === handle && this.#epoch === source.epoch) return;
    this.#source = source;
    this.#handle = handle;
    this.#epoch = source.epoch;
  }

  /** The packed text's ids, while its handle is valid (the source keeps a registration's). */
  ids(): TextIds | undefined {
    const source = this.#source;
    if (source === undefined || source.epoch !== this.#epoch) return undefined;
    return source.ids(this.#handle);
  }

  #analysed(): Analysis {
    if (this.#analysis === undefined) {
      const source = this.#source;
      this.#analysis =
        source !== undefined && source.epoch === this.#epoch
          ? source.unpack(this.#handle)
          : analyse(this.task);
    }
    return this.#analysis;
  }

  get tokens(): readonly string[] {
    return this.#analysed().tokens;
  }

  get words(): ReadonlySet<string> {
    if (this.#words === undefined) {
      const ids = this.ids();
      this.#words = ids === undefined ? wordsOf(this.#analysed()) : new Set(wordsOfIds(ids));
    }
    return this.#words;
  }

  get terms(): ReadonlySet<string> {
    if (this.#terms === undefined) this.#makeTerms();
    return this.#terms!;
  }

  get titleTerms(): ReadonlySet<string> {
    if (this.#titleTerms === undefined) this.#makeTerms();
    return this.#titleTerms!;
  }

  get titlePhrases(): ReadonlySet<string> {
    if (this.#titlePhrases === undefined) this.#makeTerms();
    return this.#titlePhrases!;
  }

  get identifiers(): ReadonlySet<string> {
    this.#identifiers ??= new Set(this.#analysed().identifiers);
    return this.#identifiers;
  }

  /** Terms, title terms and title phrases, in one pass over the tokens (or from the ids). */
  #makeTerms(): void {
    const ids = this.ids();
    if (ids !== undefined) {
      // the packed text's terms are its vocabulary's: no word is stemmed or looked up again
      const { vocabulary, terms, titleTermCount, titlePhrases } = ids;
      this.#terms = new Set();
      this.#titleTerms = new Set();
      for (let i = 0; i < terms.length; i++) {
        const term = vocabulary.word(terms[i]!);
        this.#terms.add(term);
        if (i < titleTermCount) this.#titleTerms.add(term);
      }
      this.#titlePhrases = new Set();
      for (let i = 0; i < titlePhrases.length; i += 2) {
        this.#titlePhrases.add(
          `${vocabulary.word(titlePhrases[i]!)} ${vocabulary.word(titlePhrases[i + 1]!)}`,
        );
      }
      return;
    }
    const { tokens, fieldEnds, titleEnd, tokenTerms } = this.#analysed();
    const terms = new Set<string>();
    const titleTerms = new Set<string>();
    const titlePhrases = new Set<string>();
    let start = 0;
    for (let f = 0; f < fieldEnds.length; f++) {
      const end = fieldEnds[f]!;
      const title = end <= titleEnd;
      let previous: string | undefined;
      for (let i = start; i < end; i++) {
        const term = tokenTerms === undefined ? termOf(tokens[i]!) : tokenTerms[i];
        if (term !== undefined) {
          terms.add(term);
          if (title) titleTerms.add(term);
          if (title && previous !== undefined && previous !== term) {
            titlePhrases.add(`${previous} ${term}`);
          }
        }
        previous = term;
      }
      start = end;
    }
    this.#terms = terms;
    this.#titleTerms = titleTerms;
    this.#titlePhrases = titlePhrases;
  }

  has(word: string): boolean {
    return word !== '' && this.words.has(word.toLowerCase());
  }

  hasTerm(word: string): boolean {
    if (word === '') return false;
    this.#stems ??= new Set(this.tokens.map(stem));
    return this.#stems.has(stem(word));
  }

  find(words: Iterable<string>): string | undefined {
    for (const word of words) {
      if (this.has(word)) return word;
    }
    return undefined;
  }

  hasPhrase(phrase: string): boolean {
    // a candidate's text answers from its ids, without making its words
    if (this.#analysis === undefined) {
      const ids = this.ids();
      if (ids !== undefined) return hasPhraseIds(ids, phraseParts(phrase));
    }
    const key = phraseKey(phrase);
    if (key === '') return false;
    // several tokens are kept with a space before and after
    if (key.charCodeAt(0) !== 32) return this.words.has(key);
    // most texts lack the first word: a set look-up, not a scan of the text
    return this.words.has(key.slice(1, key.indexOf(' ', 1))) && this.#joinedTokens().includes(key);
  }

  #joinedTokens(): string {
    if (this.#joined === undefined) {
      const { tokens, fieldEnds } = this.#analysed();
      const fields: string[] = [];
      let start = 0;
      for (let f = 0; f < fieldEnds.length; f++) {
        const end = fieldEnds[f]!;
        fields.push(tokens.slice(start, end).join(' '));
        start = end;
      }
      this.#joined = ` ${fields.join(` ${FIELD_BREAK} `)} `;
    }
    return this.#joined;
  }

  hasPrefix(prefix: string): boolean {
    const p = prefix.toLowerCase();
    if (p === '') return false;
    // A scan of a few dozen words: rules ask a handful of prefixes per text, so sorting the
    // words for a binary search costs more than it saves.
    for (const word of this.words) if (word.startsWith(p)) return true;
    return false;
  }
}

/** The words of `ids`, in order. */
function wordsOfIds(ids: TextIds): string[] {
  const { vocabulary, words } = ids;
  const strings = new Array<string>(words.length);
  for (let i = 0; i < words.length; i++) strings[i] = vocabulary.word(words[i]!);
  return strings;
}

/**
 * The ids of a known task's text as the detector hands it to rules during a registration (see
 * `TextIds`), or undefined for any other text (`taskText`'s, `explain`'s, a released task's):
 * a rule then reads its sets. Two texts' ids can be compared when they have the same
 * `vocabulary`.
 */
export function textIds(text: TaskText): TextIds | undefined {
  return text instanceof TokenizedTaskText ? text.ids() : undefined;
}

/** Tells a text of `taskText` (or `packedText`) where its analysis is packed now. */
export function setPacked(text: TaskText, source: PackedSource, handle: number): void {
  if (text instanceof TokenizedTaskText) text.pack(source, handle);
}

/**
 * The text of a known task whose analysis is packed under `handle`: nothing is made until read.
 * `repository` is the task's, normalized (the known task keeps it: a candidate's task, most
 * often out of the CPU cache, is not read for it).
 */
export function packedText(
  task: TaskContext,
  source: PackedSource,
  handle: number,
  repository: string,
): TaskText {
  const text = new TokenizedTaskText(task, undefined, repository);
  text.pack(source, handle);
  return text;
}

/**
 * The words of a task (title, description and keywords), split once, so rules match words and
 * phrases, never substrings: "api" is not in "rapid", "auth" is not in "author".
 */
export function taskText(task: TaskContext, analysis: Analysis = analyse(task)): TaskText {
  return new TokenizedTaskText(task, analysis);
}

/** `TaskText.repository` of a task (empty when it names none). */
function repositoryOf(task: TaskContext): string {
  return typeof task.repository === 'string' ? normalizeRepository(task.repository) : '';
}

let textCounter = 0;

/**
 * A TaskContext made from bare text (for `chorale rules test "<text1>" "<text2>"` and for
 * tests): the text is the title; each call gets its own repository (`text/1`, `text/2`, ...)
 * and task id unless `overrides` says otherwise.
 */
export function taskFromText(text: string, overrides: Partial<TaskContext> = {}): TaskContext {
  textCounter += 1;
  return {
    taskId: textCounter,
    projectId: 0,
    repository: `text/${textCounter}`,
    title: text,
    description: '',
    keywords: [],
    agentId: 'cli',
    ...overrides,
  };
}
