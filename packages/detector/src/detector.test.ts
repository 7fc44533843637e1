import {
  type Clock,
  type DependencyRule,
  type RulePack,
  SPECIFICATION_VERSION,
  type TaskContext,
  type TaskDependency,
  UnsupportedSpecificationError,
} from '@chorale/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  allKnownTasks,
  type CandidateSource,
  DependencyDetector,
  type KnownTask,
} from './detector.js';
import { InvalidRuleError } from './errors.js';
import { explain } from './evaluate.js';

const clock: Clock = { now: () => 1_700_000_000_000, setTimeout: () => 0, clearTimeout: () => {} };

function task(
  taskId: number | string,
  repository: string,
  title: string,
  extra: Partial<TaskContext> = {},
): TaskContext {
  return {
    taskId,
    projectId: 1,
    repository,
    title,
    description: '',
    keywords: [],
    agentId: `agent-${taskId}`,
    ...extra,
  };
}

/** Matches when one task has `x` and the other `y` (as words). */
function pairRule(
  name: string,
  x: string,
  y: string,
  extra: { confidence?: number; first?: boolean } = {},
): DependencyRule {
  return {
    name,
    description: `${x} and ${y}`,
    keywords: [x, y],
    validate(a, b) {
      const ab = a.has(x) && b.has(y);
      const ba = b.has(x) && a.has(y);
      if (!ab && !ba) return null;
      const match: { reason: string; confidence?: number; first?: 'a' | 'b' } = {
        reason: `${x} before ${y}`,
      };
      if (extra.confidence !== undefined) match.confidence = extra.confidence;
      if (extra.first && ab !== ba) match.first = ab ? 'a' : 'b';
      return match;
    },
  };
}

const pack = (rules: DependencyRule[], name = 'test-pack'): RulePack => ({
  specificationVersion: SPECIFICATION_VERSION,
  name,
  rules,
});

/**
 * A rule that matches every pair with `confidence`; its evidence is a getter that logs its
 * name in `reads`, and throws when `throws`.
 */
