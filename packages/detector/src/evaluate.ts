import type { CorpusStats, DependencyRule, RulePack, TaskContext, TaskText } from '@chorale/core';
import { assertSpecification } from '@chorale/core';
import { corpusOf } from './corpus.js';
import {
  crossReference,
  EXPLICIT_REFERENCE,
  normalizeRepository,
  type Reference,
  referencesOf,
} from './cross-reference.js';
import { InvalidRuleError, RuleFailedError } from './errors.js';
import { type Analysis, analyse, taskFromText, taskText } from './text.js';

/** A rule with the pack it came from. */
export interface RuleEntry {
  readonly rule: DependencyRule;
  readonly pack?: string;
}

/** One rule's answer for a pair of tasks. */
/** What a verdict rests on, per task as given (a, b). */
export interface VerdictEvidence {
  /** The words, phrases or identifiers that matched in task a. */
  a: string[];
  /** The words, phrases or identifiers that matched in task b. */
  b: string[];
  /** Explicit references between the tasks. */
  references: string[];
  /** One line per signal that added to the confidence. */
  signals: string[];
}

export interface RuleVerdict {
  /** The rule's name (`Explicit_Reference` for the built-in check). */
  rule: string;
  pack?: string;
  matched: boolean;
  reason?: string;
  /** The confidence the detector would report (the rule's, or the default), in 0..1. */
  confidence?: number;
  /** Which of the two tasks, as given, goes first. */
  first?: 'a' | 'b';
  /** Why the rule could not answer (its validator threw or returned a malformed match). */
  error?: string;
  /** What the match rests on (empty lists when the rule gives none). */
  evidence?: VerdictEvidence;
}

export interface EvaluationOptions {
  /** The confidence of a match that does not say (default 0.7). */
  defaultConfidence: number;
  /** Whether the built-in explicit-reference check runs (default true). */
  crossReferences: boolean;
}

export const DEFAULT_CONFIDENCE = 0.7;

/** What the detector keeps of a task, computed once per registration. */
export interface Prepared {
  readonly task: TaskContext;
  readonly text: TaskText;
  readonly refs: readonly Reference[];
}

export function prepare(task: TaskContext, analysis: Analysis = analyse(task)): Prepared {
  return { task, text: taskText(task, analysis), refs: referencesOf(task) };
}

/**
 * Every rule's verdict for the pair (a, b), in order: the explicit-reference check first, then
 * the rules in the order they were added, each given the corpus statistics. A validator that
 * throws, or returns something that is not a match, gets a verdict with `error` and `onError`
 * is told; it never throws here.
 */
export function evaluate(
  rules: readonly RuleEntry[],
  a: Prepared,
  b: Prepared,
  options: EvaluationOptions,
  corpus: CorpusStats,
  onError?: (error: RuleFailedError, entry: RuleEntry) => void,
): RuleVerdict[] {
  const verdicts: RuleVerdict[] = [];
  if (options.crossReferences) {
    verdicts.push(referenceVerdict(a, b) ?? { rule: EXPLICIT_REFERENCE, matched: false });
  }
  for (const entry of rules) {
    const judged = judge(entry, a, b, options, corpus);
    if (judged instanceof RuleFailedError) {
      onError?.(judged, entry);
      verdicts.push({ ...baseVerdict(entry), error: judged.message });
    } else if (judged) {
      const verdict = matchVerdict(entry, judged);
      if (verdict instanceof RuleFailedError) {
        onError?.(verdict, entry);
        verdicts.push({ ...baseVerdict(entry), error: verdict.message });
      } else {
        verdicts.push(verdict);
      }
    } else {
      verdicts.push(baseVerdict(entry));
    }
  }
  return verdicts;
}

/**
 * The verdict the detector reports for (a, b), as `bestVerdict(evaluate(...))` gives it, without
 * making a verdict for every rule: every rule is asked and every failure of `validate` reported
 * the same, and only the reported match becomes a verdict. Its evidence (a rule may make it in a
 * getter) is read once every rule of the pair has run; a getter that throws fails its rule, and
 * the next best match is taken.
 */
