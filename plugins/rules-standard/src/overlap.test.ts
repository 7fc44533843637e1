import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tenths } from './overlap.js';

describe('tenths', () => {
  it('writes a weight as String(Math.round(x * 10) / 10) does', () => {
    // any double (NaN and infinities included), and as many of the usual range of weights
    const weight = fc.oneof(fc.double(), fc.double({ min: 0, max: 100, noNaN: true }));
    fc.assert(
      fc.property(weight, (x) => {
        expect(tenths(x)).toBe(String(Math.round(x * 10) / 10));
      }),
      { numRuns: 40_000 },
    );
    for (const x of [0, 0.04, 0.05, 0.95, 1.4, 1.45, 13.5, 14, 99.99, 2 ** 29, 2 ** 40, -0.3]) {
      expect(tenths(x)).toBe(String(Math.round(x * 10) / 10));
    }
  });
});
