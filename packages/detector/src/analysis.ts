import { memoize } from './memo.js';

/**
 * Text analysis for matching tasks: a light English stemmer, a stop-word list (English function
 * words, the verbs of every task title, issue-template boilerplate) and identifier extraction.
 * Rules compare *terms* (stems of the words that can name a subject) and *identifiers* (code
 * names kept whole), never raw substrings.
 */

/**
 * Words that say nothing about *what* a task touches: English function words; the verbs of
 * every task title (add, fix, update, implement, support); words of issue and pull-request
 * templates ("What is the current behavior?", "Does this PR introduce a breaking change?",
 * "Steps to reproduce"), conventional-commit types (`feat(gateway):`, `chore:`) and the parts of
 * URLs. Two tasks sharing only these share no subject.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before
being below between both but by can cannot could did do does doing done down during each either else
etc few for from further had has have having he her here hers him his how i if in into is it
its itself just let like may me might more most must my no nor not now of off on once only or
other our ours out over own per same she should so some such than that the their theirs them
then there these they this those through to too under until up upon us very via was we were
what when where which while who whom why will with within without would yes yet you your
add adds added adding update updates updated updating fix fixes fixed fixing implement
implements implemented implementing implementation create creates created creating make makes
making made remove removes removed removing change changes changed changing use uses used using
support supports supported supporting allow allows allowed need needs needed want get gets set
sets new old current currently existing first second next last one two three
issue issues bug bugs pr prs pull request requests feature features task tasks todo wip draft
test tests testing tested docs doc documentation readme example examples description
behavior behaviour expected actual result results version versions release releases
type types kind work works working run runs running build builds code file files line lines
please thanks thank see note notes related problem problems solution question
value values thing things way case cases part parts end start well much many really still
true false null none
introduce introduces breaking checklist checked describe described summary details detail
context additional motivation reproduce steps step screenshot screenshots proposed
info information following follow able possible think maybe seems seem already instead even
e.g i.e eg ie cc fyi lgtm ptal nit closes close closed resolves resolve resolved
http https www com org io html md github gitlab
feat chore refactor ci style revert wip`.split(/\s+/),
);

/**
 * Abbreviations written as often as the word itself, mapped to the word's stem (so `config`
 * and `configuration` are one term): a short, fixed list of software usage.
 */
const ABBREVIATIONS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    config: 'configur',
    configs: 'configur',
    cfg: 'configur',
    impl: 'implement',
    impls: 'implement',
    spec: 'specif',
    specs: 'specif',
    env: 'environ',
    envs: 'environ',
    param: 'parameter',
    params: 'parameter',
    repo: 'repositor',
    repos: 'repositor',
    docs: 'document',
    doc: 'document',
    deps: 'depend',
    dep: 'depend',
    perf: 'perform',
    auth: 'auth',
  }),
);

const VOWEL = /[aeiouy]/;
const DOUBLE_CONSONANT = /([b-df-hj-kmnp-rt-xz])\1$/;

/** Derivational suffixes, longest first, with the shortest stem each may leave. */
const DERIVATIONAL: readonly [suffix: string, minStem: number][] = [
  ['ization', 3],
  ['isation', 3],
  ['ication', 3],
  ['ation', 3],
  ['ition', 3],
  ['ator', 3],
  ['ment', 6],
  ['able', 4],
  ['ible', 4],
  ['ate', 3],
  ['ify', 3],
];

/**
 * A light suffix stripper (a small subset of Porter's steps) so the forms of one word meet:
 * implement, implements, implemented, implementing, implementation → `implement`;
 * migrate, migrated, migrating, migration, migrations → `migr`; configure, configured,
 * configuration, configurator, configurable, config → `configur`; policy, policies → `polici`.
 *
 * 1. plurals: `-ies` → `-y`, `-sses` → `-ss`, `-xes`/`-ches`/`-shes`/`-zes` → drop `es`, `-s`
 *    (not `-ss`, `-us`, `-is`) → drop it;
 * 2. `-ied` → `-y`; `-ing` and `-ed` when a vowel and three letters remain, then a doubled
 *    final consonant is undoubled (running → run) and `-at`/`-bl`/`-iz` get their `e` back;
 * 3. one derivational suffix: `-ization`, `-ication`, `-ation`, `-ition`, `-ator`, `-ment`
 *    (when six letters remain: deployment → deploy, but implement stays), `-able`/`-ible`,
 *    `-ate`, `-ify`; `-ion` after `s` or `t` (selection → select);
 * 4. a final `e` goes (enable → enabl, like enabled);
 * 5. `y` → `i` at the end after a consonant (policy, policies → polici; deploy stays).
 *
 * Words of three letters or fewer, and words with anything but a–z, are returned as they are.
 * Known abbreviations (`config`, `spec`, `impl`, `docs`, ...) map to their word's stem.
 */
