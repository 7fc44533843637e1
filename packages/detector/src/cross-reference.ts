import type { TaskContext } from '@chorale/core';

/** The relationship of the built-in check: one task names the other. */
export const EXPLICIT_REFERENCE = 'Explicit_Reference';
/** An explicit reference is the strongest signal there is. */
export const EXPLICIT_REFERENCE_CONFIDENCE = 1;
/** @deprecated the built-in check is now reported as `Explicit_Reference`; use EXPLICIT_REFERENCE. */
export const CROSS_REFERENCE = EXPLICIT_REFERENCE;
/** @deprecated use EXPLICIT_REFERENCE_CONFIDENCE. */
export const CROSS_REFERENCE_CONFIDENCE = EXPLICIT_REFERENCE_CONFIDENCE;

export interface Reference {
  /** `org/repo` (or `repo` for `repo#123`), lower-case. */
  repository: string;
  /** The issue or pull request number, as written. */
  id: string;
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

/** Every explicit reference to an issue or pull request in a text. */
export function findReferences(text: string): Reference[] {
  const found: Reference[] = [];
  for (const pattern of [SHORT_REF, URL_REF]) {
    for (const match of text.matchAll(pattern)) {
      const before = text.slice(Math.max(0, match.index - 40), match.index);
      found.push({
        repository: normalizeRepository(match[1]!),
        id: match[2]!,
        text: match[0].startsWith('//') ? `https:${match[0]}` : match[0],
        dependency: DEPENDENCY_PHRASE.test(before),
      });
    }
  }
  return found;
}

/**
 * A repository name reduced to `org/repo` (or `repo` when it has no owner), lower-case:
 * URLs lose their scheme and host, `.git` and trailing slashes go.
 */
export function normalizeRepository(repository: string): string {
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
 * id written `org/repo#12` is compared whole.
 */
function refersTo(ref: Reference, task: TaskContext): boolean {
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
 * issue or pull-request URL. `refsA`/`refsB` are the tasks' references when already known (the
 * detector keeps them). Confidence 1.
 */
export function crossReference(
  a: TaskContext,
  b: TaskContext,
  refsA: readonly Reference[] = referencesOf(a),
  refsB: readonly Reference[] = referencesOf(b),
): CrossReferenceMatch | null {
  const aCitesB = refsA.filter((ref) => refersTo(ref, b));
  const bCitesA = refsB.filter((ref) => refersTo(ref, a));
  if (aCitesB.length === 0 && bCitesA.length === 0) return null;
  const signals: string[] = [];
  for (const [citing, cited, refs] of [
    [a, b, aCitesB],
    [b, a, bCitesA],
  ] as const) {
    if (refs.length === 0) continue;
    const phrase = refs.some((r) => r.dependency) ? ' with a dependency phrase' : '';
    signals.push(`${label(citing)} references ${label(cited)}${phrase}`);
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
    confidence: EXPLICIT_REFERENCE_CONFIDENCE,
    references: [...new Set([...aCitesB, ...bCitesA].map((r) => r.text))],
    signals,
  };
  if (first) match.first = first;
  return match;
}
