import type { TaskContext, TaskDependency } from '@chorale/protocol';
import type { SpecificationVersion } from './version.js';

/**
 * A task's title and description, split into words once, so rules match words and phrases,
 * never substrings: "api" is not in "rapid", "auth" is not in "author".
 */
export interface TaskText {
  readonly task: TaskContext;
  /**
   * The task's repository as the detector compares repositories: `org/repo` (or `repo`),
   * lower-case, URLs without scheme and host, no `.git`. One string for every task of a
   * repository, so a rule may key what it finds about a repository by it.
   */
  readonly repository: string;
  /** Lower-cased words of title, description and keywords. */
  readonly words: ReadonlySet<string>;
  /** Lower-cased words in order (for phrases). */
  readonly tokens: readonly string[];
  /** Whether the text has this word (case-insensitive). */
  has(word: string): boolean;
  /** The first of these words the text has, or undefined. */
  find(words: Iterable<string>): string | undefined;
  /** Whether the words of `phrase` appear in order, next to each other. */
  hasPhrase(phrase: string): boolean;
  /** Whether some word starts with `prefix` (for stems such as `implement` → implements, implementation). */
  hasPrefix(prefix: string): boolean;
  /**
   * The analysed terms of title, description and keywords: the stems of the words that can name
   * a subject (stop words, issue-template boilerplate and bare numbers left out), so
   * implement / implements / implementation are one term.
   */
  readonly terms: ReadonlySet<string>;
  /** The terms of the title alone (a title names the subject; a description wanders). */
  readonly titleTerms: ReadonlySet<string>;
  /**
   * Two subject terms next to each other in the title, space-separated (`synchronous gauge` →
   * `synchron gaug`): a shared one is a shared name, not two shared words.
   */
  readonly titlePhrases: ReadonlySet<string>;
  /**
   * Code names kept whole, lower-cased: camelCase (`AddLink` → `addlink`), snake_case and
   * SCREAMING_CASE (`otel_sdk_disabled`, also without separators: `otelsdkdisabled`),
   * kebab-case with a number (`ipip-402`), qualified names (`span.addlink`).
   */
  readonly identifiers: ReadonlySet<string>;
  /**
   * Whether the text has a word with the same stem (the argument is stemmed: `migration` finds
   * "migrated", `implement` finds "implementation"); stop words count here, unlike in `terms`.
   */
  hasTerm(word: string): boolean;
}

/**
 * How common terms are among the known tasks, so a rule can weigh a rare shared term more than
 * a common one. The detector's index keeps it; it counts tasks, not occurrences.
 */
export interface CorpusStats {
  /** How many tasks are known. */
  readonly size: number;
  /** In how many known tasks the term (an analysed word or identifier, lower-cased) appears. */
  documentFrequency(term: string): number;
}

/** What a rule saw, for the dependency's evidence (the plan prompt quotes it). */
export interface RuleEvidence {
  /** The words, phrases or identifiers that matched in task a. */
  a?: string[];
  /** The words, phrases or identifiers that matched in task b. */
  b?: string[];
  /** One line per signal that added to the confidence, e.g. "rare shared identifier addlink". */
  signals?: string[];
}

export interface RuleMatch {
  /** Human-readable explanation, e.g. "API definition and implementation dependency". */
  reason: string;
  /** 0..1; the detector uses a default when absent. */
  confidence?: number;
  /** Which task should be done first, where the rule can tell. */
  first?: 'a' | 'b';
  /**
   * What matched on each side, and the signals behind the confidence. It may be a getter: the
   * detector reads it only for a match it reports (the best of a pair, once every rule of the
   * pair has run and before the next pair) or explains; a getter that throws fails its rule.
   */
  evidence?: RuleEvidence;
}

export interface DependencyRule {
  name: string;
  description: string;
  /** Words that make a task relevant to the rule (documentation, indexing and `rules test`). */
  keywords: string[];
  /**
   * Decides whether the two tasks depend on each other. Pure; must not throw. `corpus` tells
   * how common a term is among the known tasks (the detector always passes it; a rule written
   * for two arguments ignores it, and a caller may leave it out).
   */
  validate(a: TaskText, b: TaskText, corpus?: CorpusStats): RuleMatch | null;
}

/** A named set of rules, loaded like any other plugin; the built-in rules are one. */
export interface RulePack {
  readonly specificationVersion: SpecificationVersion;
  readonly name: string;
  readonly rules: readonly DependencyRule[];
}

/** What the coordinator needs from a dependency detector. */
export interface Detector {
  /** Registers (or re-registers) a claimed task; returns the dependencies found that were not reported before. */
  register(task: TaskContext): TaskDependency[];
  knownTasks(): TaskContext[];
  /**
   * Forgets a task (its claim was released, or it is done) so it is no candidate any more;
   * false when it was not known. Optional: a detector without it keeps every task.
   */
  release?(task: Pick<TaskContext, 'projectId' | 'taskId'>): boolean;
}