export function stem(input: string): string {
  return stems(input);
}

/** How many recent words' stems and terms are kept (task texts repeat their words). */
const WORD_CACHE_SIZE = 50_000;
const stems = memoize(stemUncached, WORD_CACHE_SIZE);

function stemUncached(input: string): string {
  let w = input.toLowerCase();
  const abbreviation = ABBREVIATIONS.get(w);
  if (abbreviation !== undefined) return abbreviation;
  if (w.length <= 3 || !/^[a-z]+$/.test(w)) return w;

  // 1. plurals
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(?:x|ch|sh|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);

  // 2. -ied, -ing, -ed
  if (w.endsWith('ied') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else {
    for (const suffix of ['ing', 'ed']) {
      if (!w.endsWith(suffix) || w.endsWith('eed')) continue;
      const rest = w.slice(0, -suffix.length);
      if (rest.length < 3 || !VOWEL.test(rest)) continue;
      w = rest;
      if (DOUBLE_CONSONANT.test(w)) w = w.slice(0, -1);
      else if (/(?:at|bl|iz)$/.test(w)) w = `${w}e`;
      break;
    }
  }

  // 3. one derivational suffix
  let stripped = false;
  for (const [suffix, minStem] of DERIVATIONAL) {
    if (w.endsWith(suffix) && w.length - suffix.length >= minStem) {
      w = w.slice(0, -suffix.length);
      if (suffix === 'ify') w = `${w}if`;
      stripped = true;
      break;
    }
  }
  if (!stripped && /[st]ion$/.test(w) && w.length - 3 >= 4) w = w.slice(0, -3);

  // 4. final e; 5. final y
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  if (/[^aeiou]y$/.test(w) && w.length > 3) w = `${w.slice(0, -1)}i`;
  return w;
}

const STOP_STEMS: ReadonlySet<string> = new Set(
  [...STOP_WORDS].filter((w) => !ABBREVIATIONS.has(w)).map(stem),
);

/** Whether a (lower-cased) word is a stop word, as written or by its stem. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word) || STOP_STEMS.has(stem(word));
}

/**
 * Whether a lower-cased word can name a subject: not a stop word, three characters or more
 * (two-letter words are mostly abbreviations of many things: `ms`, `vs`, `go`), not a bare
 * number.
 */
export function isSubjectWord(word: string): boolean {
  return word.length >= 3 && !/^\p{N}+$/u.test(word) && !isStopWord(word);
}

/**
 * The term of a subject word (its stem), or undefined for a word that cannot name a subject.
 * This is what `TaskText.terms` holds and what `TaskText.hasTerm` looks up.
 */
export function termOf(word: string): string | undefined {
  const term = terms(word);
  return term === NO_TERM ? undefined : term;
}

/** The term of a word, NO_TERM for a word that is none. */
const NO_TERM = '';
const terms = memoize((word) => termOfUncached(word) ?? NO_TERM, WORD_CACHE_SIZE);

function termOfUncached(word: string): string | undefined {
  const lower = word.toLowerCase();
  if (!isSubjectWord(lower)) return undefined;
  const term = stem(lower);
  return term.length >= 2 && !STOP_STEMS.has(term) ? term : undefined;
}

/**
 * Code names written as one word: camelCase or PascalCase with two parts or more (`AddLink`,
 * `WebTransport`, `base2ExponentialHistogram`), snake_case and SCREAMING_CASE (`add_link`,
 * `OTEL_SDK_DISABLED`), kebab-case with a number (`IPIP-402`, `RFC-9110`), and qualified
 * members (`Span.AddLink`, `Logger#enabled`, `std::vector`; a code-like member is kept alone too).
 * Hyphenated English (`user-facing`, `low-memory`) is not an identifier.
 */
const IDENTIFIER =
  /(?<![\p{L}\p{N}_])[\p{L}_][\p{L}\p{N}_]*(?:-[\p{L}\p{N}_]+)*(?:(?:\.|#|::)[\p{L}_][\p{L}\p{N}_]*(?:\(\))?)*/gu;
const CAMEL = /\p{Ll}[\p{N}]*\p{Lu}|\p{Lu}{2,}\p{Ll}/u;
const QUALIFIER = /\.|#|::/u;

/** Whether one word (no dots) is written as code. */
function codeWord(word: string): boolean {
  if (word.includes('_')) return /[\p{L}\p{N}]_+[\p{L}\p{N}]/u.test(word);
  if (word.includes('-')) return /-\p{N}/u.test(word) || /\p{N}-/u.test(word);
  return CAMEL.test(word);
}

/**
 * The lower-cased identifiers of a text. Each identifier is kept as written (`add_link`,
 * `ipip-402`, `span.addlink`) and without its separators (`addlink`, `ipip402`), so one name
 * written in two languages' styles (Go `AddLink`, Python `add_link`) is one identifier; a
 * qualified name is kept with `.` between its parts (`Logger#enabled` → `logger.enabled`) and a
 * code-like member alone as well (`Span.AddLink` → `span.addlink`, `addlink`).
 */
export function identifiersOf(text: string): Set<string> {
  return addIdentifiersOf(text, new Set<string>());
}

/** Adds `identifiersOf(text)` to `found`, in the same order; returns it. */
export function addIdentifiersOf(text: string, found: Set<string>): Set<string> {
  if (isAscii(text)) {
    addAsciiIdentifiers(text, found);
    return found;
  }
  // most words are plain: only pieces with a separator or an inner capital are looked into
  for (const piece of text.split(/\s+/u)) {
    if (MAYBE_CODE.test(withoutFinalStops(piece))) addIdentifiers(piece, found);
  }
  return found;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** ASCII white space, what `\s` matches below 0x80: tab, line feed, vertical tab, form feed, carriage return, space. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

const isLower = (code: number) => code >= 97 && code <= 122;
const isUpper = (code: number) => code >= 65 && code <= 90;
const isDigit = (code: number) => code >= 48 && code <= 57;

/**
 * `identifiersOf` for ASCII text without splitting it or testing each piece with a regex: the
 * same pieces (runs between white space) are looked into, when MAYBE_CODE would match the
 * piece without its final stops (a separator `_ # . : -`, a lower-case letter then digits then
 * a capital, or two capitals then a lower-case letter).
 */
function addAsciiIdentifiers(text: string, found: Set<string>): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSpace(text.charCodeAt(i))) i++;
    let end = i;
    while (end > start && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 58)) {
      end--;
    }
    if (asciiMaybeCode(text, start, end)) addIdentifiers(text.slice(start, i), found);
  }
}