function lazyEvidenceRule(
  reads: string[],
  name: string,
  confidence: number,
  throws: boolean,
): DependencyRule {
  return {
    name,
    description: name,
    keywords: ['x'],
    validate: () => ({
      reason: name,
      confidence,
      get evidence() {
        reads.push(name);
        if (throws) throw new Error(`${name} evidence`);
        return { a: [name], b: [], signals: [] };
      },
    }),
  };
}
describe('register', () => {
  it('reports a dependency between tasks of two repositories, stamped by the clock', () => {
    const detector = new DependencyDetector({
      rules: [pack([pairRule('Api', 'api', 'implement')])],
      clock,
    });
    expect(detector.register(task(1, 'org/api', 'Define the api'))).toEqual([]);
    const found = detector.register(task(2, 'org/web', 'Implement the client'));
    expect(found).toEqual<TaskDependency[]>([
      {
        task1: task(1, 'org/api', 'Define the api'),
        task2: task(2, 'org/web', 'Implement the client'),
        relationship: 'Api',
        confidence: 0.7,
        reason: 'api before implement',
        detectedAt: 1_700_000_000_000,
        order: 'either',
        evidence: { task1Terms: [], task2Terms: [], references: [], signals: [] },
      },
    ]);
    expect(detector.knownTasks()).toHaveLength(2);
  });

  it('skips the task itself and tasks of the same repository (however the repository is written)', () => {
    const detector = new DependencyDetector({ rules: [pairRule('Api', 'api', 'implement')] });
    detector.register(task(1, 'org/api', 'Define the api'));
    expect(
      detector.register(task(2, 'https://example.org/Org/API.git', 'Implement the api')),
    ).toEqual([]);
    expect(detector.register(task(3, 'ORG/api', 'Implement it'))).toEqual([]);
    expect(detector.register(task(1, 'org/api', 'Define the api and implement it'))).toEqual([]);
    expect(detector.knownTasks()).toHaveLength(3);
  });

  it('never reports the same pair and relationship twice', () => {
    const detector = new DependencyDetector({ rules: [pairRule('Api', 'api', 'implement')] });
    detector.register(task(1, 'org/api', 'Define the api'));
    expect(detector.register(task(2, 'org/web', 'Implement it'))).toHaveLength(1);
    expect(detector.register(task(2, 'org/web', 'Implement it'))).toEqual([]);
    expect(detector.register(task(1, 'org/api', 'Define the api'))).toEqual([]);
    const third = detector.register(task(3, 'org/cli', 'Implement the cli'));
    expect(third.map((d) => [d.task1.taskId, d.task2.taskId])).toEqual([[1, 3]]);
  });

  it('gives rules a corpus whose documentFrequency works taken out of it (index or not)', () => {
    const seen = new Map<string, number[]>();
    const rule: DependencyRule = {
      name: 'Rare',
      description: 'shares a word no other task has',
      keywords: [],
      validate(a, b, corpus) {
        const { documentFrequency, size } = corpus!;
        const shared = [...a.terms].filter((t) => b.terms.has(t));
        seen.set(`${a.task.taskId}-${b.task.taskId}`, [
          size,
          ...shared.map((t) => documentFrequency(t)),
        ]);
        return shared.some((t) => documentFrequency(t) === 2) ? { reason: 'rare' } : null;
      },
    };
    for (const candidates of [undefined, allKnownTasks()]) {
      seen.clear();
      const detector = new DependencyDetector({ rules: [rule], ...(candidates && { candidates }) });
      detector.register(task(1, 'org/a', 'zebra common'));
      detector.register(task(2, 'org/b', 'common'));
      const found = detector.register(task(3, 'org/c', 'zebra common'));
      expect(detector.ruleErrors()).toEqual([]);
      expect(found.map((d) => [d.task1.taskId, d.task2.taskId])).toEqual([[1, 3]]);
      // task 3 with task 1: 3 known tasks, "zebra" in 2 of them, "common" in 3
      expect(seen.get('1-3')).toEqual([3, 2, 3]);
      expect(seen.get('2-3')).toEqual([3, 3]);
    }
  });

  it('reports the pairs of a released task again when it is claimed again', () => {
    const detector = new DependencyDetector({ rules: [pairRule('Api', 'api', 'implement')] });
    detector.register(task(1, 'org/api', 'Define the api'));
    expect(detector.register(task(2, 'org/web', 'Implement it'))).toHaveLength(1);
    expect(detector.release({ projectId: 1, taskId: 2 })).toBe(true);
    expect(detector.release({ projectId: 1, taskId: 2 })).toBe(false);
    // a new claim of task 2: its dependency is reported again, once
    const again = detector.register(task(2, 'org/web', 'Implement it'));
    expect(again.map((d) => [d.task1.taskId, d.task2.taskId, d.relationship])).toEqual([
      [1, 2, 'Api'],
    ]);
    expect(detector.register(task(2, 'org/web', 'Implement it'))).toEqual([]);
    // the other side released: the pair is new again too
    detector.release({ projectId: 1, taskId: 1 });
    expect(detector.register(task(1, 'org/api', 'Define the api'))).toHaveLength(1);
  });

  /** A candidate source that hands out its own objects for the known tasks, not the detector's. */
  function copyingSource(): CandidateSource {
    const all = allKnownTasks();
    const copy = (t: KnownTask): KnownTask => ({
      key: t.key,
      task: t.task,
      get text() {
        return t.text;
      },
      refs: t.refs,
      repository: t.repository,
      order: t.order,
      slot: t.slot,
    });
    return {
      add: (t) => all.add(t),
      remove: (t) => all.remove(t),
      candidates: (t) => [...all.candidates(t)].map(copy),
    };
  }

  it.each([
    ['the default index', undefined],
    ['a source of its own objects', copyingSource],
  ])(
    'updates a task registered again: replaces it and reports only what is new (%s)',
    (_, source) => {
      const rules = [pairRule('Api', 'api', 'implement'), pairRule('Db', 'table', 'service')];
      const detector = new DependencyDetector({ rules, ...(source && { candidates: source() }) });
      detector.register(task(1, 'org/api', 'Define the api'));
      expect(
        detector
          .register(task(2, 'org/web', 'Implement the web service'))
          .map((d) => d.relationship),
      ).toEqual(['Api']);
      // the api task changes: now a table change; the pair now matches Db
      const updated = detector.register(task(1, 'org/api', 'Add the users table'));
      expect(updated.map((d) => d.relationship)).toEqual(['Db']);
      expect(updated[0]!.task1.title).toBe('Add the users table');
      expect(detector.knownTasks().map((t) => t.title)).toEqual([
        'Add the users table',
        'Implement the web service',
      ]);
      // back to the api: already reported for this pair
      expect(detector.register(task(1, 'org/api', 'Define the api'))).toEqual([]);
    },
  );

  it("an update keeps the task's place: task1 stays the earlier-known task", () => {
    const detector = new DependencyDetector({
      rules: [pairRule('Api', 'api', 'implement'), pairRule('Db', 'table', 'service')],
    });
    detector.register(task(1, 'org/a', 'the api'));
    expect(detector.register(task(2, 'org/b', 'implement service'))).toHaveLength(1);
    const [dep] = detector.register(task(1, 'org/a', 'the table'));
    expect(dep?.relationship).toBe('Db');
    expect(dep?.task1.taskId).toBe(1);
  });

  it('identifies a task by project and task id', () => {
    const detector = new DependencyDetector({ rules: [pairRule('Api', 'api', 'implement')] });
    detector.register(task(1, 'org/api', 'Define the api'));
    const other = detector.register(task(1, 'org/web', 'Implement it', { projectId: 2 }));
    expect(other).toHaveLength(1);
    expect(detector.knownTasks()).toHaveLength(2);
  });

  it('reports the best match only: highest confidence, rule order on a tie', () => {
    const low = pairRule('Low', 'api', 'implement', { confidence: 0.5 });
    const high = pairRule('High', 'api', 'implement', { confidence: 0.8 });
    const tie = pairRule('Tie', 'api', 'implement', { confidence: 0.8 });
    const detector = new DependencyDetector({ rules: [low, high, tie] });
    detector.register(task(1, 'org/a', 'api'));
    const found = detector.register(task(2, 'org/b', 'implement'));
    expect(found.map((d) => [d.relationship, d.confidence])).toEqual([['High', 0.8]]);
  });

  it('puts first the task the rule names, else the earlier-known one', () => {
    const ordered = new DependencyDetector({
      rules: [pairRule('Api', 'api', 'implement', { first: true })],
    });
    ordered.register(task(1, 'org/web', 'implement'));
    const [dep] = ordered.register(task(2, 'org/api', 'api'));
    expect([dep?.task1.taskId, dep?.task2.taskId]).toEqual([2, 1]);

    const unordered = new DependencyDetector({ rules: [pairRule('Api', 'api', 'implement')] });
    unordered.register(task(1, 'org/web', 'implement'));
    const [dep2] = unordered.register(task(2, 'org/api', 'api'));
    expect([dep2?.task1.taskId, dep2?.task2.taskId]).toEqual([1, 2]);
  });

  it('drops matches below minConfidence and clamps confidences into 0..1', () => {
    const detector = new DependencyDetector({
      rules: [
        pairRule('Weak', 'a1', 'b1', { confidence: 0.3 }),
        pairRule('Over', 'a2', 'b2', { confidence: 7 }),
      ],
      minConfidence: 0.5,
    });
    detector.register(task(1, 'org/a', 'a1 a2'));
    expect(detector.register(task(2, 'org/b', 'b1'))).toEqual([]);
    expect(detector.register(task(3, 'org/c', 'b2')).map((d) => d.confidence)).toEqual([1]);
  });

  it('uses defaultConfidence when a rule gives none', () => {
    const detector = new DependencyDetector({
      rules: [pairRule('Api', 'api', 'implement')],
      defaultConfidence: 0.42,
    });
    detector.register(task(1, 'org/a', 'api'));
    expect(detector.register(task(2, 'org/b', 'implement'))[0]?.confidence).toBe(0.42);
  });
});

