import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../contracts/components.js';
import { type RetryDecision, retryAfterMs, withRetries } from './retry.js';

const policy = { maxRetries: 2, initialDelayMs: 100, maxDelayMs: 1000 };
const retry: () => RetryDecision = () => ({ retry: true });

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('withRetries', () => {
  it('retries a retryable error with exponential backoff, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = withRetries(
      async () => {
        calls++;
        if (calls < 3) throw new Error(`fail ${calls}`);
        return 'ok';
      },
      {
        policy,
        signal: new AbortController().signal,
        clock: systemClock,
        decide: retry,
        onRetry: (_e, delay) => delays.push(delay),
      },
    );
    await vi.advanceTimersByTimeAsync(99);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(200);
    await expect(result).resolves.toBe('ok');
    expect(delays).toEqual([100, 200]);
  });

  it('gives up after maxRetries with the last error', async () => {
    let calls = 0;
    const result = withRetries(
      async () => {
        calls++;
        throw new Error(`fail ${calls}`);
      },
      { policy, signal: new AbortController().signal, clock: systemClock, decide: retry },
    );
    result.catch(() => {});
    await vi.advanceTimersByTimeAsync(1000);
    await expect(result).rejects.toThrow('fail 3');
    expect(calls).toBe(3);
  });

  it('never retries an error the decision refuses', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new Error('bad request');
        },
        {
          policy,
          signal: new AbortController().signal,
          clock: systemClock,
          decide: () => ({ retry: false }),
        },
      ),
    ).rejects.toThrow('bad request');
    expect(calls).toBe(1);
  });

  it("follows the server's wait, capped at maxDelayMs", async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = withRetries(
      async () => {
        calls++;
        if (calls === 1) throw new Error('429');
        if (calls === 2) throw new Error('429 again');
        return 'ok';
      },
      {
        policy,
        signal: new AbortController().signal,
        clock: systemClock,
        decide: () => ({ retry: true, afterMs: calls === 1 ? 300 : 60_000 }),
        onRetry: (_e, delay) => delays.push(delay),
      },
    );
    await vi.advanceTimersByTimeAsync(1300);
    await expect(result).resolves.toBe('ok');
    expect(delays).toEqual([300, 1000]);
  });

  it('an abort during a wait rejects at once with the reason, and no further attempt runs', async () => {
    const controller = new AbortController();
    let calls = 0;
    const result = withRetries(
      async () => {
        calls++;
        throw new Error('503');
      },
      { policy, signal: controller.signal, clock: systemClock, decide: retry },
    );
    await vi.advanceTimersByTimeAsync(10);
    const reason = new Error('deadline');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an already aborted signal runs no attempt', async () => {
    const controller = new AbortController();
    controller.abort(new Error('late'));
    const attempt = vi.fn(async () => 'ok');
    await expect(
      withRetries(attempt, {
        policy,
        signal: controller.signal,
        clock: systemClock,
        decide: retry,
      }),
    ).rejects.toThrow('late');
    expect(attempt).not.toHaveBeenCalled();
  });
});

describe('retryAfterMs', () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    const now = Date.parse('2025-09-30T10:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after-ms': '250' }), now)).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after': 'Tue, 30 Sep 2025 10:00:03 GMT' }), now)).toBe(
      3000,
    );
    expect(retryAfterMs(headers({}), now)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});
