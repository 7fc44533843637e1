import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReportedPairs } from './reported-pairs.js';

describe('ReportedPairs', () => {
  it('reports a pair and relationship once; another relationship of the pair is new', () => {
    const pairs = new ReportedPairs();
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
    const pairs = new ReportedPairs();
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
    const pairs = new ReportedPairs();
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

  it('sweeps released tasks out once enough are released, and keeps the others', () => {
    const pairs = new ReportedPairs();
    // task 0 paired with 2,000 others; 1,500 of those released one by one
    for (let later = 1; later <= 2000; later++) pairs.add(0, later, 'Api');
    for (let later = 1; later <= 1023; later++) pairs.release(later, 2000 - later);
    expect(pairs.size).toBe(2000); // fewer than 1,024 releases: not swept yet
    pairs.release(1024, 2000 - 1024);
    expect(pairs.size).toBe(2000 - 1024);
    for (let later = 1025; later <= 1500; later++) pairs.release(later, 2000 - later);
    pairs.sweep();
    expect(pairs.size).toBe(500);
    expect(pairs.add(0, 1501, 'Api')).toBe(false);
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
        const pairs = new ReportedPairs();
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
});