describe('failing rules', () => {
  const throwing: DependencyRule = {
    name: 'Throws',
    description: 'always throws',
    keywords: ['x'],
    validate: () => {
      throw new Error('boom');
    },
  };
  const malformed: DependencyRule = {
    name: 'Malformed',
    description: 'returns nonsense',
    keywords: ['x'],
    validate: () => ({ reason: 42 }) as never,
  };

  it('counts a validator that throws or returns nonsense, and goes on with the other rules', () => {
    const onRuleError = vi.fn(() => {
      throw new Error('listener failure is ignored too');
    });
    const detector = new DependencyDetector({
      rules: [throwing, malformed, pairRule('Api', 'api', 'implement')],
      onRuleError,
      // every pair is compared (the default index skips tasks that share no term)
      candidates: allKnownTasks(),
    });
    detector.register(task(1, 'org/a', 'api'));
    const found = detector.register(task(2, 'org/b', 'implement'));
    detector.register(task(3, 'org/c', 'other'));
    expect(found.map((d) => d.relationship)).toEqual(['Api']);
    expect(detector.ruleErrors()).toEqual([
      { rule: 'Throws', count: 3, lastError: 'rule "Throws" failed: validator threw: boom' },
      {
        rule: 'Malformed',
        count: 3,
        lastError: 'rule "Malformed" failed: returned a match without a reason',
      },
    ]);
    expect(onRuleError).toHaveBeenCalledTimes(6);
  });

  it("reads the evidence of the reported match only, after the pair's rules ran; a getter that throws fails its rule and the next best is reported", () => {
    const reads: string[] = [];
    const lazy = (name: string, confidence: number, throws = false) =>
      lazyEvidenceRule(reads, name, confidence, throws);
    const detector = new DependencyDetector({
      rules: [
        lazy('First', 0.8),
        lazy('Lower', 0.5, true), // never the best: its evidence is never read, so no failure
        lazy('Higher', 0.9, true), // the best: read first, throws, counted; then First
        lazy('Tie', 0.8), // a tie goes to the earlier: not read
      ],
      candidates: allKnownTasks(),
    });
    detector.register(task(1, 'org/a', 'x'));
    const [found] = detector.register(task(2, 'org/b', 'x'));
    expect(found?.relationship).toBe('First');
    expect(found?.evidence?.task1Terms).toEqual(['First']);
    expect(reads).toEqual(['Higher', 'First']);
    expect(detector.ruleErrors()).toEqual([
      {
        rule: 'Higher',
        count: 1,
        lastError: 'rule "Higher" failed: evidence threw: Higher evidence',
      },
    ]);
    // explain reads every match's evidence: both throwing getters fail there
    const verdicts = detector.explain('x', 'x').verdicts;
    expect(verdicts.filter((v) => v.error).map((v) => v.rule)).toEqual(['Lower', 'Higher']);
    expect(verdicts.find((v) => v.rule === 'Tie')).toMatchObject({
      matched: true,
      evidence: { a: ['Tie'] },
    });
  });

  it('never reads the evidence of a match that a later rule beats', () => {
    const reads: string[] = [];
    const detector = new DependencyDetector({
      // Beaten was the best when it ran (its getter would throw): never read, never counted
      rules: [
        lazyEvidenceRule(reads, 'Beaten', 0.85, true),
        lazyEvidenceRule(reads, 'Top', 0.95, false),
      ],
      candidates: allKnownTasks(),
    });
    detector.register(task(1, 'org/a', 'x'));
    const [found] = detector.register(task(2, 'org/b', 'x'));
    expect(found?.relationship).toBe('Top');
    expect(reads).toEqual(['Top']);
    expect(detector.ruleErrors()).toEqual([]);
  });

  it('explain shows the failure in the verdict', () => {
    const result = explain('api', 'implement', [throwing]);
    expect(result.verdicts.find((v) => v.rule === 'Throws')).toMatchObject({
      matched: false,
      error: expect.stringContaining('boom'),
    });
  });
});

