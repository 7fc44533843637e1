/**
 * @packageDocumentation
 *
 * The DependencyDetector of Chorale: it keeps the claimed tasks, and when a task is claimed it
 * finds the tasks of other repositories it depends on. Matching is word-aware (a tokenizer
 * splits title, description and keywords into words once: "api" is not in "rapid"), rules come
 * from rule packs (`@chorale/rules-standard` and a team's own), an explicit cross-reference
 * (`org/repo#123`) is the strongest signal, and for each pair only the best match is reported,
 * once. `explain(a, b)` shows every rule's verdict, as `chorale rules test` prints it.
 */
export {
  identifiersOf,
  isStopWord,
  isSubjectWord,
  STOP_WORDS,
  stem,
  termOf,
} from './analysis.js';
export { corpusOf, countedTerms, DocumentFrequencies } from './corpus.js';
export {
  type CrossReferenceMatch,
  crossReference,
  EXPLICIT_REFERENCE,
  EXPLICIT_REFERENCE_CONFIDENCE,
  findReferences,
  normalizeRepository,
  PROPOSAL_REFERENCE_CONFIDENCE,
  proposalName,
  proposalNames,
  type Reference,
  referencesOf,
} from './cross-reference.js';
export {
  allKnownTasks,
  type CandidateSource,
  DependencyDetector,
  type DependencyDetectorOptions,
  type KnownTask,
  type RuleErrorCount,
} from './detector.js';
export { InvalidRuleError, RuleFailedError } from './errors.js';
export {
  DEFAULT_CONFIDENCE,
  type EvaluationOptions,
  type ExplainOptions,
  type Explanation,
  explain,
  type RuleVerdict,
  type TaskInput,
  taskKey,
  type VerdictEvidence,
} from './evaluate.js';
export { InvalidIndexOptionError } from './index/errors.js';
export { IdTable } from './index/id-table.js';
export { DEFAULT_TEXT_CACHE_SIZE, TextCache } from './index/known-task.js';
export {
  DEFAULT_MAX_CANDIDATES,
  DEFAULT_MAX_POSTINGS,
  TermIndex,
  type TermIndexOptions,
} from './index/term-index.js';
export { NO_TERM, Vocabulary } from './index/vocabulary.js';
export { memoize } from './memo.js';
export {
  type Analysis,
  analyse,
  phraseTokens,
  type Tokens,
  taskFromText,
  taskText,
  textIds,
  tokenize,
} from './text.js';
export type { TextIds } from './text-ids.js';
