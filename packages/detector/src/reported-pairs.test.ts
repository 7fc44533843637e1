import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_PAIRS, type PairHolder, ReportedPairs } from './reported-pairs.js';

/** Reported pairs over tasks known by order, as the detector keeps them (a holder per task). */
class Pairs {
  readonly tasks = new Map<number, PairHolder>();
  readonly pairs = new ReportedPairs(() => this.tasks.values());

  add(earlier: number, later: number, relationship: string): boolean {
    return this.pairs.add(earlier, this.#task(later), relationship);
  }

  addAll(later: number, pairs: readonly (readonly [number, string])[]): boolean[] {
    return this.pairs.addAll(this.#task(later), pairs);
  }

  release(order: number, knownTasks: number): void {
    const task = this.#task(order);
    this.tasks.delete(order);
    this.pairs.release(task, knownTasks);
  }

  sweep(): void {
    this.pairs.sweep();
  }

  get size(): number {
    return this.pairs.size;
  }

  #task(order: number): PairHolder {
    let task = this.tasks.get(order);
    if (task === undefined) {
      task = { order, pairBlock: NO_PAIRS };
      this.tasks.set(order, task);
    }
    return task;
  }
}

describe('ReportedPairs', () => {
  it('reports a pair and relationship once; another relationship of the pair is new', () => {
    const pairs = new Pairs();
    expect(pairs.add(1, 2, 'Api')).toBe(true);
    expect(pairs.add(1, 2, 'Api')).toBe(false);
    expect(pairs.add(1, 2, 'Db')).toBe(true);
    expect(pairs.add(1, 2, 'Config')).toBe(true);
    expect(pairs.add(1, 2, 'Db')).toBe(false);
    expect(pairs.add(1, 2, 'Config')).toBe(false);
    expect(pairs.add(1, 3, 'Api')).toBe(true);
    expect(pairs.add(2, 3, 'Api')).toBe(true);
    expect(pairs.size).toBe(5);
  });

  it('reads each pair whole: an order equal to a relationship number is not taken for one', () => {
    const pairs = new Pairs();
    pairs.add(50, 60, 'A'); // A is relationship 0
    pairs.add(50, 60, 'B'); // B is 1
    pairs.add(9, 100, 'C'); // C is 2: task 100's pairs are (9, 2)
    pairs.add(1, 100, 'A'); // ... and (1, 0)
    // read out of step, "2" then "1" would look like the pair (2, B)
    expect(pairs.add(2, 100, 'B')).toBe(true);
    expect(pairs.add(2, 100, 'B')).toBe(false);
    expect(pairs.add(9, 100, 'C')).toBe(false);
    expect(pairs.size).toBe(5);
  });

  it('keeps orders of any size apart (past the small-integer range too)', () => {
    const pairs = new Pairs();
    const big = 2 ** 33;
    expect(pairs.add(0, big, 'Api')).toBe(true);
    expect(pairs.add(big - 1, big + 1, 'Api')).toBe(true);
    expect(pairs.add(1, big, 'Api')).toBe(true);
    expect(pairs.add(0, big, 'Api')).toBe(false);
    expect(pairs.add(big - 1, big + 1, 'Api')).toBe(false);
    pairs.release(big, 0);
    pairs.sweep();
    expect(pairs.size).toBe(1);
    expect(pairs.add(big - 1, big + 1, 'Api')).toBe(false);
  });

  it("forgets a released task's pairs as the later task at once, as the earlier task at a sweep once enough are released", () => {
    const pairs = new Pairs();
    // tasks 0..1999 each paired with the later tasks 5000 and 5001 (two relationships there)
    for (let earlier = 0; earlier < 2000; earlier++) {
      pairs.add(earlier, 5000, 'Api');
      pairs.add(earlier, 5001, earlier % 2 === 0 ? 'Api' : 'Db');
    }
    expect(pairs.size).toBe(4000);
    pairs.release(5001, 0);
    expect(pairs.size).toBe(2000);
    // 1,023 releases so far (5001 and 0..1021): not swept yet
    for (let earlier = 0; earlier < 1022; earlier++) pairs.release(earlier, 0);
    expect(pairs.size).toBe(2000);
    pairs.release(1022, 0);
    expect(pairs.size).toBe(2000 - 1023);
    for (let earlier = 1023; earlier < 1500; earlier++) pairs.release(earlier, 0);
    pairs.sweep();
    expect(pairs.size).toBe(500);
    expect(pairs.add(1500, 5000, 'Api')).toBe(false);
    expect(pairs.add(1999, 5000, 'Api')).toBe(false);
    expect(pairs.add(1999, 5000, 'Db')).toBe(true);
  });

  it('keeps the runs of several relationships apart, in any order of adding', () => {
    const pairs = new Pairs();
    const relationships = ['A', 'B', 'C', 'D'];
    // 300 earlier tasks (orders of one and two bytes) over four relationships, interleaved
    for (let earlier = 0; earlier < 300; earlier++) {
      expect(pairs.add(earlier, 1000, relationships[earlier % 4]!)).toBe(true);
    }
    for (let earlier = 0; earlier < 300; earlier++) {
      for (let r = 0; r < 4; r++) {
        expect(pairs.add(earlier, 1000, relationships[r]!)).toBe(r !== earlier % 4);
      }
    }
    expect(pairs.size).toBe(1200);
  });

  it('answers as a set of (earlier, later, relationship) does, releases or not', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('add' as const),
        // orders and relationship numbers of one byte and of several (the pairs are varints)
        earlier: fc.oneof(fc.nat(40), fc.integer({ min: 120, max: 140 }), fc.constant(2 ** 33)),
        gap: fc.integer({ min: 1, max: 40 }),
        relationship: fc.oneof(
          fc.constantFrom('Api', 'Db', 'Config'),
          fc.nat(300).map((n) => `R${n}`),
        ),
      }),
      fc.record({
        kind: fc.constant('release' as const),
        order: fc.oneof(fc.nat(45), fc.integer({ min: 120, max: 145 })),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const pairs = new Pairs();
        const model = new Set<string>();
        const released = new Set<number>();
        for (const o of ops) {
          if (o.kind === 'release') {
            released.add(o.order);
            pairs.release(o.order, 0);
            continue;
          }
          const later = o.earlier + o.gap;
          // a released order is never given again: the detector never adds its pairs
          if (released.has(o.earlier) || released.has(later)) continue;
          const key = `${o.earlier}/${later}/${o.relationship}`;
          expect(pairs.add(o.earlier, later, o.relationship)).toBe(!model.has(key));
          model.add(key);
        }
        pairs.sweep();
        const kept = [...model].filter(
          (k) =>
            !k
              .split('/')
              .slice(0, 2)
              .some((o) => released.has(Number(o))),
        );
        expect(pairs.size).toBe(kept.length);
      }),
    );
  });

  it('records a batch for one later task as the same pairs added one by one', () => {
    const pair = fc.tuple(
      fc.oneof(fc.nat(30), fc.integer({ min: 120, max: 140 }), fc.constant(2 ** 33)),
      fc.constantFrom('Api', 'Db', 'Config', 'Security'),
    );
    fc.assert(
      fc.property(
        fc.array(pair, { maxLength: 40 }),
        fc.array(pair, { maxLength: 40 }),
        (before, batch) => {
          const one = new Pairs();
          const all = new Pairs();
          const later = 2 ** 34;
          for (const [earlier, relationship] of before) {
            one.add(earlier, later, relationship);
            all.add(earlier, later, relationship);
          }
          const answers = batch.map(([earlier, relationship]) =>
            one.add(earlier, later, relationship),
          );
          expect(all.addAll(later, batch)).toEqual(answers);
          expect(all.size).toBe(one.size);
          // the same pairs kept: adding any of them again is refused by both, another accepted by both
          for (const [earlier, relationship] of [...before, ...batch, [7, 'Other'] as const]) {
            expect(all.add(earlier, later, relationship)).toBe(
              one.add(earlier, later, relationship),
            );
          }
        },
      ),
    );
  });
});
