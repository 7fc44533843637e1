import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './keyed-queue.js';

describe('KeyedQueue', () => {
  it('runs the work of one key in order, one at a time, and keys side by side', async () => {
    const log: string[] = [];
    const queue = new KeyedQueue(() => {});
    let release: () => void = () => {};
    queue.push(
      'a',
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
          log.push('a1 start');
        }),
    );
    queue.push('a', () => void log.push('a2'));
    queue.push('b', () => void log.push('b1'));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(log).toEqual(['a1 start', 'b1']);
    release();
    await queue.drained();
    expect(log).toEqual(['a1 start', 'b1', 'a2']);
  });

  it('reports a failing task and goes on with the next one', async () => {
    const errors: string[] = [];
    const queue = new KeyedQueue((key, error) =>
      errors.push(`${key}: ${(error as Error).message}`),
    );
    let ran = false;
    queue.push('a', () => {
      throw new Error('boom');
    });
    queue.push('a', () => {
      ran = true;
    });
    await queue.drained();
    expect(errors).toEqual(['a: boom']);
    expect(ran).toBe(true);
  });

  it('drained() waits for work queued by work', async () => {
    const queue = new KeyedQueue(() => {});
    let second = false;
    queue.push('a', () =>
      queue.push('b', () => {
        second = true;
      }),
    );
    await queue.drained();
    expect(second).toBe(true);
  });
});
