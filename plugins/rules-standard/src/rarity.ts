/**
 * How rare a term is among the known tasks, and the unit of the rules' thresholds: the weight
 * of one word that no other known task has.
 */
import type { CorpusStats } from '@chorale/core';

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
export function knownTasks(corpus: CorpusStats | undefined): number {
  return Math.max(corpus?.size ?? 2, 2) + PRIOR_TASKS;
}

/** `rarity` of a term in `frequency` of `n` tasks (`knownTasks`). */
export function rarityAmong(n: number, frequency: number | undefined): number {
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
