import type { DependencyRule, TaskContext } from '@chorale/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countedTerms } from '../corpus.js';
import { normalizeRepository, referencesOf } from '../cross-reference.js';
import {
  allKnownTasks,
  type CandidateSource,
  DependencyDetector,
  type KnownTask,
} from '../detector.js';
import { taskKey } from '../evaluate.js';
import { analyse, taskText } from '../text.js';
import { BlockArena } from './block-arena.js';
import { InvalidIndexOptionError } from './errors.js';
import { KnownTexts, releaseStoredTask, storedTask, TextCache } from './known-task.js';
import { TermIndex } from './term-index.js';

let order = 0;
function known(id: number, repository: string, title: string, description = ''): KnownTask {
  const task: TaskContext = {
    taskId: id,
    projectId: 1,
    repository,
    title,
    description,
    keywords: [],
    agentId: `agent-${id}`,
  };
  const analysis = analyse(task);
  return storedTask(
    {
      key: taskKey(task),
      task,
      text: taskText(task, analysis),
      analysis,
      refs: referencesOf(task),
      repository: normalizeRepository(task.repository),
      order: order++,
      // a task's id is its slot: the same id again is the same task (see `KnownTask.slot`)
      slot: id,
    },
    new KnownTexts(8),
  );
}

const ids = (tasks: Iterable<KnownTask>) => [...tasks].map((t) => t.task.taskId);