describe('cross-references', () => {
  it('reports an explicit org/repo#id as Explicit_Reference (1.0), above any rule, the cited task first', () => {
    const detector = new DependencyDetector({
      rules: [pairRule('Api', 'api', 'implement', { confidence: 0.9 })],
    });
    detector.register(task(3877, 'open/spec', 'Define the api'));
    const [dep] = detector.register(
      task(6375, 'open/java', 'Implement scope config', { description: 'Follows open/spec#3877.' }),
    );
    expect(dep).toMatchObject({
      relationship: 'Explicit_Reference',
      confidence: 1,
      order: 'task1_first',
      evidence: { references: ['open/spec#3877'] },
    });
    expect(dep?.task1.taskId).toBe(3877);
  });

  it('works without any rule pack, and can be turned off', () => {
    const on = new DependencyDetector();
    on.register(task(12, 'acme/api', 'Something'));
    expect(
      on.register(task(1, 'acme/web', 'Unrelated words', { keywords: ['acme/api#12'] })),
    ).toHaveLength(1);

    const off = new DependencyDetector({ crossReferences: false });
    off.register(task(12, 'acme/api', 'Something'));
    expect(off.register(task(1, 'acme/web', 'see acme/api#12'))).toEqual([]);
  });

  it('needs the reference as a whole word', () => {
    const detector = new DependencyDetector();
    detector.register(task(12, 'acme/api', 'Something'));
    expect(detector.register(task(1, 'acme/web', 'see xacme/api#123 and acme/api#12b'))).toEqual(
      [],
    );
  });
});

