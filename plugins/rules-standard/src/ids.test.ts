import type { Clock, DependencyRule, TaskContext } from '@chorale/core';
import {
  allKnownTasks,
  DependencyDetector,
  type TextIds,
  taskText,
  textIds,
  Vocabulary,
} from '@chorale/detector';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sharedOf, titleMayHaveVersion, titleShareOf, titleShareReaches } from './ids.js';
import { standardRules } from './index.js';
import { Match } from './match.js';

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

/**
 * The time the two tests that register a few thousand tasks through two detectors may take:
 * 3–4 s alone, past vitest's 5 s default on a 2-core machine running the other files too.
 */
const HEAVY = 30_000;
describe('texts read by ids', () => {
  it(
    'the standard rules find, through the ids of the detector texts, exactly what they find in the sets (property)',
    () => {
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
            expect(strings.ruleErrors()).toEqual([]);
          },
        ),
        { numRuns: 40 },
      );
      expect(pairsWithIds).toBeGreaterThan(1000);
      expect(found).toBeGreaterThan(200);
    },
    HEAVY,
  );
});

/** A word of letters only, different for every `n` (`qa`, `qb`, ...). */
function uniqueWord(n: number): string {
  let word = '';
  for (let k = n + 26; k > 0; k = Math.floor(k / 26))
    word = String.fromCharCode(97 + (k % 26)) + word;
  return `q${word}`;
}

describe('texts read by ids while the vocabulary grows', () => {
  it(
    'finds the same as by sets when the arrays indexed by id are made anew mid-registration',
    () => {
      const rules = standardRules().rules;
      const byIds = new DependencyDetector({ rules, clock });
      const strings = new DependencyDetector({ rules: rules.map(bySets), clock });
      let found = 0;
      // every task brings new words and identifiers: the vocabulary passes 1,024, 1,536, ... ids
      for (let i = 0; i < 1500; i++) {
        const subject = SUBJECTS[i % SUBJECTS.length]!;
        const task: TaskContext = {
          taskId: i + 1,
          projectId: 1,
          repository: REPOSITORIES[i % REPOSITORIES.length]!,
          // two tasks in a row share a rare word and identifier; each brings a word of its own
          title: `${i % 2 ? 'Define the API for' : 'Implement a client of'} ${subject} ${uniqueWord(i >> 1)}`,
          description: `Uses ${uniqueWord(i >> 1)}_${subject} and ${uniqueWord(5000 + i)}`,
          keywords: [],
          agentId: `agent-${i}`,
        };
        const dependencies = byIds.register(task);
        found += dependencies.length;
        expect(JSON.stringify(dependencies)).toBe(JSON.stringify(strings.register(task)));
      }
      expect(found).toBeGreaterThan(500);
    },
    HEAVY,
  );
});

describe('a specification told by ids', () => {
  it('orders Shared_Subject pairs as the sets do, whatever the case and letters around a defining word (property)', () => {
    const fragment = fc.constantFrom(
      ...['spec', 'SPEC', 'sPec', 'Spéc', 'éspec', 'specs', 'RFC', 'rfcs', 'Design', 'proposal'],
      ...['_', '-', ' ', '.', 'x', 'É', '2', 'AddLink', 'ProtocolBuffer', 'de\u0301sign'],
    );
    const title = fc.array(fragment, { minLength: 1, maxLength: 8 }).map((f) => f.join(''));
    let ordered = 0;
    fc.assert(
      fc.property(fc.array(title, { minLength: 2, maxLength: 8 }), (titles) => {
        const rules = standardRules().rules;
        const byIds = new DependencyDetector({ rules, clock });
        const strings = new DependencyDetector({ rules: rules.map(bySets), clock });
        for (const [i, t] of titles.entries()) {
          // every task shares a rare identifier: Shared_Subject matches, its order is the question
          const task: TaskContext = {
            taskId: i + 1,
            projectId: 1,
            repository: `org/r${i}`,
            title: t,
            description: 'Uses OTEL_SDK_DISABLED',
            keywords: [],
            agentId: 'a',
          };
          const found = byIds.register(task);
          ordered += found.filter((d) => d.order === 'task1_first').length;
          expect(JSON.stringify(found)).toBe(JSON.stringify(strings.register(task)));
        }
      }),
      { numRuns: 200 },
    );
    // enough pairs were put in order for the property to say something: 48-81 over 200 random
    // runs (50 here failed about one run in thirty)
    expect(ordered).toBeGreaterThan(20);
  });
});

