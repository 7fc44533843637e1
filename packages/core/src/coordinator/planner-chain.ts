import { ChoraleError, type PlanProvenance } from '@chorale/protocol';
import type { Clock, Logger } from '../contracts/components.js';
import type { Plan, Planner, PlanRequest } from '../contracts/planner.js';
import { type PlanCache, planCacheKey } from './plan-cache.js';
import type { TokenBudget } from './token-budget.js';

export class PlannerTimeoutError extends ChoraleError {
  constructor(planner: string, ms: number) {
    super('PLANNER_TIMEOUT', `planner "${planner}" gave no plan within ${ms} ms`, {
      isRetryable: true,
    });
    this.name = 'PlannerTimeoutError';
  }
}

export class NoPlanError extends ChoraleError {
  readonly failures: PlannerFailure[];
  constructor(failures: PlannerFailure[]) {
    super(
      'NO_PLAN',
      `no planner produced a plan (${failures.map((f) => `${f.planner}: ${f.error}`).join('; ') || 'none configured'})`,
    );
    this.name = 'NoPlanError';
    this.failures = failures;
  }
}

/** A planner that gave no plan, and why. */
export interface PlannerFailure {
  planner: string;
  error: string;
}

export interface PlanOutcome {
  plan: Plan;
  planner: string;
  /** Planners that failed before this one, with why. */
  failures: PlannerFailure[];
  /** The record published with the plan: who wrote it, with which model, at what cost, and who failed before. */
  provenance: PlanProvenance;
}

export interface PlannerChainOptions {
  /** Deadline of each planner, in ms (on `clock`). */
  timeoutMs: number;
  clock: Clock;
  logger: Logger;
  /** Aborted when the session no longer needs a plan. */
  signal?: AbortSignal;
  /** Plans of token-spending planners are looked up here first and kept here after. */
  cache?: PlanCache;
  /** Token-spending planners are skipped while it refuses; their `usage` is counted in it. */
  budget?: TokenBudget;
}

/** Error texts kept in a provenance record at most this long (the wire allows 2 000). */
const MAX_ERROR_LENGTH = 500;

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > MAX_ERROR_LENGTH
    ? `${message.slice(0, MAX_ERROR_LENGTH - 3)}...`
    : message;
}

/** Why a planner's answer cannot be used as a plan, or undefined when it can. */
function unusable(plan: unknown): string | undefined {
  if (typeof plan !== 'object' || plan === null)
    return `unusable output: ${typeof plan}, not a plan`;
  const { text } = plan as { text?: unknown };
  if (typeof text !== 'string') return 'unusable output: the plan has no text';
  if (text.trim() === '') return 'unusable output: empty plan';
  return undefined;
}

/** Tokens a plan reports, when it reports them as two non-negative numbers. */
function tokensOf(plan: Plan): number | undefined {
  const usage = plan.usage;
  if (!usage) return undefined;
  const { inputTokens, outputTokens } = usage;
  const valid = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  return valid(inputTokens) && valid(outputTokens) ? inputTokens + outputTokens : undefined;
}

function provenanceOf(
  planner: Planner,
  plan: Plan,
  failures: PlannerFailure[],
  extra: { latencyMs?: number; cached?: boolean },
): PlanProvenance {
  const model = plan.model ?? planner.model;
  const usage = !extra.cached && tokensOf(plan) !== undefined ? plan.usage : undefined;
  return {
    planner: planner.name,
    ...(model ? { model } : {}),
    ...(usage
      ? { usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens } }
      : {}),
    ...(extra.latencyMs === undefined ? {} : { latencyMs: extra.latencyMs }),
    ...(extra.cached ? { cached: true } : {}),
    failures: [...failures],
  };
}

/**
 * Asks each planner in turn, each with its own deadline (on the injected clock); on error,
 * unusable output or deadline, the next one. A token-spending planner (`usesTokens`) answers
 * from the cache when it holds the same request, and is skipped while the token budget is
 * spent. Resolves with the plan and its provenance (which planner, model, usage, latency,
 * cached, and why each planner before failed). Rejects with `NoPlanError` when none gave a
 * plan, or with the abort reason when `signal` is aborted (the session no longer needs a plan).
 */
export async function runPlannerChain(
  planners: readonly Planner[],
  request: PlanRequest,
  options: PlannerChainOptions,
): Promise<PlanOutcome> {
  const { clock, cache, budget } = options;
  const failures: PlannerFailure[] = [];
  const fail = (planner: Planner, error: string) => {
    failures.push({ planner: planner.name, error });
    options.logger.warn(
      { planner: planner.name, session: request.sessionId, error },
      'planner failed, trying the next one',
    );
  };
  for (const planner of planners) {
    options.signal?.throwIfAborted();
    const cacheKey = planner.usesTokens && cache ? planCacheKey(planner, request) : undefined;
    if (cacheKey !== undefined) {
      const cached = cache!.get(cacheKey);
      if (cached) {
        return {
          plan: cached,
          planner: planner.name,
          failures,
          provenance: provenanceOf(planner, cached, failures, { cached: true }),
        };
      }
    }
    const refusal = planner.usesTokens ? budget?.refusal(request.sessionId) : undefined;
    if (refusal) {
      fail(planner, refusal);
      continue;
    }
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const timer = clock.setTimeout(
      () => controller.abort(new PlannerTimeoutError(planner.name, options.timeoutMs)),
      options.timeoutMs,
    );
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
        once: true,
      });
    });
    aborted.catch(() => {});
    const started = clock.now();
    try {
      const plan = await Promise.race([planner.plan(request, controller.signal), aborted]);
      const tokens = typeof plan === 'object' && plan !== null ? tokensOf(plan) : undefined;
      if (planner.usesTokens && tokens !== undefined) budget?.spend(request.sessionId, tokens);
      const problem = unusable(plan);
      if (problem) throw new Error(problem);
      if (cacheKey !== undefined) cache!.set(cacheKey, plan);
      return {
        plan,
        planner: planner.name,
        failures,
        provenance: provenanceOf(planner, plan, failures, {
          latencyMs: plan.latencyMs ?? clock.now() - started,
        }),
      };
    } catch (error) {
      options.signal?.throwIfAborted();
      fail(planner, describeError(error));
    } finally {
      clock.clearTimeout(timer);
      options.signal?.removeEventListener('abort', onOuterAbort);
    }
  }
  throw new NoPlanError(failures);
}
