import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../contracts/components.js';
import { PlanCache } from './plan-cache.js';

// vitest's fake clock behind `systemClock` (see planner-chain.test.ts).
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('PlanCache', () => {
  it('forgets a plan when its TTL is over', async () => {
    const cache = new PlanCache({ ttl: 1_000, maxEntries: 10 }, systemClock);
    cache.set('k', { text: 'PLAN' });
    await vi.advanceTimersByTimeAsync(999);
    expect(cache.get('k')?.text).toBe('PLAN');
    await vi.advanceTimersByTimeAsync(1);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries, pushing out the least recently used', () => {
    const cache = new PlanCache({ maxEntries: 2 }, systemClock);
    cache.set('a', { text: 'A' });
    cache.set('b', { text: 'B' });
    expect(cache.get('a')?.text).toBe('A'); // a is now the most recent
    cache.set('c', { text: 'C' });
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.text).toBe('A');
    expect(cache.get('c')?.text).toBe('C');
  });

  it('is off with maxEntries 0', () => {
    const cache = new PlanCache({ maxEntries: 0 }, systemClock);
    cache.set('a', { text: 'A' });
    expect(cache.get('a')).toBeUndefined();
  });

  it('keeps its own copy: changing a plan after set or get does not change the cache', () => {
    const cache = new PlanCache({}, systemClock);
    const sections = {
      sequence: ['API first'],
      informationSharing: [],
      coordinationPoints: [],
      potentialConflicts: [],
      successCriteria: [],
    };
    const plan = { text: 'PLAN', sections };
    cache.set('k', plan);
    sections.sequence.push('mutated');
    const got = cache.get('k')!;
    got.sections!.sequence.push('mutated too');
    expect(cache.get('k')?.sections?.sequence).toEqual(['API first']);
  });
});
