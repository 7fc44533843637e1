import type { Vocabulary } from './index/vocabulary.js';
import type { Analysis } from './text.js';

/**
 * A known task's analysed text as ids of the detector's vocabulary: the same words, terms,
 * title phrases and identifiers as its TaskText's sets, in the same order, as integers. A rule
 * that reads these (`textIds`) compares two texts with arrays indexed by id instead of sets of
 * strings, and the candidate's sets are never made; what it finds must be what the sets give.
 */
export interface TextIds {
  readonly vocabulary: Vocabulary;
  /** `TaskText.tokens`: one word id per token, in order. */
  readonly tokens: readonly number[];
  /** The title's tokens are the first `titleEnd` of `tokens`. */
  readonly titleEnd: number;
  /** Where each field's tokens end (title, description, keywords; fields without tokens left out). */
  readonly fieldEnds: readonly number[];
  /** `TaskText.words`: each word id once, in the order of the set. */
  readonly words: readonly number[];
  /** The title's words (its tokens and compounds) are the first `titleWordCount` of `words`. */
  readonly titleWordCount: number;
  /** `TaskText.terms`: each term id once, in the order of the set. */
  readonly terms: readonly number[];
  /** `TaskText.titleTerms` are the first `titleTermCount` of `terms`. */
  readonly titleTermCount: number;
  /** `TaskText.titlePhrases` as pairs of term ids, flat: first, second, first, second, ... */
  readonly titlePhrases: readonly number[];
  /** `TaskText.identifiers`: word ids, in the order of the set. */
  readonly identifiers: readonly number[];
}

/**
 * Where known tasks' analyses are packed (`PackedTexts`). A handle is valid until its text is
 * released, which changes `epoch`: a text made from a handle reads it only while the epoch is
 * the one it was made in (within one registration, always), and otherwise analyses its task
 * again.
 */
export interface PackedSource {
  readonly epoch: number;
  ids(handle: number): TextIds;
  unpack(handle: number): Analysis;
}
