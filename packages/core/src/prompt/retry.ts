import type { Clock } from '../contracts/components.js';

/** How an LLM planner retries a failed request. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Wait before the first retry, in ms; doubled for each further one. */
  initialDelayMs: number;
  /** No wait is longer than this, the server's `retry-after` included. */
  maxDelayMs: number;
}

/** What to do with an attempt's error: retry (after the server's wait, when it gave one), or not. */
export type RetryDecision = { retry: false } | { retry: true; afterMs?: number };

/**
 * Runs `attempt` until it succeeds, the error is not retryable, the retries are spent, or the
 * signal aborts. Waits back off exponentially with up to 25% jitter (or follow the server's
 * `retry-after`, capped at `maxDelayMs`) on the given clock. An abort ends a wait at once and
 * rejects with the signal's reason, so no retry runs past the caller's deadline.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  options: {
    policy: RetryPolicy;
    signal: AbortSignal;
    clock: Clock;
    decide: (error: unknown) => RetryDecision;
    /** Told about each retry before its wait (for logs). */
    onRetry?: (error: unknown, delayMs: number, n: number) => void;
  },
): Promise<T> {
  const { policy, signal, clock } = options;
  for (let n = 0; ; n++) {
    signal.throwIfAborted();
    try {
      return await attempt(n);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const decision = options.decide(error);
      if (!decision.retry || n >= policy.maxRetries) throw error;
      const backoff = policy.initialDelayMs * 2 ** n * (1 - Math.random() * 0.25);
      const delay = Math.max(0, Math.min(decision.afterMs ?? backoff, policy.maxDelayMs));
      options.onRetry?.(error, delay, n + 1);
      await sleep(clock, delay, signal);
    }
  }
}

/** Parses `retry-after-ms` or `retry-after` (seconds or an HTTP date) into ms; `undefined` if absent. */
export function retryAfterMs(
  headers: { get(name: string): string | null } | undefined,
  now: number,
): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
