import type { TaskContext } from '@chorale/core';
import { memoize } from './memo.js';

/** The relationship of the built-in check: one task names the other. */
export const EXPLICIT_REFERENCE = 'Explicit_Reference';
/** An explicit reference is the strongest signal there is. */
export const EXPLICIT_REFERENCE_CONFIDENCE = 1;
/**
 * A proposal named by series and number (`IPIP-412`) that matches a task by its title and
 * number: explicit, but inferred, so a little below a reference that names the task itself.
 */
export const PROPOSAL_REFERENCE_CONFIDENCE = 0.95;

export interface Reference {
  /** `org/repo` (or `repo` for `repo#123`), lower-case; empty for a proposal. */
  repository: string;
  /** The issue or pull request number, as written (a proposal's without leading zeros). */
  id: string;
  /**
   * For a proposal named by series and number (`IPIP-412`, `KEP-1287`, `PEP 8`, `RFC 9110`):
   * the series, lower-case (`ipip`). It names a task whose number is `id` and whose title
   * names the series (see `proposalNames`).
   */
  proposal?: string;
  /** The reference as written (`acme/api#12`, a URL). */
  text: string;
  /** Whether a dependency phrase comes right before it ("depends on", "blocked by", "after"). */
  dependency: boolean;
}

const NAME = '[\\p{L}\\p{N}_.-]+';
/** A path segment of a URL: a name, but not GitLab's `-` separator. */
const SEGMENT = `(?!-/)${NAME}`;
/** `org/repo#123` or `repo#123`, not inside a longer word or path. */
const SHORT_REF = new RegExp(
  `(?<![\\p{L}\\p{N}_./#-])((?:${NAME}/)?${NAME})#(\\d+)(?![\\p{L}\\p{N}_])`,
  'gu',
);
/**
 * Issue and pull-request URLs: GitHub `<host>/org/repo/issues/123` and `/pull/123`, GitLab
 * `<host>/group/sub/repo/-/issues/123` and `/-/merge_requests/123`. The repository is the last
 * two path segments before the kind.
 */
const URL_REF = new RegExp(
  `\\/\\/[^\\s/]+\\/((?:${SEGMENT}\\/)*${SEGMENT}\\/${SEGMENT})(?:\\/-)?\\/(?:issues|pull|pulls|merge_requests)\\/(\\d+)(?![\\p{L}\\p{N}_])`,
  'gu',
);
/**
 * Words that, right before a reference, say the reference must be done first: "depends on",
 * "blocked by", "requires", "needs", "after", "follow-up of/to", "builds on", "waiting for".
 */
