import { describe, expect, it } from 'vitest';
import { formatUptime, relativeTime, sessionTitle, shortId } from './format.js';

describe('format', () => {
  const now = Date.parse('2025-09-30T12:00:00Z');
  it('says how long ago', () => {
    expect(relativeTime('2025-09-30T11:59:58Z', now)).toBe('just now');
    expect(relativeTime('2025-09-30T11:59:18Z', now)).toBe('42 s ago');
    expect(relativeTime('2025-09-30T11:55:00Z', now)).toBe('5 min ago');
    expect(relativeTime('2025-09-30T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeTime('2025-09-28T09:00:00Z', now)).toBe('2025-09-28');
    expect(relativeTime('not a time', now)).toBe('not a time');
    expect(relativeTime(undefined, now)).toBe('');
  });

  it('formats uptimes, ids and titles', () => {
    expect(formatUptime(12.7)).toBe('12 s');
    expect(formatUptime(184)).toBe('3 min 4 s');
    expect(formatUptime(7500)).toBe('2 h 5 min');
    expect(shortId('12D3KooWAbcdefghijklmnopqrstuvwxyz')).toBe('12D3Ko…uvwxyz');
    expect(shortId('short')).toBe('short');
    expect(sessionTitle(['a', 'b'], 'id')).toBe('a ↔ b');
    expect(sessionTitle([], 'id')).toBe('id');
  });
});
