import type { CorpusStats, DependencyRule, RuleMatch, TaskText } from '@chorale/core';
import { memoize } from '@chorale/detector';
import { Match, saturating } from './match.js';
import { CACHE_SIZE, subjectOverlap } from './overlap.js';
import { perText } from './per-text.js';
import { rareWordWeight } from './rarity.js';
import { SubstringList, titleMayHave } from './word-lists.js';

/**
 * How much two tasks must share to be taken to be about the same thing, in words in both titles
 * that no other known task has (`rareWordWeight`): a little more than two such words, or one
 * rare identifier and a rare word, or more commoner ones. In this unit the rule asks for as much
 * evidence among a thousand or a million known tasks as among a hundred: a fixed overlap of 7 was
 * about two such words among a hundred tasks but one among a thousand, and let in pairs that share
 * a project's vocabulary once the known tasks were many (the dev set registered after 300
 * synthetic tasks of other projects: precision 0.97 → 0.70; with this, 0.97). From 2.0 to 2.4
 * the dev set scores the same in file, reversed and shuffled order; from 2.6 true pairs are lost.
 */
export const SHARED_SUBJECT_WORDS = 2.2;

/**
 * The least overlap Shared_Subject asks, however few the known tasks: below about 40 of them,
 * 2.2 rare words weigh less than this, and a word is not yet told rare or common (the dev set
 * registered in shuffled order then lets in pairs of one organisation that share only its
 * common vocabulary). It was the rule's fixed threshold.
 */
export const MIN_SHARED_SUBJECT_OVERLAP = 7;

/**
 * The weighed overlap (see `subjectOverlap`) from which Shared_Subject matches: 7 among up to
 * about 40 known tasks, 8.2 among 83, 13.2 among 1,000, 28.4 among a million.
 */
export function sharedSubjectThreshold(corpus: CorpusStats | undefined): number {
  return Math.max(MIN_SHARED_SUBJECT_OVERLAP, SHARED_SUBJECT_WORDS * rareWordWeight(corpus));
}

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
    const threshold = sharedSubjectThreshold(corpus);
    if (overlap.score < threshold) return null;
    if ((corpus?.size ?? 2) < MIN_CORPUS && overlap.identifiers === 0) return null;
    const match = new Match(
      `Both tasks are about ${overlap.a.slice(0, 3).join(', ')}`,
      saturating(overlap.score - threshold, 0.6, 0.95, threshold),
      () => ({ a: overlap.a, b: overlap.b, signals: overlap.signals }),
    );
    const specA = specifies(a);
    const specB = specifies(b);
    if (specA !== specB) match.first = specA ? 'a' : 'b';
    return match;
  },
};
