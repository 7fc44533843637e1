/**
 * RFC 3339 timestamps as Go writes them: any number of fraction digits (Go writes up to nine)
 * and a `Z` or `±hh:mm` offset. JavaScript keeps milliseconds, so extra digits are truncated.
 */
const RFC3339 =
  /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch, or `undefined` when the text is not an RFC 3339 timestamp. */
export function parseRfc3339(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, date, time, fraction = '', zone = 'Z'] = match;
  const millis = fraction.slice(0, 3).padEnd(3, '0');
  const value = Date.parse(`${date}T${time}.${millis}${zone.toUpperCase()}`);
  return Number.isNaN(value) ? undefined : value;
}

/** RFC 3339 in UTC with milliseconds, e.g. `2025-09-30T10:00:00.000Z`. */
export function formatRfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
