import type { TaskContext } from '@chorale/core';

export const CROSS_REFERENCE = 'Cross_Reference';
export const CROSS_REFERENCE_CONFIDENCE = 0.95;

export interface Reference {
  /** `org/repo`, lower-case. */
  repository: string;
  /** The issue or pull request number, as written. */
  id: string;
}

/**
 * `org/repo#123` (not inside a longer word or path), and issue/pull URLs
 * `<host>/org/repo/issues/123` or `.../pull/123`.
 */
const SHORT_REF =
  /(?<![\p{L}\p{N}_./-])([\p{L}\p{N}_.-]+\/[\p{L}\p{N}_.-]+)#(\d+)(?![\p{L}\p{N}_])/gu;
const URL_REF =
  /\/\/[^\s/]+\/([\p{L}\p{N}_.-]+\/[\p{L}\p{N}_.-]+)\/(?:issues|pull|pulls|merge_requests)\/(\d+)(?![\p{L}\p{N}_])/gu;

/** Every explicit reference to an issue or pull request in a text. */
export function findReferences(text: string): Reference[] {
  const found: Reference[] = [];
  for (const pattern of [SHORT_REF, URL_REF]) {
    for (const match of text.matchAll(pattern)) {
      found.push({ repository: match[1]!.toLowerCase(), id: match[2]! });
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
 * Whether a reference names this task: the same number, and the same repository (or the same
 * repo name when the task's repository has no owner). A task id written `org/repo#12` is
 * compared whole.
 */
function refersTo(ref: Reference, task: TaskContext): boolean {
  const id = String(task.taskId).toLowerCase();
  if (id === `${ref.repository}#${ref.id}`) return true;
  if (id !== ref.id) return false;
  const repo = normalizeRepository(task.repository);
  if (repo === '') return false;
  if (repo === ref.repository) return true;
  return !repo.includes('/') && ref.repository.endsWith(`/${repo}`);
}

export interface CrossReferenceMatch {
  reason: string;
  confidence: number;
  /** The referenced task goes first (a task that cites another usually builds on it); absent when each cites the other. */
  first?: 'a' | 'b';
}

/**
 * The built-in check: one task's text names the other task by `org/repo#id` or by URL.
 * `refsA`/`refsB` are the tasks' references when already known (the detector keeps them).
 */
export function crossReference(
  a: TaskContext,
  b: TaskContext,
  refsA: readonly Reference[] = referencesOf(a),
  refsB: readonly Reference[] = referencesOf(b),
): CrossReferenceMatch | null {
  const aCitesB = refsA.find((ref) => refersTo(ref, b));
  const bCitesA = refsB.find((ref) => refersTo(ref, a));
  if (aCitesB && bCitesA) {
    return {
      reason: `Tasks ${aCitesB.repository}#${aCitesB.id} and ${bCitesA.repository}#${bCitesA.id} reference each other`,
      confidence: CROSS_REFERENCE_CONFIDENCE,
    };
  }
  if (aCitesB) {
    return {
      reason: `Task ${String(a.taskId)} in ${a.repository} references ${aCitesB.repository}#${aCitesB.id}`,
      confidence: CROSS_REFERENCE_CONFIDENCE,
      first: 'b',
    };
  }
  if (bCitesA) {
    return {
      reason: `Task ${String(b.taskId)} in ${b.repository} references ${bCitesA.repository}#${bCitesA.id}`,
      confidence: CROSS_REFERENCE_CONFIDENCE,
      first: 'a',
    };
  }
  return null;
}
