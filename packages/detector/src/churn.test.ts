import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DependencyRule } from '@chorale/core';
import { describe, expect, it } from 'vitest';
import { syntheticTask } from './bench/synthetic.js';
import { DependencyDetector } from './detector.js';

/** Tasks that name the same identifier: the synthetic tasks of an ecosystem often do. */
const sameIdentifier: DependencyRule = {
  name: 'Same_Identifier',
  description: 'tasks naming the same identifier',
  keywords: ['identifier'],
  validate(a, b) {
    for (const id of a.identifiers)
      if (b.identifiers.has(id)) return { reason: id, confidence: 0.8 };
    return null;
  },
};

describe('a detector whose known tasks are replaced, round after round', () => {
  it('holds no more after many rounds than once settled: a release leaves nothing behind', {
    timeout: 60_000,
  }, () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const held = () => {
      gc();
      gc();
      const { heapUsed, arrayBuffers } = process.memoryUsage();
      return heapUsed + arrayBuffers;
    };
    const known = 1_000;
    // tasks come back from a pool three times the known ones (claimed again after being released
    // for a while): no new words after the first rounds, so the caches of words kept by the
    // module (up to their capacity) stop growing, and what grows is the detector's
    const pool = 3 * known;
    const detector = new DependencyDetector({ rules: [sameIdentifier] });
    let next = 0;
    let found = 0;
    const replaceAll = () => {
      for (let i = 0; i < known; i++, next++) {
        found += detector.register(syntheticTask(next % pool)).length;
        expect(detector.release(syntheticTask((next - known) % pool))).toBe(true);
      }
    };
    for (; next < known; next++) detector.register(syntheticTask(next));
    // the first rounds take the tables to the size they keep (a JavaScript Map that loses and
    // gains entries settles at twice the size it had when only filled)
    for (let round = 0; round < 3; round++) replaceAll();
    const settled = held();
    found = 0;
    for (let round = 0; round < 8; round++) replaceAll();
    // 8,000 claims and releases since: a leak of 40 bytes each would be 320 KB (measured: the
    // figure moves by less than 100 KB from round to round)
    expect(held() - settled).toBeLessThan(8 * known * 40);
    expect(detector.knownTasks()).toHaveLength(known);
    // the rounds found dependencies: pairs were kept, then forgotten with their tasks
    expect(found).toBeGreaterThan(known / 10);
  });
});