const DEPENDENCY_PHRASE =
  /(?:depends?\s+on|dependent\s+on|depending\s+on|blocked\s+(?:by|on)|requires|needs|after|follow[\s-]?ups?\s+(?:of|to|for|on)|builds?\s+on|waiting\s+(?:for|on)|waits\s+(?:for|on)|prerequisite:?)\s*(?:the\s+)?(?:(?:pr|issue|pull\s+request|change)\s+)?[:(]?\s*$/iu;

/**
 * A proposal named by series and number: an upper-case word of 2 to 8 letters, then `-`, a
 * space or ` #`, then the number (`IPIP-412`, `KEP-1287`, `PEP 8`, `OTEP 227`, `RFC 9110`,
 * `ADR-0012`). Not inside a longer word or path, and not a version (`HTTP 1.1`, `SDK 2.0`).
 */
const PROPOSAL_REF =
  /(?<![\p{L}\p{N}_./#-])(\p{Lu}{2,8})(?:-| #?)(\d{1,6})(?![\p{L}\p{N}_]|[.,]\d)/gu;
/**
 * A title that starts with a series word, as proposals are titled: `IPIP: Signaling …`,
 * `[RFC] …`, `RFC - …`, `KEP/…`.
 */
const PROPOSAL_TITLE = /^\s*\[?(\p{Lu}{2,8})(?:\]|\s*:|\s+-\s|\/)/u;

/** Every explicit reference to an issue, pull request or numbered proposal in a text. */
export function findReferences(text: string): Reference[] {
  const found: Reference[] = [];
  // most texts cite nothing: a reference has a `#`, a URL a `//`, and a Unicode regex with a
  // look-behind tried at every position costs a microsecond or more per text
  const patterns: RegExp[] = [];
  if (text.includes('#')) patterns.push(SHORT_REF);
  if (text.includes('//')) patterns.push(URL_REF);
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      found.push({
        repository: normalizeRepository(match[1]!),
        id: match[2]!,
        text: match[0].startsWith('//') ? `https:${match[0]}` : match[0],
        dependency: dependencyBefore(text, match.index),
      });
    }
  }
  for (const match of text.matchAll(PROPOSAL_REF)) {
    found.push({
      repository: '',
      id: String(Number(match[2]!)),
      text: match[0],
      dependency: dependencyBefore(text, match.index),
      proposal: match[1]!.toLowerCase(),
    });
  }
  return found;
}

function dependencyBefore(text: string, index: number): boolean {
  return DEPENDENCY_PHRASE.test(text.slice(Math.max(0, index - 40), index));
}

/** The number of a task (`412`, or `org/repo#412`), without leading zeros; undefined if none. */
function taskNumber(task: TaskContext): string | undefined {
  const match = /(?:^|#)0*(\d{1,9})$/.exec(String(task.taskId).trim());
  return match ? String(Number(match[1]!)) : undefined;
}

/**
 * The proposals a task is, as `series-number` (`ipip-412`): its title starts with a series word
 * (`IPIP: Signaling Block Order…`, task 412) or names the series with the task's own number
 * (`KEP-1287: In-place update`, task 1287). A title that names another number only cites it.
 */
export function proposalNames(task: TaskContext): string[] {
  const number = taskNumber(task);
  if (number === undefined || typeof task.title !== 'string') return [];
  const names = new Set<string>();
  const leading = PROPOSAL_TITLE.exec(task.title);
  if (leading) names.add(`${leading[1]!.toLowerCase()}-${number}`);
  // a title naming the task's own number has its digits (no regex scan of most titles)
  if (task.title.includes(number)) {
    for (const match of task.title.matchAll(PROPOSAL_REF)) {
      if (String(Number(match[2]!)) === number) names.add(`${match[1]!.toLowerCase()}-${number}`);
    }
  }
  return [...names];
}

/** The `series-number` a proposal reference names (`ipip-412`); undefined for other references. */
export function proposalName(ref: Reference): string | undefined {
  return ref.proposal === undefined ? undefined : `${ref.proposal}-${ref.id}`;
}

/**
 * A repository name reduced to `org/repo` (or `repo` when it has no owner), lower-case:
 * URLs lose their scheme and host, `.git` and trailing slashes go. Kept per name: a
 * registration normalizes its repository, and a few hundred repositories have thousands of
 * tasks each, which then share one string.
 */
export function normalizeRepository(repository: string): string {
  return normalized(repository);
}

function normalize(repository: string): string {
  let r = repository.trim().toLowerCase();
  const scheme = r.indexOf('://');
  if (scheme >= 0) {
    r = r.slice(scheme + 3);
    const slash = r.indexOf('/');
    r = slash >= 0 ? r.slice(slash + 1) : '';
  } else if (/^[^/]+@[^/:]+:/.test(r)) {
    // git@host:org/repo
    r = r.slice(r.indexOf(':') + 1);
  }
  r = r.replace(/\/+$/, '').replace(/\.git$/, '');
  const parts = r.split('/').filter((p) => p !== '');
  return parts.slice(-2).join('/');
}

const normalized = memoize(normalize, 10_000);

function textOf(task: TaskContext): string {
  return [task.title, task.description, ...(task.keywords ?? [])]
    .filter((s) => typeof s === 'string')
    .join('\n');
}

/** The explicit references in a task's title, description and keywords. */
export function referencesOf(task: TaskContext): Reference[] {
  return findReferences(textOf(task));
}

/**
 * Whether a reference names this task: the same number, and the same repository (a reference
 * `repo#12` or a task repository without an owner compares the repository names only). A task
 * id written `org/repo#12` is compared whole. A proposal reference names a task that has it
 * among its `proposalNames` (`names`, computed once, when first needed).
 */
function refersTo(ref: Reference, task: TaskContext, names: () => readonly string[]): boolean {
  if (ref.proposal !== undefined) return names().includes(proposalName(ref)!);
  const id = String(task.taskId).toLowerCase();
  if (id === `${ref.repository}#${ref.id}`) return true;
  if (id.includes('#') && id.endsWith(`/${ref.repository}#${ref.id}`)) return true;
  if (id !== ref.id) return false;
  const repo = normalizeRepository(task.repository);
  if (repo === '') return false;
  if (repo === ref.repository) return true;
  if (!ref.repository.includes('/')) return repo.split('/').pop() === ref.repository;
  return !repo.includes('/') && ref.repository.endsWith(`/${repo}`);
}

export interface CrossReferenceMatch {
  reason: string;
  confidence: number;
  /**
   * The referenced task goes first (a task that cites another builds on it, and "depends on",
   * "blocked by", "after" say so); absent when each cites the other without such a phrase.
   */
  first?: 'a' | 'b';
  /** The references as written, the citing task's first. */
  references: string[];
  /** What was seen, e.g. `acme/web#7 says "depends on" acme/api#12`. */
  signals: string[];
}

function label(task: TaskContext): string {
  const id = String(task.taskId);
  return id.includes('#') ? id : `${normalizeRepository(task.repository)}#${id}`;
}

/**
 * The built-in check: one task's text names the other task by `org/repo#id`, `repo#id` or an
 * issue or pull-request URL (confidence 1), or names the proposal the other task is
 * (`IPIP-412` for task 412 titled `IPIP: …`; confidence 0.95). `refsA`/`refsB` are the tasks'
 * references when already known (the detector keeps them).
 */
export function crossReference(
  a: TaskContext,
  b: TaskContext,
  refsA: readonly Reference[] = referencesOf(a),
  refsB: readonly Reference[] = referencesOf(b),
): CrossReferenceMatch | null {
  // most pairs: neither task cites anything
  if (refsA.length === 0 && refsB.length === 0) return null;
  const namesOfA = lazy(() => proposalNames(a));
  const namesOfB = lazy(() => proposalNames(b));
  const aCitesB = refsA.filter((ref) => refersTo(ref, b, namesOfB));
  const bCitesA = refsB.filter((ref) => refersTo(ref, a, namesOfA));
  if (aCitesB.length === 0 && bCitesA.length === 0) return null;
  const signals: string[] = [];
  for (const [citing, cited, refs] of [
    [a, b, aCitesB],
    [b, a, bCitesA],
  ] as const) {
    if (refs.length === 0) continue;
    const phrase = refs.some((r) => r.dependency) ? ' with a dependency phrase' : '';
    const proposals = refs.filter((r) => r.proposal !== undefined).map((r) => r.text);
    const named =
      proposals.length === refs.length
        ? ` (names proposal ${[...new Set(proposals)].join(', ')}, which ${label(cited)} is)`
        : '';
    signals.push(`${label(citing)} references ${label(cited)}${phrase}${named}`);
  }
  const aDepends = aCitesB.some((r) => r.dependency);
  const bDepends = bCitesA.some((r) => r.dependency);
  let first: 'a' | 'b' | undefined;
  if (aDepends !== bDepends) first = aDepends ? 'b' : 'a';
  else if (aCitesB.length > 0 && bCitesA.length === 0) first = 'b';
  else if (bCitesA.length > 0 && aCitesB.length === 0) first = 'a';
  const match: CrossReferenceMatch = {
    reason:
      aCitesB.length > 0 && bCitesA.length > 0
        ? `${label(a)} and ${label(b)} reference each other`
        : aCitesB.length > 0
          ? `${label(a)} references ${label(b)}`
          : `${label(b)} references ${label(a)}`,
    confidence: [...aCitesB, ...bCitesA].some((r) => r.proposal === undefined)
      ? EXPLICIT_REFERENCE_CONFIDENCE
      : PROPOSAL_REFERENCE_CONFIDENCE,
    references: [...new Set([...aCitesB, ...bCitesA].map((r) => r.text))],
    signals,
  };
  if (first) match.first = first;
  return match;
}

/** A function that computes its value once, when first called. */
function lazy<T>(compute: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value as T;
  };
}
