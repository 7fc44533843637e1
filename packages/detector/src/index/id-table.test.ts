import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdTable } from './id-table.js';

describe('IdTable', () => {
  it('adds an id once with its value, and is emptied by clear', () => {
    const table = new IdTable();
    expect(table.add(7, 1)).toBe(true);
    expect(table.add(7, 0)).toBe(false);
    expect(table.get(7)).toBe(1);
    expect(table.get(8)).toBe(-1);
    expect(table.get(8, 99)).toBe(99);
    expect(table.has(7)).toBe(true);
    expect(table.size).toBe(1);
    table.clear();
    expect(table.has(7)).toBe(false);
    expect(table.size).toBe(0);
    expect(table.add(7, 2)).toBe(true);
    expect(table.get(7)).toBe(2);
  });

  it('grows past its first slots and keeps every id (ids that collide included)', () => {
    const table = new IdTable();
    // multiples of a power of two: many land in the same slots of a small table
    const ids = Array.from({ length: 5000 }, (_, i) => i * 4096);
    for (const [i, id] of ids.entries()) expect(table.add(id, i)).toBe(true);
    expect(table.size).toBe(ids.length);
    for (const [i, id] of ids.entries()) expect(table.get(id)).toBe(i);
    expect(table.has(4095)).toBe(false);
  });

  it('answers as a Map would, over runs of adds and clears', () => {
    const op = fc.oneof(
      fc.record({ add: fc.nat({ max: 2000 }), value: fc.integer({ min: 0, max: 1000 }) }),
      fc.constant({ clear: true as const }),
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 600 }),
        fc.array(fc.nat({ max: 2000 })),
        (ops, asked) => {
          const table = new IdTable();
          const model = new Map<number, number>();
          for (const o of ops) {
            if ('clear' in o) {
              table.clear();
              model.clear();
            } else {
              expect(table.add(o.add, o.value)).toBe(!model.has(o.add));
              if (!model.has(o.add)) model.set(o.add, o.value);
            }
          }
          expect(table.size).toBe(model.size);
          for (const id of [...asked, ...model.keys()])
            expect(table.get(id)).toBe(model.get(id) ?? -1);
        },
      ),
    );
  });
});
