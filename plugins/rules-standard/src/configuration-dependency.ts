import type { DependencyRule, RuleMatch, TaskText } from '@chorale/core';
import { confidence, Match } from './match.js';
import { type Overlap, subjectOverlap } from './overlap.js';
import { perText } from './per-text.js';
import { subjectGate } from './rarity.js';
import {
  hasAny,
  hasAnyPrefix,
  Phrases,
  PrefixList,
  present,
  stems,
  WordList,
} from './word-lists.js';

/** Words of configuration. */
const CONFIG_WORDS = new WordList([
  'config',
  'configs',
  'configuration',
  'configurations',
  'configure',
  'configured',
  'configurable',
  'setting',
  'settings',
  'parameter',
  'parameters',
  'param',
  'params',
  'environment',
  'env',
  'flag',
  'flags',
  'toggle',
  'toggles',
]);
/** Kinds of configuration specific enough that both tasks naming one is a link in itself. */
const CONFIG_PHRASES = new Phrases([
  'feature flag',
  'feature toggle',
  'environment variable',
  'env var',
  'config file',
  'configuration file',
  'command line flag',
]);
/** Introducing a setting (goes first) versus reading it. */
const INTRODUCE_WORDS = new WordList([
  'add',
  'adds',
  'introduce',
  'introduces',
  'define',
  'defines',
  'create',
  'creates',
  'expose',
  'new',
]);
const READ_STEMS = new PrefixList(['implement']);
const READ_WORDS = new WordList([
  'consume',
  'consumes',
  'use',
  'uses',
  'using',
  'check',
  'checks',
  'checking',
  'read',
  'reads',
  'reading',
  'respect',
  'respects',
  'honor',
  'honors',
  'honour',
]);

const VOCABULARY = stems([
  ...CONFIG_WORDS,
  'feature',
  'variable',
  'variables',
  'file',
  'option',
  'options',
]);

const configWork = perText(
  (t: TaskText): boolean => hasAny(t, CONFIG_WORDS) || CONFIG_PHRASES.anyIn(t),
);

function introduces(t: TaskText): boolean {
  return hasAny(t, INTRODUCE_WORDS) && !hasAnyPrefix(t, READ_STEMS) && !hasAny(t, READ_WORDS);
}

/**
 * Both tasks touch configuration and the same setting: they name the same kind of setting
 * ("feature flag", "environment variable") or share a subject word (the setting's name, such
 * as `request_timeout`). The task that introduces the setting goes first.
 */
export const configurationDependency: DependencyRule = {
  name: 'Configuration_Dependency',
  description: 'Configuration changes affecting multiple components',
  keywords: ['config', 'environment', 'settings', 'parameters'],
  validate(a, b, corpus): RuleMatch | null {
    if (!configWork(a) || !configWork(b)) return null;
    const sharedKind = CONFIG_PHRASES.inBoth(a, b);
    const overlap = subjectOverlap(a, b, corpus, VOCABULARY);
    // the subject counts when it is rare enough among the known tasks (see subjectGate)
    const shared = overlap.score >= subjectGate(corpus) ? overlap.a : [];
    if (!sharedKind && shared.length === 0) return null;
    const namedSetting = shared.some((s) => /[_-]/.test(s));
    const score =
      0.55 +
      (sharedKind ? 0.1 : 0) +
      (shared.length > 0 ? 0.1 : 0) +
      (shared.length > 1 || namedSetting ? 0.1 : 0);
    const match = new Match(
      'Shared configuration must stay consistent across components',
      confidence(Math.min(score, 0.9)),
      () =>
        evidence(
          [...present(a, CONFIG_WORDS), ...CONFIG_PHRASES.foundIn(a)],
          [...present(b, CONFIG_WORDS), ...CONFIG_PHRASES.foundIn(b)],
          overlap,
          [
            'both touch configuration',
            ...(sharedKind ? ['both name the same kind of setting'] : []),
            ...(namedSetting ? ['a named setting is shared'] : []),
          ],
        ),
    );
    const introA = introduces(a);
    const introB = introduces(b);
    if (introA !== introB) match.first = introA ? 'a' : 'b';
    return match;
  },
};

/** The evidence of a match: the rule's own words on each side, and the shared subject. */
function evidence(a: string[], b: string[], overlap: Overlap, signals: string[]) {
  return {
    a: [...a, ...overlap.a],
    b: [...b, ...overlap.b],
    signals: [...signals, ...overlap.signals],
  };
}