describe('rules', () => {
  it('adds rules and packs after the loaded ones, and lists them', () => {
    const detector = new DependencyDetector({ rules: [pairRule('A', 'a', 'b')] });
    detector.addRule(pairRule('B', 'c', 'd'));
    detector.addRulePack(pack([pairRule('C', 'e', 'f')]));
    expect(detector.rules().map((r) => r.name)).toEqual(['A', 'B', 'C']);
  });

  it('refuses duplicate names, the reserved name, and rules without a validator', () => {
    const detector = new DependencyDetector({ rules: [pairRule('A', 'a', 'b')] });
    expect(() => detector.addRule(pairRule('A', 'x', 'y'))).toThrow(InvalidRuleError);
    expect(() => detector.addRule(pairRule('Cross_Reference', 'x', 'y'))).toThrow(InvalidRuleError);
    expect(() => detector.addRule({ name: 'N', description: '', keywords: [] } as never)).toThrow(
      /validate/,
    );
    expect(() =>
      detector.addRule({ name: ' ', description: '', keywords: [], validate: () => null }),
    ).toThrow(/name/);
    expect(
      () => new DependencyDetector({ rules: [pairRule('A', 'a', 'b'), pairRule('A', 'a', 'b')] }),
    ).toThrow(InvalidRuleError);
  });

  it('adds a pack whole or not at all', () => {
    const detector = new DependencyDetector({ rules: [pairRule('A', 'a', 'b')] });
    expect(() =>
      detector.addRulePack(pack([pairRule('B', 'x', 'y'), pairRule('A', 'x', 'y')])),
    ).toThrow(InvalidRuleError);
    expect(detector.rules().map((r) => r.name)).toEqual(['A']);
  });

  it('refuses a pack written for another contract version', () => {
    const detector = new DependencyDetector();
    const old = {
      ...pack([pairRule('B', 'x', 'y')]),
      specificationVersion: 'v0',
    } as unknown as RulePack;
    expect(() => detector.addRulePack(old)).toThrow(UnsupportedSpecificationError);
  });
});

