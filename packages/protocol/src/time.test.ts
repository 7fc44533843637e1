import { describe, expect, it } from 'vitest';
import { formatRfc3339, MAX_RFC3339_MS, MIN_RFC3339_MS, parseRfc3339 } from './time.js';

describe('parseRfc3339', () => {
  it('reads what Go writes: nanoseconds and a zone offset', () => {
    expect(parseRfc3339('2025-07-17T10:00:00.123456789+10:00')).toBe(
      Date.UTC(2025, 6, 17, 0, 0, 0, 123),
    );
    expect(parseRfc3339('2025-07-17T10:00:00-05:30')).toBe(Date.UTC(2025, 6, 17, 15, 30));
  });

  it('reads UTC with and without a fraction, any number of fraction digits', () => {
    expect(parseRfc3339('2025-09-30T10:00:00Z')).toBe(Date.UTC(2025, 8, 30, 10));
    expect(parseRfc3339('2025-09-30T10:00:00.5Z')).toBe(Date.UTC(2025, 8, 30, 10, 0, 0, 500));
    expect(parseRfc3339('2025-09-30T10:00:00.05Z')).toBe(Date.UTC(2025, 8, 30, 10, 0, 0, 50));
    expect(parseRfc3339('2025-09-30T10:00:00.999999999999Z')).toBe(
      Date.UTC(2025, 8, 30, 10, 0, 0, 999),
    );
  });

  it('accepts a lower-case t and z and a space separator, as RFC 3339 allows', () => {
    const expected = Date.UTC(2025, 8, 30, 10);
    expect(parseRfc3339('2025-09-30t10:00:00z')).toBe(expected);
    expect(parseRfc3339('2025-09-30 10:00:00Z')).toBe(expected);
  });

  it('accepts leap days only in leap years', () => {
    expect(parseRfc3339('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseRfc3339('2025-02-29T00:00:00Z')).toBeUndefined();
  });

  it('refuses times a zone offset pushes out of years 0000 to 9999', () => {
    expect(parseRfc3339('0000-01-01T00:00:00Z')).toBe(MIN_RFC3339_MS);
    expect(parseRfc3339('9999-12-31T23:59:59.999Z')).toBe(MAX_RFC3339_MS);
    expect(parseRfc3339('0000-01-01T00:30:00+01:00')).toBeUndefined();
    expect(parseRfc3339('9999-12-31T23:30:00-01:00')).toBeUndefined();
  });

  it.each([
    '',
    'yesterday',
    '2025-09-30',
    '10:00:00Z',
    '2025-09-30T10:00:00',
    '2025-09-30T10:00Z',
    '2025-9-30T10:00:00Z',
    '2025-09-30T10:00:00.Z',
    '2025-09-30T10:00:00+1000',
    '2025-09-30T10:00:00+24:00',
    '2025-13-01T00:00:00Z',
    '2025-00-10T00:00:00Z',
    '2025-02-30T00:00:00Z',
    '2025-04-31T00:00:00Z',
    '2025-07-17T24:00:00Z',
    '2025-07-17T10:60:00Z',
    '2025-07-17T10:00:60Z',
    ' 2025-07-17T10:00:00Z',
    '2025-07-17T10:00:00Z ',
    '1752710400',
  ])('refuses %j', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });
});

describe('formatRfc3339', () => {
  it('writes UTC with milliseconds', () => {
    expect(formatRfc3339(Date.UTC(2025, 8, 30, 10))).toBe('2025-09-30T10:00:00.000Z');
    expect(formatRfc3339(0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('round-trips through parseRfc3339', () => {
    for (const ms of [0, 1, 1_759_226_400_123, -1, Date.UTC(9999, 11, 31, 23, 59, 59, 999)]) {
      expect(parseRfc3339(formatRfc3339(ms))).toBe(ms);
    }
  });
});
