/**
 * Conformance suite for rule packs. Every rules plugin runs it in its `compliance.test.ts`,
 * and so does a team writing its own pack:
 *
 * ```ts
 * import { testRulePack } from '@chorale/testing/rules';
 * testRulePack(() => myRules(), {
 *   examples: [{ a: 'Add orders topic producer', b: 'Consume orders topic', relationship: 'My_Rule' }],
 * });
 * ```
 *
 * It checks the pack's shape (contract version, unique non-empty rule names, descriptions,
 * keywords) and each validator's behaviour on generated texts — random, empty, huge, unicode,
 * and texts made of the rule's own keywords so that matches happen: it never throws, it answers
 * null or a match with a reason, a confidence in 0..1 and `first` of 'a' | 'b'; the same inputs
 * give the same verdict; a match on (a, b) is a match on (b, a) with the same relationship and,
 * when both say which task goes first, the same task; two empty tasks never match.
 * Texts are split by the detector's own tokenizer (`taskText` from `@chorale/detector`).
 */
import {
  type DependencyRule,
  type RuleMatch,
  type RulePack,
  SPECIFICATION_VERSION,
  type TaskContext,
  type TaskText,
} from '@chorale/core';
import { EXPLICIT_REFERENCE, explain, taskText } from '@chorale/detector';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

export type RulePackSetup = () => RulePack | Promise<RulePack>;

/** A pair the pack must match with the named rule (the best match `explain` would report). */
export interface RuleExample {
  a: string | TaskContext;
  b: string | TaskContext;
  relationship: string;
  /** Which task the match should put first, when the rule tells. */
  first?: 'a' | 'b';
}

/** A pair the pack must not match with any rule. */
export interface RuleCounterExample {
  a: string | TaskContext;
  b: string | TaskContext;
}

export interface RulePackSuiteOptions {
  examples?: RuleExample[];
  counterExamples?: RuleCounterExample[];
  /** Runs of each property (default 100). */
  numRuns?: number;
}

let next = 0;
function task(
  title: string,
  description: string,
  keywords: string[],
  repository: string,
): TaskContext {
  next += 1;
  return {
    taskId: next,
    projectId: 1,
    repository,
    title,
    description,
    keywords,
    agentId: `agent-${next}`,
  };
}

function text(
  title: string,
  description = '',
  keywords: string[] = [],
  repository = 'org/a',
): TaskText {
  return taskText(task(title, description, keywords, repository));
}

/** Words likely to make rules fire: the pack's keywords and a few common task words. */
function vocabulary(pack: RulePack): string[] {
  const words = new Set<string>([
    'add',
    'update',
    'implement',
    'implementation',
    'define',
    'user',
    'service',
    'for',
    'the',
    'new',
  ]);
  for (const rule of pack.rules) for (const k of rule.keywords ?? []) words.add(k);
  return [...words];
}

function textArbitrary(words: string[]): fc.Arbitrary<string> {
  const word = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...words) },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
  );
  return fc.array(word, { maxLength: 12 }).chain((parts) =>
    fc
      .array(fc.constantFrom(' ', '_', '-', '. ', '\n', ''), {
        minLength: parts.length,
        maxLength: parts.length,
      })
      .map((seps) => parts.map((p, i) => p + seps[i]).join('')),
  );
}

function taskArbitrary(words: string[], repository: string): fc.Arbitrary<TaskText> {
  return fc
    .record({
      title: textArbitrary(words),
      description: textArbitrary(words),
      keywords: fc.array(fc.oneof(fc.constantFrom(...words), fc.string()), { maxLength: 4 }),
    })
    .map((t) => text(t.title, t.description, t.keywords, repository));
}

/** Checks one verdict's shape; returns it for further checks. */
function checkVerdict(rule: DependencyRule, verdict: RuleMatch | null): RuleMatch | null {
  if (verdict === null) return null;
  expect(typeof verdict, `${rule.name} returned a non-object`).toBe('object');
  expect(typeof verdict.reason, `${rule.name}: a match needs a reason`).toBe('string');
  expect(verdict.reason.trim(), `${rule.name}: a match needs a reason`).not.toBe('');
  if (verdict.confidence !== undefined) {
    expect(Number.isFinite(verdict.confidence), `${rule.name}: confidence is not a number`).toBe(
      true,
    );
    expect(verdict.confidence).toBeGreaterThanOrEqual(0);
    expect(verdict.confidence).toBeLessThanOrEqual(1);
  }
  if (verdict.first !== undefined) expect(['a', 'b']).toContain(verdict.first);
  return verdict;
}

function checkPair(rule: DependencyRule, a: TaskText, b: TaskText): void {
  const ab = checkVerdict(rule, rule.validate(a, b));
  const again = rule.validate(a, b);
  expect(again, `${rule.name} is not deterministic`).toEqual(ab);
  const ba = checkVerdict(rule, rule.validate(b, a));
  expect(ba === null, `${rule.name} matches (a, b) but not (b, a), or the other way`).toBe(
    ab === null,
  );
  if (ab?.first && ba?.first) {
    // (a, b) first 'a' names the same task as (b, a) first 'b'
    expect(ba.first, `${rule.name} puts a different task first when the pair is swapped`).not.toBe(
      ab.first,
    );
  }
}

