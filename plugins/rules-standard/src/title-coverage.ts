/** How much of a task's title the other task shares, weighed by rarity. */
import type { CorpusStats, TaskText } from '@chorale/core';
import { pairIds, titleShareOf, titleShareReaches } from './ids.js';
import { rarity } from './rarity.js';

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
  const ids = pairIds(a, b);
  if (ids !== undefined) {
    const weigh = (term: string) => rarity(corpus, term);
    const [idsA, idsB] = ids;
    return Math.max(
      titleShareOf(idsA, idsB, exclude, weigh),
      titleShareOf(idsB, idsA, exclude, weigh),
    );
  }
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
 * Whether `titleCoverage(a, b, corpus, exclude)` is not below `least`, with fewer look-ups: a
 * title that reaches it ends the question, and b's title is read first (b is the later task: in
 * a registration most often the new one, whose terms' counts are at hand); a candidate's title
 * is weighed only as long as its share may still reach `least` (see `titleShareReaches`).
 */
export function titleCoverageReaches(
  a: TaskText,
  b: TaskText,
  corpus: CorpusStats | undefined,
  exclude: ReadonlySet<string>,
  least: number,
): boolean {
  const ids = pairIds(a, b);
  if (ids === undefined) return !(titleCoverage(a, b, corpus, exclude) < least);
  const weigh = (term: string) => rarity(corpus, term);
  const [idsA, idsB] = ids;
  return (
    titleShareReaches(idsB, idsA, exclude, weigh, least) ||
    titleShareReaches(idsA, idsB, exclude, weigh, least)
  );
}
