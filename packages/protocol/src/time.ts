/**
 * RFC 3339 timestamps as Go writes them: any number of fraction digits (Go writes up to nine)
 * and a `Z` or `±hh:mm` offset. JavaScript keeps milliseconds, so extra digits are truncated.
 */
const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

/** The earliest and latest times RFC 3339 can write (years 0000 to 9999, in UTC). */
export const MIN_RFC3339_MS = -62_167_219_200_000;
export const MAX_RFC3339_MS = 253_402_300_799_999;

/** Milliseconds since the epoch, or `undefined` when the text is not an RFC 3339 timestamp. */
export function parseRfc3339(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, date = '', time = '', fraction = '', zone = 'Z'] = match;
  // Date.parse rolls 2025-02-30 over to March and reads 24:00 as the next midnight; RFC 3339
  // (and Go) refuse both.
  const day = Date.parse(`${date}T00:00:00Z`);
  if (time >= '24' || Number.isNaN(day) || new Date(day).toISOString().slice(0, 10) !== date) {
    return undefined;
  }
  const millis = fraction.slice(0, 3).padEnd(3, '0');
  const value = Date.parse(`${date}T${time}.${millis}${zone.toUpperCase()}`);
  // A zone offset can push year 0000 or 9999 out of range, where formatRfc3339 could not write it.
  return Number.isNaN(value) || value < MIN_RFC3339_MS || value > MAX_RFC3339_MS
    ? undefined
    : value;
}

/** RFC 3339 in UTC with milliseconds, e.g. `2025-09-30T10:00:00.000Z`. */
export function formatRfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