describe('candidates', () => {
  it('come from a swappable source', () => {
    const seen: string[] = [];
    const onlyApi: CandidateSource = {
      tasks: new Map<string, KnownTask>(),
      add(t) {
        this.tasks.set(t.key, t);
      },
      remove(t) {
        this.tasks.delete(t.key);
      },
      *candidates(t) {
        seen.push(String(t.task.taskId));
        for (const known of this.tasks.values()) if (known.text.has('api')) yield known;
      },
    } as CandidateSource & { tasks: Map<string, KnownTask> };
    const detector = new DependencyDetector({
      rules: [pairRule('X', 'x', 'y')],
      candidates: onlyApi,
    });
    detector.register(task(1, 'org/a', 'x'));
    detector.register(task(2, 'org/b', 'api x'));
    expect(detector.register(task(3, 'org/c', 'y')).map((d) => d.task1.taskId)).toEqual([2]);
    expect(seen).toEqual(['1', '2', '3']);
  });

  it('remove forgets a task; what was reported stays reported', () => {
    const detector = new DependencyDetector({ rules: [pairRule('Api', 'api', 'implement')] });
    detector.register(task(1, 'org/a', 'api'));
    expect(detector.remove({ projectId: 1, taskId: 1 })).toBe(true);
    expect(detector.remove({ projectId: 1, taskId: 1 })).toBe(false);
    expect(detector.register(task(2, 'org/b', 'implement'))).toEqual([]);
    expect(detector.knownTasks().map((t) => t.taskId)).toEqual([2]);
  });
});

describe('explain', () => {
  it("gives every rule's verdict for two bare texts, and the best one", () => {
    const detector = new DependencyDetector({
      rules: [pairRule('Api', 'api', 'implement'), pairRule('Db', 'table', 'service')],
    });
    const result = detector.explain('Define the API', 'Implement it');
    expect(result.verdicts.map((v) => [v.rule, v.matched])).toEqual([
      ['Explicit_Reference', false],
      ['Api', true],
      ['Db', false],
    ]);
    expect(result.verdicts[1]?.keywords).toEqual({ a: ['api'], b: ['implement'] });
    expect(result.best?.rule).toBe('Api');
    expect(result.skipped).toBeUndefined();
  });

  it('says when the detector would not compare the two', () => {
    const a = task(1, 'org/a', 'api');
    expect(explain(a, a, []).skipped).toBe('same-task');
    expect(explain(a, task(2, 'ORG/A', 'implement'), []).skipped).toBe('same-repository');
  });
});

describe('properties', () => {
  const words = ['api', 'implement', 'table', 'service', 'rapid', 'author', 'stable', 'x'];
  const arbTask = fc.record({
    taskId: fc.integer({ min: 1, max: 6 }),
    projectId: fc.constantFrom(1, 2),
    repository: fc.constantFrom('org/a', 'org/b', 'ORG/A', 'org/c'),
    title: fc.array(fc.constantFrom(...words), { maxLength: 4 }).map((w) => w.join(' ')),
    description: fc.string(),
    keywords: fc.array(fc.constantFrom(...words, 'org/a#1', 'org/b#2'), { maxLength: 2 }),
    agentId: fc.constant('agent'),
  });

  it('never reports a pair and relationship twice, never the same repository or the task itself', () => {
    fc.assert(
      fc.property(fc.array(arbTask, { maxLength: 25 }), (tasks) => {
        const detector = new DependencyDetector({
          rules: [
            pairRule('Api', 'api', 'implement', { first: true }),
            pairRule('Db', 'table', 'service', { confidence: 0.8 }),
          ],
        });
        const seen = new Set<string>();
        for (const t of tasks) {
          for (const dep of detector.register(t)) {
            const k1 = `${dep.task1.projectId}/${dep.task1.taskId}`;
            const k2 = `${dep.task2.projectId}/${dep.task2.taskId}`;
            expect(k1).not.toBe(k2);
            expect(dep.task1.repository.toLowerCase()).not.toBe(dep.task2.repository.toLowerCase());
            expect(dep.confidence).toBeGreaterThanOrEqual(0);
            expect(dep.confidence).toBeLessThanOrEqual(1);
            const key = `${[k1, k2].sort().join('|')}|${dep.relationship}`;
            expect(seen.has(key), `reported twice: ${key}`).toBe(false);
            seen.add(key);
          }
        }
        expect(detector.knownTasks().length).toBeLessThanOrEqual(tasks.length);
      }),
      { numRuns: 300 },
    );
  });
});