export function bestMatch(
  rules: readonly RuleEntry[],
  a: Prepared,
  b: Prepared,
  options: EvaluationOptions,
  corpus: CorpusStats,
  onError?: (error: RuleFailedError, entry: RuleEntry) => void,
): RuleVerdict | undefined {
  const reference = options.crossReferences ? referenceVerdict(a, b) : undefined;
  // each rule's match by its place in `rules` (made at the first match: most pairs have none)
  let judgements: (Judged | undefined)[] | undefined;
  for (let r = 0; r < rules.length; r++) {
    const judged = judge(rules[r]!, a, b, options, corpus);
    if (judged instanceof RuleFailedError) onError?.(judged, rules[r]!);
    else if (judged) {
      if (judgements === undefined) judgements = new Array<Judged | undefined>(rules.length);
      judgements[r] = judged;
    }
  }
  if (judgements === undefined) return reference;
  for (;;) {
    // the highest confidence; on a tie the earlier (the reference check is the earliest)
    let pick = -1;
    for (let r = 0; r < judgements.length; r++) {
      const judged = judgements[r];
      if (judged && (pick < 0 || judged.confidence > judgements[pick]!.confidence)) pick = r;
    }
    if (pick < 0) return reference;
    const judged = judgements[pick]!;
    if (reference && (reference.confidence ?? 0) >= judged.confidence) return reference;
    const verdict = matchVerdict(rules[pick]!, judged);
    if (!(verdict instanceof RuleFailedError)) return verdict;
    onError?.(verdict, rules[pick]!);
    judgements[pick] = undefined;
  }
}

/** The built-in explicit-reference check's verdict for (a, b), undefined when it does not match. */
function referenceVerdict(a: Prepared, b: Prepared): RuleVerdict | undefined {
  const match = crossReference(a.task, b.task, a.refs, b.refs);
  if (!match) return undefined;
  const { references, signals, ...rest } = match;
  return {
    rule: EXPLICIT_REFERENCE,
    matched: true,
    ...rest,
    evidence: { a: [], b: [], references, signals },
  };
}

/** A rule's answer, checked: a match (its evidence not yet read), null, or why it failed. */
interface Judged {
  reason: string;
  confidence: number;
  first?: 'a' | 'b';
  /** The rule's match, whose `evidence` is read when the match becomes a verdict. */
  match: { evidence?: unknown };
}

/** Asks one rule about (a, b); never throws. */
function judge(
  entry: RuleEntry,
  a: Prepared,
  b: Prepared,
  options: EvaluationOptions,
  corpus: CorpusStats,
): Judged | null | RuleFailedError {
  try {
    const result: unknown = entry.rule.validate(a.text, b.text, corpus);
    const checked = checkMatch(result, options.defaultConfidence);
    if (typeof checked === 'string') return new RuleFailedError(entry.rule.name, checked);
    return checked;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return new RuleFailedError(entry.rule.name, `validator threw: ${message}`, error);
  }
}

function baseVerdict(entry: RuleEntry): RuleVerdict {
  const base: RuleVerdict = { rule: entry.rule.name, matched: false };
  if (entry.pack !== undefined) base.pack = entry.pack;
  return base;
}

/** The verdict of a match, or the rule's failure when reading its evidence throws. */
function matchVerdict(entry: RuleEntry, judged: Judged): RuleVerdict | RuleFailedError {
  let evidence: VerdictEvidence;
  try {
    evidence = evidenceOf(judged.match.evidence);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return new RuleFailedError(entry.rule.name, `evidence threw: ${message}`, error);
  }
  // one object, its fields in a verdict's order (no spreads: a registration makes dozens)
  const verdict: RuleVerdict = { rule: entry.rule.name, matched: true };
  if (entry.pack !== undefined) verdict.pack = entry.pack;
  verdict.reason = judged.reason || entry.rule.description;
  verdict.confidence = judged.confidence;
  if (judged.first) verdict.first = judged.first;
  verdict.evidence = evidence;
  return verdict;
}

