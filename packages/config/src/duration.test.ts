import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['45s', 45_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['1d', 86_400_000],
    [' 10 m ', 600_000],
    ['2500', 2500],
    [1000, 1000],
  ] as const)('%j → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([
    '',
    'five',
    '-1h',
    '1e3',
    '1 year',
    '5w',
    '30 minutes',
    'm',
    '0',
    0,
    -5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    null,
    {},
    [],
    '9'.repeat(400),
  ])('refuses %j', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });

  it('formats back what it parses', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
    expect(formatDuration(1_800_000)).toBe('30m');
    expect(formatDuration(1500)).toBe('1500ms');
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const ms = parseDuration(value);
        expect(ms === undefined || (Number.isSafeInteger(ms) && ms > 0)).toBe(true);
      }),
    );
  });
});
