import { ChoraleError } from '@chorale/protocol';
import type { Clock, Logger } from '../contracts/components.js';
import type { Plan, Planner, PlanRequest } from '../contracts/planner.js';

export class PlannerTimeoutError extends ChoraleError {
  constructor(planner: string, ms: number) {
    super('PLANNER_TIMEOUT', `planner "${planner}" gave no plan within ${ms} ms`, {
      isRetryable: true,
    });
    this.name = 'PlannerTimeoutError';
  }
}

export class NoPlanError extends ChoraleError {
  readonly failures: { planner: string; error: string }[];
  constructor(failures: { planner: string; error: string }[]) {
    super(
      'NO_PLAN',
      `no planner produced a plan (${failures.map((f) => `${f.planner}: ${f.error}`).join('; ') || 'none configured'})`,
    );
    this.name = 'NoPlanError';
    this.failures = failures;
  }
}

export interface PlanOutcome {
  plan: Plan;
  planner: string;
  /** Planners that failed before this one, with why. */
  failures: { planner: string; error: string }[];
}

/**
 * Asks each planner in turn, each with its own deadline (on the injected clock); on error,
 * empty plan or deadline, the next one. Rejects with `NoPlanError` when none gave a plan, or
 * with the abort reason when `signal` is aborted (the session no longer needs a plan).
 */
export async function runPlannerChain(
  planners: readonly Planner[],
  request: PlanRequest,
  options: { timeoutMs: number; clock: Clock; logger: Logger; signal?: AbortSignal },
): Promise<PlanOutcome> {
  const failures: { planner: string; error: string }[] = [];
  for (const planner of planners) {
    options.signal?.throwIfAborted();
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const timer = options.clock.setTimeout(
      () => controller.abort(new PlannerTimeoutError(planner.name, options.timeoutMs)),
      options.timeoutMs,
    );
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
        once: true,
      });
    });
    aborted.catch(() => {});
    try {
      const plan = await Promise.race([planner.plan(request, controller.signal), aborted]);
      if (typeof plan?.text !== 'string' || plan.text.trim() === '') throw new Error('empty plan');
      return { plan, planner: planner.name, failures };
    } catch (error) {
      options.signal?.throwIfAborted();
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ planner: planner.name, error: message });
      options.logger.warn(
        { planner: planner.name, session: request.sessionId, error: message },
        'planner failed, trying the next one',
      );
    } finally {
      options.clock.clearTimeout(timer);
      options.signal?.removeEventListener('abort', onOuterAbort);
    }
  }
  throw new NoPlanError(failures);
}