function asciiMaybeCode(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const code = text.charCodeAt(k);
    if (code === 95 || code === 35 || code === 46 || code === 58 || code === 45) return true;
    if (isLower(code)) {
      let j = k + 1;
      while (j < end && isDigit(text.charCodeAt(j))) j++;
      if (j < end && isUpper(text.charCodeAt(j))) return true;
    } else if (
      isUpper(code) &&
      k + 2 < end &&
      isUpper(text.charCodeAt(k + 1)) &&
      isLower(text.charCodeAt(k + 2))
    ) {
      return true;
    }
  }
  return false;
}

/**
 * A piece without the `.` and `:` it ends with (`session.`, `note:`): a separator at the end is
 * followed by no name, so it makes no identifier, and a sentence's last word need not be looked
 * into (its identifiers are those of the word, which MAYBE_CODE still sees).
 */
function withoutFinalStops(piece: string): string {
  let end = piece.length;
  while (end > 0 && (piece.charCodeAt(end - 1) === 46 || piece.charCodeAt(end - 1) === 58)) end--;
  return end === piece.length ? piece : piece.slice(0, end);
}

const MAYBE_CODE = /[_#.:-]|\p{Ll}\p{N}*\p{Lu}|\p{Lu}{2}\p{Ll}/u;

function addIdentifiers(text: string, found: Set<string>): void {
  for (const match of text.matchAll(IDENTIFIER)) {
    const raw = match[0].replace(/\(\)/gu, '');
    const parts = raw.split(QUALIFIER).filter((p) => p !== '');
    if (parts.length > 1 && parts.every((p) => p.length >= 2)) {
      // `e.g`, `file.md` and `github.com` are not code: a qualified name needs a code-like
      // part, a capital after the dot, or `#` / `::`
      if (parts.some(codeWord) || /\.\p{Lu}/u.test(raw) || /#|::/u.test(raw)) {
        addIdentifier(found, parts.join('.'));
      }
    }
    for (const part of parts) if (codeWord(part)) addIdentifier(found, part);
  }
}

function addIdentifier(found: Set<string>, identifier: string): void {
  const lower = identifier.toLowerCase();
  found.add(lower);
  const joined = lower.replace(/[_-]+/gu, '');
  if (joined !== lower && joined !== '') found.add(joined);
}
