import type { DependencyRule, TaskText } from '@chorale/core';
import { forEachCounted } from '../corpus.js';
import { proposalName, proposalNames } from '../cross-reference.js';
import type { KnownTask } from '../detector.js';

/** Prefix of the terms that are not words: they never collide with a word of a text. */
const RULE_TERM = '\u0001rule:';
const REFERENCE_TERM = '\u0001ref:';

/**
 * Every term the index posts a task under, appended to `out` in the order the index reads them
 * (the text's counted terms, `forEachCounted`, then `referenceTerms`, then `ruleTerms`), each
 * text term once; the index, which numbers terms anyway, keeps the first of any other repeat.
 */
export function indexTerms(
  task: KnownTask,
  rules: readonly Pick<DependencyRule, 'name' | 'keywords'>[] | undefined,
  out: string[],
): string[] {
  // a known task's text comes from a cache: read it once
  const text = task.text;
  forEachCounted(text, (term) => out.push(term));
  referenceTerms(task, out);
  if (rules) ruleTerms(text, rules, out);
  return out;
}

/**
 * The terms that tie a task to explicit references: its own id (`org/repo#12`, and `repo#12`
 * for a repository given without its owner), the proposals it is (`ipip-412`) and every
 * reference in its text. A task that cites another shares one of these with it.
 */
export function referenceTerms(task: KnownTask, terms: string[] = []): string[] {
  const id = String(task.task.taskId).toLowerCase();
  if (id.includes('#')) terms.push(`${REFERENCE_TERM}${id}`);
  else if (task.repository !== '') terms.push(`${REFERENCE_TERM}${task.repository}#${id}`);
  for (const name of proposalNames(task.task)) terms.push(`${REFERENCE_TERM}${name}`);
  for (const ref of task.refs) {
    const proposal = proposalName(ref);
    if (proposal !== undefined) {
      terms.push(`${REFERENCE_TERM}${proposal}`);
      continue;
    }
    terms.push(`${REFERENCE_TERM}${ref.repository}#${ref.id}`);
    const slash = ref.repository.lastIndexOf('/');
    if (slash >= 0) terms.push(`${REFERENCE_TERM}${ref.repository.slice(slash + 1)}#${ref.id}`);
  }
  return terms;
}

export function isReferenceTerm(term: string): boolean {
  return term.startsWith(REFERENCE_TERM);
}

/** The rules a task is relevant to: one term per rule whose keywords the text has. */
export function ruleTerms(
  text: TaskText,
  rules: readonly Pick<DependencyRule, 'name' | 'keywords'>[],
  terms: string[] = [],
): string[] {
  for (const rule of rules) {
    if (rule.keywords.some((k) => (k.includes(' ') ? text.hasPhrase(k) : text.has(k)))) {
      terms.push(`${RULE_TERM}${rule.name}`);
    }
  }
  return terms;
}

/** Whether a term is one of the text's own (a word), not a rule's or a reference's. */
export function isTextTerm(term: string): boolean {
  return !term.startsWith('\u0001');
}