/** Registers the rule pack conformance tests. */
export function testRulePack(setup: RulePackSetup, options: RulePackSuiteOptions = {}): void {
  const numRuns = options.numRuns ?? 100;

  describe('rule pack conformance', () => {
    it('declares the contract version it was written for and a name', async () => {
      const pack = await setup();
      expect(pack.specificationVersion).toBe(SPECIFICATION_VERSION);
      expect(typeof pack.name).toBe('string');
      expect(pack.name.trim()).not.toBe('');
    });

    it('has at least one rule, with unique non-empty names', async () => {
      const pack = await setup();
      expect(Array.isArray(pack.rules)).toBe(true);
      expect(pack.rules.length).toBeGreaterThan(0);
      const names = pack.rules.map((r) => r.name);
      for (const name of names) {
        expect(typeof name).toBe('string');
        expect(name.trim()).not.toBe('');
        expect(name, 'the built-in check owns this name').not.toBe(EXPLICIT_REFERENCE);
      }
      expect(new Set(names).size, `duplicate rule names in ${names.join(', ')}`).toBe(names.length);
    });

    it('describes every rule and lists its keywords', async () => {
      const pack = await setup();
      for (const rule of pack.rules) {
        expect(typeof rule.description, `${rule.name} has no description`).toBe('string');
        expect(rule.description.trim(), `${rule.name} has no description`).not.toBe('');
        expect(Array.isArray(rule.keywords), `${rule.name} has no keywords`).toBe(true);
        expect(rule.keywords.length, `${rule.name} has no keywords`).toBeGreaterThan(0);
        for (const k of rule.keywords) {
          expect(typeof k).toBe('string');
          expect(k.trim(), `${rule.name} has an empty keyword`).not.toBe('');
        }
        expect(typeof rule.validate, `${rule.name} has no validate function`).toBe('function');
      }
    });

    it('never matches two empty tasks', async () => {
      const pack = await setup();
      for (const rule of pack.rules) {
        expect(rule.validate(text(''), text('', '', [], 'org/b')), rule.name).toBeNull();
      }
    });

    it('never throws on empty, huge and unicode texts', async () => {
      const pack = await setup();
      const words = vocabulary(pack);
      const huge = Array.from({ length: 20_000 }, (_, i) => words[i % words.length]).join(' ');
      const samples: TaskText[] = [
        text(''),
        text(' \n\t '),
        text(huge, huge, words),
        text('x'.repeat(200_000)),
        text('日本語のタスク — ünïcödé 🚀🔥 İstanbul ǅemal 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'e\u0301 \u200b\u0000\uffff'),
        text('\ud800 lone surrogate \udfff', '\u202e reversed'),
        text(
          words.join('_'),
          words.join('-'),
          words.map((w) => w.toUpperCase()),
        ),
      ];
      for (const rule of pack.rules) {
        for (const a of samples) {
          for (const b of samples) {
            if (a !== b) checkPair(rule, a, b);
          }
        }
      }
    });

    it('never throws on random texts; verdicts are well-formed, deterministic and symmetric', async () => {
      const pack = await setup();
      const words = vocabulary(pack);
      fc.assert(
        fc.property(taskArbitrary(words, 'org/a'), taskArbitrary(words, 'org/b'), (a, b) => {
          for (const rule of pack.rules) checkPair(rule, a, b);
        }),
        { numRuns },
      );
    });

    it('matches its own keywords in some pair (a rule that never fires is a broken rule)', async () => {
      const pack = await setup();
      const words = vocabulary(pack);
      const fired = new Set<string>();
      fc.assert(
        fc.property(taskArbitrary(words, 'org/a'), taskArbitrary(words, 'org/b'), (a, b) => {
          for (const rule of pack.rules) if (rule.validate(a, b)) fired.add(rule.name);
        }),
        { numRuns: Math.max(numRuns, 300), seed: 42 },
      );
      for (const rule of pack.rules) {
        // texts made only of the rule's keywords, and pairs of them
        for (const k1 of rule.keywords) {
          for (const k2 of rule.keywords) {
            if (rule.validate(text(`${k1} ${k2}`), text(`${k2} ${k1}`, '', [], 'org/b'))) {
              fired.add(rule.name);
            }
          }
        }
      }
      for (const example of options.examples ?? []) fired.add(example.relationship);
      const silent = pack.rules.map((r) => r.name).filter((n) => !fired.has(n));
      expect(silent, 'rules that matched no generated pair; give them an example').toEqual([]);
    });

    for (const [i, example] of (options.examples ?? []).entries()) {
      it(`example ${i + 1}: ${label(example.a)} / ${label(example.b)} → ${example.relationship}`, async () => {
        const pack = await setup();
        const result = explain(example.a, example.b, [pack], { crossReferences: false });
        expect(result.best?.rule).toBe(example.relationship);
        if (example.first) expect(result.best?.first).toBe(example.first);
        const swapped = explain(example.b, example.a, [pack], { crossReferences: false });
        expect(swapped.best?.rule).toBe(example.relationship);
      });
    }

    for (const [i, example] of (options.counterExamples ?? []).entries()) {
      it(`counter-example ${i + 1}: ${label(example.a)} / ${label(example.b)} → no match`, async () => {
        const pack = await setup();
        const result = explain(example.a, example.b, [pack], { crossReferences: false });
        expect(result.verdicts.filter((v) => v.matched).map((v) => v.rule)).toEqual([]);
      });
    }
  });
}

function label(input: string | TaskContext): string {
  return JSON.stringify(typeof input === 'string' ? input : input.title);
}