/**
 * The strings of a rule's evidence list (anything else in it is dropped), a copy: a rule may
 * change or reuse its list. Copied whole when every value is a string (most often: a copy of
 * the exact length, where `filter` grows its array as it goes).
 */
function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  // a hole reads as undefined: the list is then filtered
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') return value.filter(isString);
  }
  return value.slice();
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** A rule's evidence as a verdict carries it: string lists only, no references. */
function evidenceOf(value: unknown): VerdictEvidence {
  const given = (typeof value === 'object' && value !== null ? value : {}) as {
    a?: unknown;
    b?: unknown;
    signals?: unknown;
  };
  return {
    a: strings(given.a),
    b: strings(given.b),
    references: [],
    signals: strings(given.signals),
  };
}

/** A match with its confidence settled, null for no match, or why the value is not a match. */
function checkMatch(value: unknown, defaultConfidence: number): Judged | null | string {
  if (value === null || value === undefined || value === false) return null;
  if (typeof value !== 'object') return `returned ${typeof value}, expected a match or null`;
  const m = value as {
    reason?: unknown;
    confidence?: unknown;
    first?: unknown;
    evidence?: unknown;
  };
  if (typeof m.reason !== 'string') return 'returned a match without a reason';
  let confidence = defaultConfidence;
  if (m.confidence !== undefined) {
    if (typeof m.confidence !== 'number' || Number.isNaN(m.confidence)) {
      return `returned confidence ${String(m.confidence)}, expected a number in 0..1`;
    }
    confidence = Math.min(1, Math.max(0, m.confidence));
  }
  if (m.first !== undefined && m.first !== 'a' && m.first !== 'b') {
    return `returned first ${JSON.stringify(m.first)}, expected "a" or "b"`;
  }
  return m.first
    ? { reason: m.reason, confidence, first: m.first, match: m }
    : { reason: m.reason, confidence, match: m };
}

/**
 * The verdict the detector reports for a pair: the highest confidence among the matches; on a
 * tie, the earlier one (the cross-reference check, then rules in the order they were added).
 */
export function bestVerdict(verdicts: readonly RuleVerdict[]): RuleVerdict | undefined {
  let best: RuleVerdict | undefined;
  for (const v of verdicts) {
    if (!v.matched) continue;
    if (!best || (v.confidence ?? 0) > (best.confidence ?? 0)) best = v;
  }
  return best;
}

/** Checks a rule's shape before the detector accepts it. */
export function checkRule(rule: unknown, taken: ReadonlySet<string>): DependencyRule {
  const r = rule as Partial<DependencyRule> | null;
  const name = typeof r?.name === 'string' ? r.name : '';
  if (name.trim() === '')
    throw new InvalidRuleError(String(r?.name), 'a rule needs a non-empty name');
  if (name === EXPLICIT_REFERENCE || name === 'Cross_Reference') {
    throw new InvalidRuleError(name, `"${name}" is the detector's built-in check`);
  }
  if (taken.has(name)) throw new InvalidRuleError(name, `a rule named "${name}" is already loaded`);
  if (typeof r?.validate !== 'function') {
    throw new InvalidRuleError(name, `rule "${name}" has no validate(a, b) function`);
  }
  if (typeof r.description !== 'string') {
    throw new InvalidRuleError(name, `rule "${name}" has no description`);
  }
  if (!Array.isArray(r.keywords) || r.keywords.some((k) => typeof k !== 'string')) {
    throw new InvalidRuleError(name, `rule "${name}" needs keywords: an array of strings`);
  }
  return r as DependencyRule;
}

/** Checks a pack (its contract version and rules) and returns its rules as entries. */
export function packEntries(pack: RulePack, taken: ReadonlySet<string>): RuleEntry[] {
  assertSpecification('rules', pack);
  if (!Array.isArray(pack.rules)) {
    throw new InvalidRuleError(
      String(pack.name),
      `rule pack "${String(pack.name)}" has no rules array`,
    );
  }
  const names = new Set(taken);
  return pack.rules.map((rule) => {
    const checked = checkRule(rule, names);
    names.add(checked.name);
    return { rule: checked, pack: pack.name };
  });
}

