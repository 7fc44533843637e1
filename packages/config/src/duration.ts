const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration: `"30m"`, `"2h"`, `"45s"`, `"500ms"`, `"1.5h"`, `"1d"`, or a number of
 * milliseconds (as a number or a string of digits). Returns milliseconds, or undefined when the
 * value is not a positive duration.
 *
 * A dozen lines of our own rather than the `ms` package: `ms` also accepts vague forms that a
 * config should refuse ("1 year", "5 weeks", "-1h", "1e3"), returns NaN or undefined without
 * saying why, and its 2.x release has no types of its own.
 */
export function parseDuration(value: unknown): number | undefined {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
    if (!match) return undefined;
    ms = Number(match[1]) * UNITS[match[2] ?? 'ms']!;
  } else return undefined;
  const rounded = Math.round(ms);
  return Number.isSafeInteger(rounded) && rounded > 0 ? rounded : undefined;
}

/** 1_800_000 → "30m", 1500 → "1500ms": a duration in the largest unit that holds it whole. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNITS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
