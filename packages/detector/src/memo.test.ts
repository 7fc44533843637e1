import { describe, expect, it } from 'vitest';
import { memoize } from './memo.js';

describe('memoize', () => {
  it('makes a result once per key, and again after it emptied itself when full', () => {
    const made: string[] = [];
    const upper = memoize((key) => {
      made.push(key);
      return key.toUpperCase();
    }, 2);
    expect([upper('a'), upper('a'), upper('b'), upper('a')]).toEqual(['A', 'A', 'B', 'A']);
    expect(made).toEqual(['a', 'b']);
    upper('c'); // full: emptied, then c kept
    upper('a');
    expect(made).toEqual(['a', 'b', 'c', 'a']);
  });
});
