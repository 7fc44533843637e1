import type { TaskContext, TaskDependency } from '@chorale/protocol';
import type { SpecificationVersion } from './version.js';

/**
 * A task's title and description, split into words once, so rules match words and phrases,
 * never substrings: "api" is not in "rapid", "auth" is not in "author".
 */
export interface TaskText {
  readonly task: TaskContext;
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

export interface RuleMatch {
  /** Human-readable explanation, e.g. "API definition and implementation dependency". */
  reason: string;
  /** 0..1; the detector uses a default when absent. */
  confidence?: number;
  /** Which task should be done first, where the rule can tell. */
  first?: 'a' | 'b';
}

export interface DependencyRule {
  name: string;
  description: string;
  /** Words that make a task relevant to the rule (documentation, indexing and `rules test`). */
  keywords: string[];
  /** Decides whether the two tasks depend on each other. Pure; must not throw. */
  validate(a: TaskText, b: TaskText): RuleMatch | null;
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
}