function isPack(value: RulePack | DependencyRule): value is RulePack {
  return typeof value === 'object' && value !== null && 'rules' in value && !('validate' in value);
}

/** Rules from a mixed list of packs and rules, checked, names unique. */
export function ruleEntries(
  rules: readonly (RulePack | DependencyRule)[],
  taken: ReadonlySet<string> = new Set(),
): RuleEntry[] {
  const names = new Set(taken);
  const entries: RuleEntry[] = [];
  for (const item of rules) {
    const added = isPack(item) ? packEntries(item, names) : [{ rule: checkRule(item, names) }];
    for (const entry of added) {
      names.add(entry.rule.name);
      entries.push(entry);
    }
  }
  return entries;
}

/** Two tasks as given to `explain`: a TaskContext, or bare text (made into a task of its own repository). */
export type TaskInput = TaskContext | string;

export interface Explanation {
  a: TaskContext;
  b: TaskContext;
  /** Set when the detector would not compare these two at all. */
  skipped?: 'same-task' | 'same-repository';
  /** Every rule's verdict, in evaluation order, with the rule's keywords each text has. */
  verdicts: (RuleVerdict & { keywords: { a: string[]; b: string[] } })[];
  /** What the detector would report (before `skipped` is considered). */
  best?: RuleVerdict;
}

export function toTask(input: TaskInput, repository: string, taskId: number): TaskContext {
  return typeof input === 'string' ? taskFromText(input, { repository, taskId }) : input;
}

/** `projectId` and `taskId` identify a task; registering the same pair again updates it. */
export function taskKey(task: TaskContext): string {
  return `${String(task.projectId)}\u0000${String(task.taskId)}`;
}

export function explainPrepared(
  rules: readonly RuleEntry[],
  a: Prepared,
  b: Prepared,
  options: EvaluationOptions,
  corpus: CorpusStats,
): Explanation {
  const verdicts = evaluate(rules, a, b, options, corpus).map((v) => {
    const rule = rules.find((e) => e.rule.name === v.rule)?.rule;
    const keywords = rule?.keywords ?? [];
    return {
      ...v,
      keywords: {
        a: keywords.filter((k) => a.text.hasPhrase(k)),
        b: keywords.filter((k) => b.text.hasPhrase(k)),
      },
    };
  });
  const explanation: Explanation = { a: a.task, b: b.task, verdicts };
  const best = bestVerdict(verdicts);
  if (best) explanation.best = best;
  if (taskKey(a.task) === taskKey(b.task)) explanation.skipped = 'same-task';
  else if (normalizeRepository(a.task.repository) === normalizeRepository(b.task.repository)) {
    explanation.skipped = 'same-repository';
  }
  return explanation;
}

export interface ExplainOptions extends Partial<EvaluationOptions> {
  /**
   * How common terms are among known tasks. Default: a corpus of the two tasks alone, where no
   * shared term is rare (so `Shared_Subject` needs a real corpus to match).
   */
  corpus?: CorpusStats;
}

/**
 * Every rule's verdict for two tasks (or two bare texts), as `chorale rules test "<text1>"
 * "<text2>"` shows it. Bare texts become tasks of two different repositories (`text/a`,
 * `text/b`), so nothing is skipped.
 */
export function explain(
  a: TaskInput,
  b: TaskInput,
  rules: readonly (RulePack | DependencyRule)[],
  options: ExplainOptions = {},
): Explanation {
  const preparedA = prepare(toTask(a, 'text/a', 1));
  const preparedB = prepare(toTask(b, 'text/b', 2));
  return explainPrepared(
    ruleEntries(rules),
    preparedA,
    preparedB,
    {
      defaultConfidence: options.defaultConfidence ?? DEFAULT_CONFIDENCE,
      crossReferences: options.crossReferences ?? true,
    },
    options.corpus ?? corpusOf([preparedA.text, preparedB.text]),
  );
}
