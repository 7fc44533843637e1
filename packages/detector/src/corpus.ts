import type { CorpusStats, TaskText } from '@chorale/core';
import type { TextIds } from './text-ids.js';

/**
 * The counted terms of a task: its analysed terms and its identifiers, each once. What the
 * corpus statistics count and what the index posts a task under (the one place that decides).
 */
export function countedTerms(text: TaskText): Set<string> {
  const terms = new Set<string>();
  forEachCounted(text, (term) => terms.add(term));
  return terms;
}

/** `countedTerms(text)` in the same order, without making the set. */
export function forEachCounted(text: TaskText, visit: (term: string) => void): void {
  for (const term of text.terms) visit(term);
  for (const identifier of text.identifiers) if (!text.terms.has(identifier)) visit(identifier);
}

/**
 * The ids of `forEachCounted`'s terms, in its order, read from the text's ids (`textIds`): its
 * term ids, then its identifiers that are not one of them (a string has one id, so an
 * identifier that is a term has that term's id).
 */
export function countedIds(ids: TextIds): number[] {
  const counted = [...ids.terms];
  for (const identifier of ids.identifiers) {
    if (!ids.terms.includes(identifier)) counted.push(identifier);
  }
  return counted;
}

/**
 * Document frequencies of the known tasks' terms and identifiers: how many tasks have each.
 * The detector keeps one unless its CandidateSource counts them itself (an index does).
 * Adding and removing a task is linear in its number of distinct terms.
 */
export class DocumentFrequencies implements CorpusStats {
  readonly #counts = new Map<string, number>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** A bound function: a rule may take it out of the corpus (`const { documentFrequency } = corpus`). */
  readonly documentFrequency = (term: string): number => this.#counts.get(term) ?? 0;

  add(text: TaskText): void {
    this.#size += 1;
    forEachCounted(text, (term) => this.#counts.set(term, (this.#counts.get(term) ?? 0) + 1));
  }

  remove(text: TaskText): void {
    this.#size = Math.max(0, this.#size - 1);
    forEachCounted(text, (term) => {
      const count = (this.#counts.get(term) ?? 0) - 1;
      if (count > 0) this.#counts.set(term, count);
      else this.#counts.delete(term);
    });
  }
}

/** The corpus of just these tasks (for `explain` on two bare texts: nothing is rare there). */
export function corpusOf(texts: readonly TaskText[]): DocumentFrequencies {
  const corpus = new DocumentFrequencies();
  for (const text of texts) corpus.add(text);
  return corpus;
}
