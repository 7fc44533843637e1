import type { Clock, DependencyRule, TaskContext } from '@chorale/core';
import { DependencyDetector, taskText, textIds } from '@chorale/detector';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { standardRules } from './index.js';
import { Match } from './words.js';

const clock: Clock = { now: () => 1_700_000_000_000, setTimeout: () => 0, clearTimeout: () => {} };

/** Words of the rules' lists, subject words and code names, so that every rule matches some pairs. */
const WORDS = [
  'API',
  'endpoint',
  'implement',
  'client',
  'SDK',
  'define',
  'spec',
  'proposal',
  'schema',
  'migration',
  'table',
  'database',
  'data model',
  'config',
  'feature flag',
  'environment variable',
  'introduce',
  'uses',
  'auth',
  'OAuth',
  'token',
  'access token',
  'TLS',
  'encrypt',
  'security',
  'user interface',
  'orders',
  'billing',
  'invoices',
  'preferences',
  'gauge',
  'synchronous',
  'exporter',
  'otlp',
  'AddLink',
  'Span.AddLink',
  'OTEL_SDK_DISABLED',
  'rate_limit',
  'IPIP-402',
  'v1.2.0',
  'v2.0.1',
  'the',
  'for',
  'with',
  'add',
  'support',
];
/** Subject words each rare among the tasks, so pairs share a rare subject. */
const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'tu', 'zen', 'vor', 'pex', 'qui', 'dal'];
const SUBJECTS = SYLLABLES.flatMap((x) => SYLLABLES.map((y) => `${x}${y}x`));
const REPOSITORIES = [
  'acme/orders-service',
  'acme/billing',
  'acme/specs',
  'beta/sdk-go',
  'beta/web',
];

const phrase = (min: number, max: number) =>
  fc
    .array(fc.oneof(fc.constantFrom(...WORDS), fc.constantFrom(...SUBJECTS)), {
      minLength: min,
      maxLength: max,
    })
    .map((w) => w.join(' '));

const taskArbitrary = fc.record({
  repository: fc.constantFrom(...REPOSITORIES),
  title: phrase(2, 6),
  description: phrase(0, 12),
});

/** The same rule, given texts without ids (it reads their sets). */
function bySets(rule: DependencyRule): DependencyRule {
  return {
    ...rule,
    validate: (a, b, corpus) => {
      const [sa, sb] = [taskText(a.task), taskText(b.task)];
      expect(textIds(sa)).toBeUndefined();
      return rule.validate(sa, sb, corpus);
    },
  };
}

describe('texts read by ids', () => {
  it('the standard rules find, through the ids of the detector texts, exactly what they find in the sets (property)', () => {
    let pairsWithIds = 0;
    let found = 0;
    /** Matches nothing; counts the pairs whose two texts have ids (so the test reads ids at all). */
    const probe: DependencyRule = {
      name: 'Probe',
      description: 'counts pairs read by ids',
      keywords: [],
      validate: (a, b) => {
        if (textIds(a) && textIds(b)) pairsWithIds++;
        return null;
      },
    };
    fc.assert(
      fc.property(
        fc.array(taskArbitrary, { minLength: 20, maxLength: 60 }),
        fc.integer({ min: 2, max: 7 }),
        (drafts, every) => {
          const rules = standardRules().rules;
          const byIds = new DependencyDetector({ rules: [...rules, probe], clock });
          const strings = new DependencyDetector({ rules: rules.map(bySets), clock });
          const tasks: TaskContext[] = drafts.map((d, i) => ({
            ...d,
            taskId: i + 1,
            projectId: 1,
            keywords: [],
            agentId: `agent-${i}`,
          }));
          for (const [i, task] of tasks.entries()) {
            const dependencies = byIds.register(task);
            found += dependencies.length;
            expect(JSON.stringify(dependencies)).toBe(JSON.stringify(strings.register(task)));
            // releases make the ids of texts read before stale: they then read their sets
            if (i % every === 0 && i > 0) {
              byIds.release(tasks[i - 1]!);
              strings.release(tasks[i - 1]!);
            }
          }
          expect(byIds.ruleErrors()).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
    expect(pairsWithIds).toBeGreaterThan(1000);
    expect(found).toBeGreaterThan(200);
  });
});

describe('Match', () => {
  it('makes its evidence when read, and serializes as a plain match', () => {
    let made = 0;
    const match = new Match('reason', 0.8, () => {
      made += 1;
      return { a: ['x'], b: [], signals: ['s'] };
    });
    expect(made).toBe(0);
    match.first = 'b';
    expect(JSON.parse(JSON.stringify(match))).toEqual({
      reason: 'reason',
      confidence: 0.8,
      first: 'b',
      evidence: { a: ['x'], b: [], signals: ['s'] },
    });
    expect(made).toBe(1);
  });
});
