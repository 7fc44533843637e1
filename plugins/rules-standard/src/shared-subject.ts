import type { DependencyRule, RuleMatch, TaskText } from '@chorale/core';
import { memoize } from '@chorale/detector';
import {
  CACHE_SIZE,
  Match,
  perText,
  SubstringList,
  saturating,
  subjectOverlap,
  titleMayHave,
} from './words.js';

/**
 * The weighed overlap (see `subjectOverlap`) from which two tasks are taken to be about the same
 * thing: about two words in both titles that at most two other tasks of a hundred have, or one
 * rare identifier and a rare word. (6, one word less, let in pairs sharing only an
 * organisation's build vocabulary — "bazel", "rule", "package" — whenever its tasks were
 * registered after most others; no true pair of the dev set is below 8.)
 */
export const SHARED_SUBJECT_THRESHOLD = 7;
/**
 * Among fewer known tasks than this no word can be told rare, and only a shared identifier
 * (rare by nature: `AddLink`, `OTEL_SDK_DISABLED`) lets the rule match.
 */
export const MIN_CORPUS = 10;

/** Words of a task that specifies or defines what others implement: it goes first. */
const DEFINING = [
  'spec',
  'specification',
  'rfc',
  'proposal',
  'propose',
  'standard',
  'design',
  'define',
  'definition',
  'schema',
  'protocol',
];
const DEFINING_IN_WORDS = new SubstringList(DEFINING);
/** Repository names of specifications and proposals (`*-specification`, `specs`, `rfcs`, `enhancements`). */
const DEFINING_REPOSITORY =
  /(?:^|[/_.-])(?:spec|specs|specification|specifications|rfcs?|proposals?|enhancements|oteps|peps?|standards?)(?:$|[/_.-])/;

/**
 * Whether a task specifies: its repository is one of specifications, or its title says so (read
 * only when a word of it has a DEFINING word in it: most have none, and a candidate's title is a
 * cold string among a million tasks).
 */
const specifies = perText(
  (t: TaskText): boolean =>
    (typeof t.repository === 'string' && specifyingRepository(t.repository)) ||
    (titleMayHave(t, DEFINING_IN_WORDS) && titleDefines(String(t.task.title ?? ''))),
);
const specifyingRepository = memoize(
  (repository) => DEFINING_REPOSITORY.test(repository.toLowerCase()),
  CACHE_SIZE,
);

/**
 * Any of DEFINING in a text, whatever its case: the same answer as looking in the text
 * lower-cased (the words are ASCII letters), without making that copy.
 */
const DEFINING_ANYWHERE = new RegExp(DEFINING.join('|'), 'i');

function titleDefines(title: string): boolean {
  // a word of the title is in it as it is: most titles have none of these (no lower-cased copy)
  if (!DEFINING_ANYWHERE.test(title)) return false;
  const words = new Set(title.toLowerCase().split(/[^a-z]+/u));
  return DEFINING.some((w) => words.has(w));
}

/**
 * Two tasks share a subject that is rare among the known tasks: the same identifiers
 * (`AddLink`, `OTEL_SDK_DISABLED`), the same rare words and names in their titles. What the
 * four standard rules cannot see: a specification change and its implementations, a feature
 * and its documentation. Confidence grows with the overlap: 0.6 at the threshold, 0.82 at twice
 * it, below 0.95. A specification (by its title or repository) goes before the others.
 */
export const sharedSubject: DependencyRule = {
  name: 'Shared_Subject',
  description: 'Tasks about the same rare subject (shared identifiers and rare terms)',
  keywords: ['spec', 'specification', 'identifier', 'implementation'],
  validate(a, b, corpus): RuleMatch | null {
    // a product name of either repository tells nothing about which of its tasks is linked
    const overlap = subjectOverlap(a, b, corpus, undefined, 'either');
    if (overlap.score < SHARED_SUBJECT_THRESHOLD) return null;
    if ((corpus?.size ?? 2) < MIN_CORPUS && overlap.identifiers === 0) return null;
    const match = new Match(
      `Both tasks are about ${overlap.a.slice(0, 3).join(', ')}`,
      saturating(overlap.score - SHARED_SUBJECT_THRESHOLD, 0.6, 0.95, SHARED_SUBJECT_THRESHOLD),
      () => ({ a: overlap.a, b: overlap.b, signals: overlap.signals }),
    );
    const specA = specifies(a);
    const specB = specifies(b);
    if (specA !== specB) match.first = specA ? 'a' : 'b';
    return match;
  },
};
