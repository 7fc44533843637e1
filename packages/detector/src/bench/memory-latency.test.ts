import { describe, expect, it } from 'vitest';
import { MemoryLatency, randomCycle } from './memory-latency.js';

describe('randomCycle', () => {
  it.each([2, 3, 17, 1000, 4096])('is one cycle through all %i slots', (length) => {
    const next = randomCycle(length, 7);
    const seen = new Uint8Array(length);
    let at = 0;
    for (let step = 0; step < length; step++) {
      expect(seen[at]).toBe(0);
      seen[at] = 1;
      at = next[at]!;
    }
    // back where it started after exactly `length` reads, every slot visited
    expect(at).toBe(0);
    expect(seen.every((v) => v === 1)).toBe(true);
  });

  it('is in another order for another seed, and the same for the same seed', () => {
    expect(randomCycle(1000, 1)).toEqual(randomCycle(1000, 1));
    expect(randomCycle(1000, 1)).not.toEqual(randomCycle(1000, 2));
  });
});

describe('MemoryLatency', () => {
  it('measures a positive, finite time per read', () => {
    const latency = new MemoryLatency(1 << 16);
    const ns = latency.measure(1 << 12);
    expect(Number.isFinite(ns)).toBe(true);
    expect(ns).toBeGreaterThan(0);
  });
});
