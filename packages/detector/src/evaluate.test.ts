import type { DependencyRule, TaskContext } from '@chorale/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusOf } from './corpus.js';
import { bestMatch, bestVerdict, evaluate, prepare, type RuleEntry } from './evaluate.js';

function task(id: number, repository: string, title: string): TaskContext {
  return {
    taskId: id,
    projectId: 1,
    repository,
    title,
    description: '',
    keywords: [],
    agentId: 'a',
  };
}

/**
 * A rule that answers what it is told: a confidence, null, a bad value, a throw, or a match
 * whose evidence getter throws (`[confidence]`).
 */
function rule(name: string, answer: number | null | 'bad' | 'throw' | [number]): DependencyRule {
  return {
    name,
    description: name,
    keywords: [],
    validate: () => {
      if (answer === 'throw') throw new Error('boom');
      if (answer === 'bad') return { confidence: 0.5 } as never;
      if (answer === null) return null;
      if (Array.isArray(answer)) {
        return {
          reason: name,
          confidence: answer[0],
          get evidence(): never {
            throw new Error(`${name} evidence`);
          },
        };
      }
      return { reason: name, confidence: answer, evidence: { a: [name], signals: [`${name}!`] } };
    },
  };
}

describe('bestMatch', () => {
  const options = { defaultConfidence: 0.7, crossReferences: true };
  const answer = fc.oneof(
    fc.constantFrom(null, 'bad' as const, 'throw' as const),
    fc.constantFrom(0, 0.5, 0.8, 0.95, 1),
    fc.constantFrom<[number]>([0.5], [0.8], [0.95]),
  );

  it('reports what bestVerdict(evaluate(...)) reports, and the failures it meets on the way', () => {
    fc.assert(
      fc.property(fc.array(answer, { maxLength: 6 }), fc.boolean(), (answers, cites) => {
        const entries: RuleEntry[] = answers.map((x, i) => ({ rule: rule(`R${i}`, x), pack: 'p' }));
        const a = prepare(task(1, 'org/a', 'first'));
        const b = prepare(task(2, 'org/b', cites ? 'after org/a#1' : 'second'));
        const corpus = corpusOf([a.text, b.text]);
        const failures: [string[], string[]] = [[], []];
        const all = evaluate(entries, a, b, options, corpus, (e) => failures[0].push(e.message));
        const best = bestMatch(entries, a, b, options, corpus, (e) => failures[1].push(e.message));
        expect(best).toEqual(bestVerdict(all));
        // every validate failure; an evidence getter's only when its match was to be reported
        const validating = (m: string) => !m.includes('evidence threw');
        expect(failures[1].filter(validating)).toEqual(failures[0].filter(validating));
        for (const failure of failures[1]) expect(failures[0]).toContain(failure);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the earlier of two equal matches and copies the winner’s evidence', () => {
    const entries: RuleEntry[] = [rule('A', 0.8), rule('B', 0.8), rule('C', 'throw')].map((r) => ({
      rule: r,
    }));
    const a = prepare(task(1, 'org/a', 'first'));
    const b = prepare(task(2, 'org/b', 'second'));
    const best = bestMatch(entries, a, b, options, corpusOf([a.text, b.text]));
    expect(best).toMatchObject({ rule: 'A', confidence: 0.8, evidence: { a: ['A'], b: [] } });
  });

  it("keeps the strings of a rule's evidence lists only, in copies the rule cannot change", () => {
    const a = prepare(task(1, 'org/a', 'first'));
    const b = prepare(task(2, 'org/b', 'second'));
    const words = ['x', 'y'];
    // a list with other values, a sparse one (its hole reads as undefined), a list of strings
    const signals = ['s'];
    signals[2] = 't';
    const given = { a: words, b: ['p', 3, null, 'q'], signals };
    const entries: RuleEntry[] = [
      {
        rule: {
          name: 'E',
          description: 'E',
          keywords: [],
          validate: () => ({ reason: 'e', confidence: 0.6, evidence: given as never }),
        },
      },
    ];
    const best = bestMatch(entries, a, b, options, corpusOf([a.text, b.text]));
    expect(best?.evidence).toEqual({
      a: ['x', 'y'],
      b: ['p', 'q'],
      references: [],
      signals: ['s', 't'],
    });
    words.push('z');
    expect(best?.evidence?.a).toEqual(['x', 'y']);
  });
});
