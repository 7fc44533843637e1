import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reader, varintLength, writeVarint } from './varint.js';

describe('varints', () => {
  it('read back what was written, of every size up to 2^53', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(300), fc.nat(), fc.maxSafeNat()), { maxLength: 20 }),
        (values) => {
          const out = new Uint8Array(values.length * 8);
          let at = 0;
          for (const value of values) {
            const next = writeVarint(out, at, value);
            expect(next - at).toBe(varintLength(value));
            at = next;
          }
          const reader = new Reader(out, 0);
          for (const value of values) {
            // the fast read for values below 2^32, the large one for any
            if (value < 2 ** 32) expect(new Reader(out, reader.at).next()).toBe(value);
            expect(reader.nextLarge()).toBe(value);
          }
          expect(reader.at).toBe(at);
        },
      ),
    );
  });

  it('take one byte below 128, two below 16,384, eight for 2^53 - 1', () => {
    expect([0, 127, 128, 16_383, 16_384, 2 ** 32, 2 ** 53 - 1].map(varintLength)).toEqual([
      1, 1, 2, 2, 3, 5, 8,
    ]);
  });
});