describe('titleMayHaveVersion', () => {
  /** What `titleMayHaveVersion` said of each title registered, asked of it as a known task. */
  function askedOf(titles: readonly string[]): Map<string, boolean> {
    const told = new Map<string, boolean>();
    const probe: DependencyRule = {
      name: 'Probe',
      description: 'asks titleMayHaveVersion',
      keywords: [],
      validate: (a) => {
        const ids = textIds(a);
        if (ids !== undefined) told.set(String(a.task.title), titleMayHaveVersion(ids));
        return null;
      },
    };
    const detector = new DependencyDetector({ rules: [probe], candidates: allKnownTasks(), clock });
    for (const [i, title] of titles.entries()) {
      detector.register({
        taskId: i + 1,
        projectId: 1,
        repository: `r/${i}`,
        title,
        description: '',
        keywords: [],
        agentId: 'a',
      });
    }
    return told;
  }

  it('is true for every title with a version in it (/\\d\\.\\d/), whatever its letters (property)', () => {
    const char = fc.constantFrom(...'12.v aBé_-xZ9\u00b2/'.split(''));
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: char, maxLength: 16 }), { minLength: 2, maxLength: 12 }),
        (titles) => {
          for (const [title, mayHave] of askedOf(titles))
            if (/\d\.\d/.test(title)) expect(mayHave).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    // both answers are given (the check can fail); the last task is never a known one asked
    const told = askedOf([
      'Bump to v1.2',
      'Add a gauge',
      'Spéc 2.0-rc1',
      'Grid60Access 7',
      '²1.2',
      'last',
    ]);
    expect(Object.fromEntries(told)).toEqual({
      'Bump to v1.2': true,
      'Add a gauge': false,
      'Spéc 2.0-rc1': true,
      // numbers, but no two in a row
      'Grid60Access 7': false,
      '²1.2': true,
    });
  });
});

describe('the arrays indexed by id', () => {
  it('are made anew, longer, when the vocabulary outgrows them, and the answers stay right', () => {
    const vocabulary = new Vocabulary();
    /** A text whose words, terms (all in the title) and identifiers are these ids. */
    const text = (words: number[]): TextIds => ({
      vocabulary,
      tokens: words,
      titleEnd: words.length,
      fieldEnds: [words.length],
      words,
      titleWordCount: words.length,
      terms: words,
      titleTermCount: words.length,
      titlePhrases: [],
      identifiers: words,
    });
    const first = ['alpha', 'beta'].map((w) => vocabulary.use(w));
    expect(sharedOf(text(first), text(first)).terms.map((t) => t.term)).toEqual(['alpha', 'beta']);
    // thousands of new ids: past the length of the arrays made for the first question
    const many = Array.from({ length: 5000 }, (_, i) => vocabulary.use(uniqueWord(i)));
    const last = many.slice(-3);
    const shared = sharedOf(text([...last, first[0]!]), text(last));
    expect(shared.terms.map((t) => [t.term, t.inTitles])).toEqual(
      last.map((id) => [vocabulary.word(id), 2]),
    );
    expect(shared.identifiers).toEqual(last.map((id) => vocabulary.word(id)));
    const more = Array.from({ length: 5000 }, (_, i) => vocabulary.use(uniqueWord(9000 + i)));
    expect(titleShareOf(text(more.slice(-2)), text(more.slice(-1)), new Set(), () => 1)).toBe(0.5);
  });
});

describe('titleShareReaches', () => {
  it('says whether titleShareOf is not below the threshold, at it and a hair off it too, weighing fewer terms (property)', () => {
    const vocabulary = new Vocabulary();
    const pool = Array.from({ length: 12 }, (_, i) => vocabulary.use(uniqueWord(i)));
    const ids = fc.uniqueArray(fc.constantFrom(...pool), { minLength: 0, maxLength: 8 });
    /** A text of these terms, the first `titleCount` of them its title's. */
    const text = (terms: number[], titleCount: number): TextIds => ({
      vocabulary,
      tokens: terms,
      titleEnd: titleCount,
      fieldEnds: [terms.length],
      words: terms,
      titleWordCount: titleCount,
      terms,
      titleTermCount: Math.min(titleCount, terms.length),
      titlePhrases: [],
      identifiers: [],
    });
    let givenUp = 0;
    fc.assert(
      fc.property(
        ids,
        fc.nat(8),
        ids,
        fc.array(
          fc.oneof(
            { arbitrary: fc.constant(0), weight: 1 },
            { arbitrary: fc.double({ min: 0.01, max: 20, noNaN: true }), weight: 6 },
          ),
          {
            minLength: pool.length,
            maxLength: pool.length,
          },
        ),
        fc.subarray(pool, { maxLength: 2 }),
        fc.oneof(
          fc.constantFrom('share', 'above', 'below'),
          // API_Contract's 0.5, and others a title often falls short of
          fc.constantFrom(0.5, 0.75, 1),
          fc.double({ min: -0.1, max: 1.1, noNaN: true }),
        ),
        (ownTerms, titleCount, otherTerms, weights, excluded, threshold) => {
          const own = text(ownTerms, titleCount);
          const other = text(otherTerms, otherTerms.length);
          const exclude = new Set(excluded.map((id) => vocabulary.word(id)));
          // how many terms the other text lacks were weighed (each a costly look-up)
          let lacking = 0;
          const weigh = (term: string) => {
            const id = vocabulary.id(term)!;
            if (!otherTerms.includes(id)) lacking++;
            return weights[pool.indexOf(id)]!;
          };
          const share = titleShareOf(own, other, exclude, weigh);
          const full = lacking;
          const least =
            threshold === 'share'
              ? share
              : threshold === 'above'
                ? share + 1e-12
                : threshold === 'below'
                  ? share - 1e-12
                  : threshold;
          lacking = 0;
          expect(titleShareReaches(own, other, exclude, weigh, least)).toBe(!(share < least));
          expect(lacking).toBeLessThanOrEqual(full);
          if (lacking < full) givenUp++;
        },
      ),
      { numRuns: 2000 },
    );
    // the point of it: the share was given up before every term was weighed, often (about 200
    // runs of 2,000; most are given up only at their last lacking term, or reach the threshold)
    expect(givenUp).toBeGreaterThan(50);
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