describe('TermIndex', () => {
  it('returns the tasks of other repositories that share a term, rarest shared term first', () => {
    const index = new TermIndex();
    index.add(known(1, 'org/a', 'Parse the WebTransport handshake'));
    index.add(known(2, 'org/b', 'Cache the handshake'));
    index.add(known(3, 'org/c', 'Unrelated billing report'));
    index.add(known(4, 'org/d', 'WebTransport handshake timeout'));
    index.add(known(5, 'org/e', 'handshake metrics'));
    const mine = known(6, 'org/a', 'WebTransport handshake in the client');
    // 1 is of the same repository; 3 shares nothing; 4 shares the rarer identifier too; on a
    // tie the task added later goes first
    expect(ids(index.candidates(mine))).toEqual([4, 5, 2]);
  });

  it('finds a task that cites another, or is cited, by org/repo#id', () => {
    const index = new TermIndex();
    index.add(known(12, 'acme/spec', 'Define the thing'));
    index.add(known(20, 'acme/web', 'Unrelated work', 'Follows acme/spec#99.'));
    // the cited task comes first, whatever else is shared
    expect(ids(index.candidates(known(30, 'acme/go', 'Build it, see acme/spec#12')))[0]).toBe(12);
    expect(ids(index.candidates(known(99, 'acme/spec', 'Another thing')))).toEqual([20]);
  });

  it('posts a task under each rule whose keywords it has, so such tasks meet without a shared word', () => {
    const rules: Pick<DependencyRule, 'name' | 'keywords'>[] = [
      { name: 'Api', keywords: ['endpoint', 'rest api'] },
    ];
    const index = new TermIndex({ rules: () => rules });
    index.add(known(1, 'org/a', 'Define the REST API'));
    expect(ids(index.candidates(known(2, 'org/b', 'Build the endpoint')))).toEqual([1]);
    expect(ids(new TermIndex().candidates(known(3, 'org/b', 'Build the endpoint')))).toEqual([]);
  });

  it('limits the candidates to maxCandidates, the best scored', () => {
    const index = new TermIndex({ maxCandidates: 2 });
    for (let i = 1; i <= 5; i++) index.add(known(i, `org/r${i}`, 'shared subject'));
    index.add(known(6, 'org/r6', 'shared subject zanzibar'));
    const found = ids(index.candidates(known(7, 'org/r7', 'shared subject zanzibar')));
    expect(found).toHaveLength(2);
    expect(found[0]).toBe(6);
  });

  it('caps a common term: no postings, no candidates through it, exact document frequency', () => {
    const index = new TermIndex({ maxPostings: 3 });
    const names = ['alpha', 'bravo', 'charlie', 'delta'];
    for (let i = 1; i <= 4; i++) index.add(known(i, `org/r${i}`, `gateway ${names[i - 1]}`));
    expect(index.isCommon('gateway')).toBe(true);
    expect(index.postingCount('gateway')).toBe(0);
    expect(index.stats().documentFrequency('gateway')).toBe(4);
    expect(index.stats().size).toBe(4);
    // sharing only the common term brings nothing; a rare term still does
    expect(ids(index.candidates(known(9, 'org/x', 'gateway')))).toEqual([]);
    expect(ids(index.candidates(known(9, 'org/x', 'gateway bravo')))).toEqual([2]);
    // below the cap, a term keeps every posting
    const small = new TermIndex({ maxPostings: 3 });
    for (let i = 1; i <= 3; i++) small.add(known(i, `org/r${i}`, 'gateway'));
    expect(small.isCommon('gateway')).toBe(false);
    expect(small.postingCount('gateway')).toBe(3);
  });

  it('release removes postings and counts; a term no task has is forgotten, common or not', () => {
    const index = new TermIndex({ maxPostings: 2 });
    const names = ['alpha', 'bravo', 'charlie'];
    const tasks = [1, 2, 3].map((i) => known(i, `org/r${i}`, `gateway ${names[i - 1]}`));
    for (const t of tasks) index.add(t);
    expect(index.isCommon('gateway')).toBe(true);
    index.remove(tasks[1]!);
    expect(index.size).toBe(2);
    expect(index.stats().documentFrequency('bravo')).toBe(0);
    expect(index.stats().documentFrequency('gateway')).toBe(2);
    expect(ids(index.candidates(known(9, 'org/x', 'bravo charlie')))).toEqual([3]);
    index.remove(tasks[0]!);
    index.remove(tasks[2]!);
    expect(index.size).toBe(0);
    expect(index.termCount).toBe(0);
    // rare again: the next tasks are posted under it
    index.add(known(4, 'org/r4', 'gateway'));
    expect(index.isCommon('gateway')).toBe(false);
    expect(ids(index.candidates(known(5, 'org/r5', 'gateway')))).toEqual([4]);
  });

  it('replaces a task added again in its slot (the same task, claimed again)', () => {
    const index = new TermIndex();
    index.add(known(1, 'org/a', 'alpha'));
    index.add(known(1, 'org/a', 'beta'));
    expect(index.size).toBe(1);
    expect(index.stats().documentFrequency('alpha')).toBe(0);
    expect(ids(index.candidates(known(2, 'org/b', 'beta')))).toEqual([1]);
  });

  it('refuses a task whose slot is not a whole number from 0', () => {
    const index = new TermIndex();
    for (const slot of [-1, 1.5, Number.NaN]) {
      expect(() => index.add({ ...known(1, 'org/a', 'alpha'), slot })).toThrow(
        `a known task's slot must be a whole number from 0, not ${slot}`,
      );
    }
    expect(index.size).toBe(0);
  });

  it('adds after candidates() of the same task as after a fresh look-up (it reuses that look-up)', () => {
    const index = new TermIndex();
    index.add(known(1, 'org/a', 'alpha gamma'));
    index.add(known(3, 'org/c', 'gamma'));
    // candidates() then add() of a task under a known key, as the detector calls them
    const again = known(1, 'org/a', 'beta gamma');
    expect(ids(index.candidates(again))).toEqual([3]);
    index.add(again);
    expect(index.size).toBe(2);
    expect(index.stats().documentFrequency('alpha')).toBe(0);
    expect(index.stats().documentFrequency('gamma')).toBe(2);
    // a change between candidates() and add() makes add() look up again
    const fresh = known(4, 'org/d', 'beta delta');
    expect(ids(index.candidates(fresh))).toEqual([1]);
    index.remove(again);
    index.add(fresh);
    expect(index.stats().documentFrequency('beta')).toBe(1);
    expect(index.stats().documentFrequency('delta')).toBe(1);
    expect(ids(index.candidates(known(5, 'org/e', 'delta')))).toEqual([4]);
  });

  it('refuses options that cannot work', () => {
    expect(() => new TermIndex({ maxCandidates: 0 })).toThrow(InvalidIndexOptionError);
    expect(() => new TermIndex({ maxPostings: 1.5 })).toThrow(/maxPostings/);
    expect(() => new TextCache(0)).toThrow(InvalidIndexOptionError);
  });

  const words = ['alpha', 'beta', 'gamma', 'delta', 'api', 'schema', 'token', 'parseConfig'];
  const corpus = fc.array(
    fc.record({
      repository: fc.constantFrom('org/a', 'org/b', 'org/c', 'org/d'),
      words: fc.uniqueArray(fc.constantFrom(...words), { minLength: 1, maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 25 },
  );

  it('counts exactly what a full count of the known tasks counts, through adds and releases', () => {
    fc.assert(
      fc.property(corpus, fc.array(fc.nat(), { maxLength: 10 }), (specs, releases) => {
        const index = new TermIndex({ maxPostings: 3 });
        const tasks = specs.map((s, i) => known(i, s.repository, s.words.join(' ')));
        for (const t of tasks) index.add(t);
        const alive = new Map(tasks.map((t) => [t.key, t]));
        for (const r of releases) {
          const t = tasks[r % tasks.length]!;
          index.remove(t);
          alive.delete(t.key);
        }
        expect(index.stats().size).toBe(alive.size);
        const counts = new Map<string, number>();
        for (const t of alive.values()) {
          for (const term of countedTerms(t.text)) counts.set(term, (counts.get(term) ?? 0) + 1);
        }
        for (const term of new Set([...counts.keys(), ...words.map((w) => w.toLowerCase())])) {
          expect(index.stats().documentFrequency(term)).toBe(counts.get(term) ?? 0);
        }
      }),
    );
  });

  it('counts exactly while candidates() has just looked up a task, and after the index changes', () => {
    // `candidates` keeps its task's term ids for the counts the rules ask next; a change of the
    // index (add, remove) must not leave them in use, nor a term asked in upper case
    const op = fc.record({
      kind: fc.constantFrom('candidates', 'add', 'remove'),
      task: fc.nat(),
    });
    fc.assert(
      fc.property(corpus, fc.array(op, { minLength: 1, maxLength: 20 }), (specs, ops) => {
        const index = new TermIndex({ maxPostings: 3 });
        const tasks = specs.map((s, i) => known(i, s.repository, s.words.join(' ')));
        const alive = new Map<string, KnownTask>();
        const check = () => {
          const counts = new Map<string, number>();
          for (const t of alive.values()) {
            for (const term of countedTerms(t.text)) counts.set(term, (counts.get(term) ?? 0) + 1);
          }
          for (const term of new Set([...counts.keys(), ...words.map((w) => w.toLowerCase())])) {
            const count = counts.get(term) ?? 0;
            expect(index.stats().documentFrequency(term)).toBe(count);
            expect(index.stats().documentFrequency(term.toUpperCase())).toBe(count);
          }
        };
        for (const { kind, task } of ops) {
          const t = tasks[task % tasks.length]!;
          if (kind === 'candidates') index.candidates(t);
          else if (kind === 'add') {
            index.add(t);
            alive.set(t.key, t);
          } else {
            index.remove(t);
            alive.delete(t.key);
          }
          check();
        }
      }),
    );
  });

  /** A rule that needs a shared term: it reports two tasks that have one in common. */
  const sharedTerm: DependencyRule = {
    name: 'Shared',
    description: 'share a term',
    keywords: [],
    validate: (a, b) => ([...a.terms].some((t) => b.terms.has(t)) ? { reason: 'shared' } : null),
  };

  it('finds every pair the full scan reports when the two tasks share a term, while no term is capped', () => {
    fc.assert(
      fc.property(corpus, (specs) => {
        const pairs = (detector: DependencyDetector) => {
          const found = new Set<string>();
          specs.forEach((s, i) => {
            const task = known(i, s.repository, s.words.join(' ')).task;
            for (const d of detector.register(task)) {
              found.add(`${d.task1.taskId}-${d.task2.taskId}-${d.relationship}`);
            }
          });
          return found;
        };
        const scan = pairs(
          new DependencyDetector({ rules: [sharedTerm], candidates: allKnownTasks() }),
        );
        const indexed = pairs(
          new DependencyDetector({
            rules: [sharedTerm],
            candidates: new TermIndex({ maxPostings: 100, maxCandidates: 100 }),
          }),
        );
        expect(indexed).toEqual(scan);
      }),
    );
  });

  /** A claim (or, with `release`, a release) of one of 12 tasks, of 1 to 3 words. */
  const step = fc.record({
    release: fc.boolean(),
    task: fc.nat({ max: 11 }),
    repository: fc.constantFrom('org/a', 'org/b', 'org/c'),
    words: fc.uniqueArray(fc.constantFrom(...words, 'epsilon', 'zeta_eta', 'ThetaIota'), {
      minLength: 1,
      maxLength: 3,
    }),
  });

  it('finds the same pairs as the full scan through releases and claims again (terms found by word ids)', () => {
    // releases free words and terms, whose ids are then another word's or term's: a term found by
    // a word id of the text must be that word's, or a pair goes missing
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const run = (candidates: CandidateSource) => {
          const detector = new DependencyDetector({ rules: [sharedTerm], candidates });
          return steps.map((s) => {
            const task = known(s.task, s.repository, s.words.join(' ')).task;
            if (s.release) return String(detector.release(task));
            return detector
              .register(task)
              .map((d) => `${d.task1.taskId}-${d.task2.taskId}`)
              .sort() // the index gives the best-scored first, the scan the earliest
              .join(' ');
          });
        };
        const index = new TermIndex({ maxPostings: 100, maxCandidates: 100 });
        expect(run(index)).toEqual(run(allKnownTasks()));
      }),
      { numRuns: 300 },
    );
  });

  it('counts exactly through claims and releases in one vocabulary (terms found by word ids, ids reused)', () => {
    // a term of the known texts is found by its word's id, and released words' ids become other
    // words': each count must stay its term's
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        const index = new TermIndex({ maxPostings: 3 });
        const detector = new DependencyDetector({ rules: [sharedTerm], candidates: index });
        for (const s of steps) {
          const task = known(s.task, s.repository, s.words.join(' ')).task;
          if (s.release) detector.release(task);
          else detector.register(task);
          const counts = new Map<string, number>();
          for (const t of detector.knownTasks()) {
            for (const term of countedTerms(taskText(t, analyse(t)))) {
              counts.set(term, (counts.get(term) ?? 0) + 1);
            }
          }
          // every term is counted lower-cased, and asked in any case
          for (const term of new Set([...counts.keys(), 'epsilon', 'zeta_eta', 'thetaiota'])) {
            const count = counts.get(term) ?? 0;
            expect(index.stats().documentFrequency(term)).toBe(count);
            expect(index.stats().documentFrequency(term.toUpperCase())).toBe(count);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('with a cap, misses only pairs whose shared terms are all common', () => {
    fc.assert(
      fc.property(corpus, (specs) => {
        const index = new TermIndex({ maxPostings: 2, maxCandidates: 100 });
        const tasks = specs.map((s, i) => known(i, s.repository, s.words.join(' ')));
        for (const task of tasks) {
          const found = new Set(ids(index.candidates(task)));
          for (const other of tasks.slice(0, tasks.indexOf(task))) {
            if (other.repository === task.repository) continue;
            const shared = [...countedTerms(task.text)].filter((t) => other.text.terms.has(t));
            const rare = shared.filter((t) => !index.isCommon(t));
            if (rare.length > 0) expect(found.has(other.task.taskId)).toBe(true);
            if (shared.length === 0) expect(found.has(other.task.taskId)).toBe(false);
          }
          index.add(task);
        }
      }),
    );
  });
});

describe('BlockArena', () => {
  it('reuses a released block of the same size and keeps contents when it grows', () => {
    const arena = new BlockArena(4);
    const a = arena.alloc(2);
    arena.data[a] = 7;
    const b = arena.alloc(4);
    expect(arena.data[a]).toBe(7);
    arena.release(a, 2);
    expect(arena.alloc(2)).toBe(a);
    expect(arena.alloc(4)).not.toBe(b);
    expect(BlockArena.sizeFor(0)).toBe(1);
    expect(BlockArena.sizeFor(5)).toBe(8);
  });
});

describe('KnownTexts', () => {
  const store = (task: KnownTask, texts: KnownTexts) =>
    storedTask({ ...task, text: task.text, analysis: analyse(task.task) }, texts);

  it('keeps the most recently used texts, makes the others again from their packed analysis', () => {
    const [a, b, c] = [1, 2, 3].map((i) => known(i, 'org/a', `word${i}`));
    const texts = new KnownTexts(2);
    const sa = store(a!, texts);
    const first = sa.text;
    store(b!, texts);
    expect(sa.text).toBe(first); // still cached, now the most recent
    store(c!, texts);
    expect(sa.text).toBe(first);
    const sb = store(b!, texts); // pushes c out of the cache of two
    const sc = store(c!, texts);
    releaseStoredTask(sc, texts);
    const unpacked = known(3, 'org/a', 'word3');
    const again = store(unpacked, texts);
    releaseStoredTask(sa, texts);
    // sb is still known: its text comes from the cache or its packed analysis, the same words
    expect([...sb.text.words]).toEqual(['word2', 'word', '2']);
    expect([...again.text.words]).toEqual(['word3', 'word', '3']);
    expect(texts.packed.vocabularySize).toBe(5); // word2, word, 2, word3, 3
  });

  it('the cache alone is an LRU of TaskTexts', () => {
    const cache = new TextCache(1);
    const [a, b] = [1, 2].map((i) => known(i, 'org/a', `word${i}`));
    cache.set(a!.key, a!.text);
    cache.set(b!.key, b!.text);
    expect(cache.size).toBe(1);
    expect(cache.get(a!.key, a!.task)).toBeUndefined();
    expect(cache.get(b!.key, b!.task)).toBeDefined();
  });
});
