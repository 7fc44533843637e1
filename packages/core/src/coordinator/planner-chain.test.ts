import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger, systemClock } from '../contracts/components.js';
import type { Plan, Planner, PlanRequest } from '../contracts/planner.js';
import { SPECIFICATION_VERSION } from '../contracts/version.js';
import { apiDependency, apiTask, clientTask } from '../session/test-fixtures.js';
import { PlanCache } from './plan-cache.js';
import { NoPlanError, type PlannerChainOptions, runPlannerChain } from './planner-chain.js';
import { TokenBudget } from './token-budget.js';

// Time is vitest's fake clock behind `systemClock` (core cannot depend on @chorale/testing's
// ManualClock, which depends on core): `vi.advanceTimersByTimeAsync` moves deadlines, TTLs and
// the budget's hour alike.
const MINUTE = 60_000;

function request(sessionId = 'dep_1_42_1', extra: Partial<PlanRequest> = {}): PlanRequest {
  return {
    sessionId,
    sessionType: 'dependency',
    dependency: apiDependency,
    tasks: [apiTask, clientTask],
    participants: [],
    reason: apiDependency.reason,
    ...extra,
  };
}

interface FakePlanner extends Planner {
  calls: PlanRequest[];
}

function fake(
  name: string,
  answer: (request: PlanRequest, signal: AbortSignal) => Promise<Plan>,
  extra: { usesTokens?: boolean; model?: string } = {},
): FakePlanner {
  const calls: PlanRequest[] = [];
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    ...extra,
    calls,
    plan(request, signal) {
      calls.push(request);
      return answer(request, signal);
    },
  };
}

/** An LLM-like planner: spends `tokens` (split 2:1 input/output) per plan. */
function llm(name: string, tokens = 300, model = 'model-a'): FakePlanner {
  return fake(
    name,
    async (r) => ({
      text: `PLAN by ${name} for ${r.tasks.map((t) => t.title).join(' + ')}`,
      model,
      usage: { inputTokens: (tokens * 2) / 3, outputTokens: tokens / 3 },
      latencyMs: 1234,
    }),
    { usesTokens: true, model },
  );
}

const template = () => fake('template', async () => ({ text: 'TEMPLATE PLAN' }));

function chainOptions(extra: Partial<PlannerChainOptions> = {}): PlannerChainOptions {
  return { timeoutMs: 10_000, clock: systemClock, logger: silentLogger, ...extra };
}

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'Date'],
    now: Date.parse('2025-09-30T10:00:00Z'),
  });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('runPlannerChain: fallback order and provenance', () => {
  it('tries each planner in order past an error, unusable output and a deadline, and records why each failed', async () => {
    const order: string[] = [];
    const track = (name: string, answer: () => Promise<Plan>) => async (): Promise<Plan> => {
      order.push(name);
      return answer();
    };
    const throwing = fake(
      'throwing',
      track('throwing', async () => {
        throw new Error('HTTP 500 internal server error');
      }),
    );
    const empty = fake(
      'empty',
      track('empty', async () => ({ text: '   ' })),
    );
    const garbage = fake(
      'garbage',
      track('garbage', async () => 'just a string' as unknown as Plan),
    );
    const hanging = fake(
      'hanging',
      track('hanging', () => new Promise<Plan>(() => {})),
    );
    const last = template();
    const running = runPlannerChain(
      [throwing, empty, garbage, hanging, last],
      request(),
      chainOptions({ timeoutMs: 5_000 }),
    );
    await vi.advanceTimersByTimeAsync(4_999);
    expect(last.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    const outcome = await running;

    expect(order).toEqual(['throwing', 'empty', 'garbage', 'hanging']);
    expect(outcome.planner).toBe('template');
    expect(outcome.plan.text).toBe('TEMPLATE PLAN');
    expect(outcome.provenance).toEqual({
      planner: 'template',
      latencyMs: 0,
      failures: [
        { planner: 'throwing', error: 'HTTP 500 internal server error' },
        { planner: 'empty', error: 'unusable output: empty plan' },
        { planner: 'garbage', error: 'unusable output: string, not a plan' },
        { planner: 'hanging', error: 'planner "hanging" gave no plan within 5000 ms' },
      ],
    });
    expect(outcome.failures).toEqual(outcome.provenance.failures);
  });

  it('records the model, usage and latency of the plan that was used', async () => {
    const outcome = await runPlannerChain([llm('anthropic', 300)], request(), chainOptions());
    expect(outcome.provenance).toEqual({
      planner: 'anthropic',
      model: 'model-a',
      usage: { inputTokens: 200, outputTokens: 100 },
      latencyMs: 1234,
      failures: [],
    });
  });

  it('measures the latency on the clock when the planner does not report it', async () => {
    const slow = fake('slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 700));
      return { text: 'PLAN' };
    });
    const running = runPlannerChain([slow], request(), chainOptions());
    await vi.advanceTimersByTimeAsync(700);
    expect((await running).provenance.latencyMs).toBe(700);
  });

  it('keeps long error texts short', async () => {
    const verbose = fake('verbose', async () => {
      throw new Error('x'.repeat(5_000));
    });
    const outcome = await runPlannerChain([verbose, template()], request(), chainOptions());
    expect(outcome.provenance.failures[0]!.error).toHaveLength(500);
    expect(outcome.provenance.failures[0]!.error.endsWith('...')).toBe(true);
  });

  it('rejects with NoPlanError, listing every failure, when no planner gives a plan', async () => {
    const a = fake('a', async () => {
      throw new Error('down');
    });
    const b = fake('b', async () => ({ text: '' }));
    const error = await runPlannerChain([a, b], request(), chainOptions()).catch((e) => e);
    expect(error).toBeInstanceOf(NoPlanError);
    expect(error.failures).toEqual([
      { planner: 'a', error: 'down' },
      { planner: 'b', error: 'unusable output: empty plan' },
    ]);
  });

  it('stops at once when the session no longer needs a plan', async () => {
    const controller = new AbortController();
    const hanging = fake('hanging', () => new Promise<Plan>(() => {}));
    const next = template();
    const running = runPlannerChain(
      [hanging, next],
      request(),
      chainOptions({ signal: controller.signal }),
    );
    controller.abort(new Error('session resolved'));
    await expect(running).rejects.toThrow('session resolved');
    expect(next.calls).toHaveLength(0);
  });
});

describe('runPlannerChain: plan cache', () => {
  it('answers the same request to a token-spending planner from the cache within the TTL', async () => {
    const anthropic = llm('anthropic');
    const cache = new PlanCache({ ttl: 60 * MINUTE, maxEntries: 10 }, systemClock);
    const options = chainOptions({ cache });

    const first = await runPlannerChain([anthropic, template()], request('s1'), options);
    await vi.advanceTimersByTimeAsync(59 * MINUTE);
    // Another session for the same dependency: ids and times differ, the content does not.
    const second = await runPlannerChain(
      [anthropic, template()],
      request('s2', { tasks: [{ ...apiTask, claimedAt: Date.now() }, clientTask] }),
      options,
    );

    expect(anthropic.calls).toHaveLength(1);
    expect(second.plan.text).toBe(first.plan.text);
    expect(second.provenance).toEqual({
      planner: 'anthropic',
      model: 'model-a',
      cached: true,
      failures: [],
    });
    expect(cache.stats()).toEqual({ hits: 1, misses: 1, size: 1 });

    await vi.advanceTimersByTimeAsync(MINUTE);
    const third = await runPlannerChain([anthropic, template()], request('s3'), options);
    expect(anthropic.calls).toHaveLength(2);
    expect(third.provenance.cached).toBeUndefined();
  });

  it('misses on other task content, another relationship, another planner or model', async () => {
    const cache = new PlanCache({}, systemClock);
    const options = chainOptions({ cache });
    const a = llm('anthropic', 300, 'model-a');
    await runPlannerChain([a], request(), options);

    await runPlannerChain(
      [a],
      request('x', { tasks: [{ ...apiTask, description: 'Other words' }, clientTask] }),
      options,
    );
    await runPlannerChain(
      [a],
      request('x', { tasks: [{ ...apiTask, keywords: ['graphql'] }, clientTask] }),
      options,
    );
    await runPlannerChain(
      [a],
      request('x', { dependency: { ...apiDependency, relationship: 'Database_Schema' } }),
      options,
    );
    expect(a.calls).toHaveLength(4);

    const otherModel = llm('anthropic', 300, 'model-b');
    await runPlannerChain([otherModel], request(), options);
    const otherPlanner = llm('ollama', 300, 'model-a');
    await runPlannerChain([otherPlanner], request(), options);
    expect(otherModel.calls).toHaveLength(1);
    expect(otherPlanner.calls).toHaveLength(1);
  });

  it('never caches planners that spend no tokens, nor failed answers', async () => {
    const cache = new PlanCache({}, systemClock);
    const plain = template();
    await runPlannerChain([plain], request(), chainOptions({ cache }));
    await runPlannerChain([plain], request(), chainOptions({ cache }));
    expect(plain.calls).toHaveLength(2);

    let fail = true;
    const flaky = fake(
      'flaky',
      async () => {
        if (fail) throw new Error('HTTP 503');
        return { text: 'LLM PLAN' };
      },
      { usesTokens: true },
    );
    const first = await runPlannerChain([flaky, template()], request(), chainOptions({ cache }));
    expect(first.planner).toBe('template');
    fail = false;
    const second = await runPlannerChain([flaky, template()], request(), chainOptions({ cache }));
    expect(second.planner).toBe('flaky');
    expect(second.provenance.cached).toBeUndefined();
    expect(flaky.calls).toHaveLength(2);
  });
});

describe('runPlannerChain: token budget', () => {
  it('skips token-spending planners once the session spent its budget, and says so', async () => {
    const budget = new TokenBudget({ perSession: 500, perHour: 0 }, systemClock);
    const anthropic = llm('anthropic', 600);
    const options = chainOptions({ budget });

    const first = await runPlannerChain([anthropic, template()], request('s1'), options);
    expect(first.planner).toBe('anthropic');
    expect(budget.spentInSession('s1')).toBe(600);

    const again = await runPlannerChain(
      [anthropic, template()],
      request('s1', { reason: 'asked again' }),
      options,
    );
    expect(anthropic.calls).toHaveLength(1);
    expect(again.planner).toBe('template');
    expect(again.provenance.failures).toEqual([
      {
        planner: 'anthropic',
        error: 'token budget spent: 600 tokens in this session (limit 500)',
      },
    ]);

    const otherSession = await runPlannerChain([anthropic, template()], request('s2'), options);
    expect(otherSession.planner).toBe('anthropic');
    budget.forget('s1');
    expect(budget.spentInSession('s1')).toBe(0);
  });

  it('skips them while the last sliding hour spent the hourly budget', async () => {
    const budget = new TokenBudget({ perSession: 0, perHour: 1_000 }, systemClock);
    const options = chainOptions({ budget });
    const run = (session: string, tokens: number) =>
      runPlannerChain([llm('anthropic', tokens), template()], request(session), options);

    expect((await run('a', 600)).planner).toBe('anthropic'); // 10:00
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect((await run('b', 450)).planner).toBe('anthropic'); // 10:30, 1050 in the hour
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    const refused = await run('c', 300); // 10:40
    expect(refused.planner).toBe('template');
    expect(refused.provenance.failures[0]?.error).toBe(
      'token budget spent: 1050 tokens in the last hour (limit 1000)',
    );
    await vi.advanceTimersByTimeAsync(20 * MINUTE); // 11:00: the 10:00 spend leaves the window
    expect(budget.spentInLastHour()).toBe(450);
    expect((await run('d', 300)).planner).toBe('anthropic');
    expect(budget.totalSpent).toBe(1_350);
  });

  it('counts the tokens of an answer it could not use', async () => {
    const budget = new TokenBudget({ perSession: 0, perHour: 100 }, systemClock);
    const wasteful = fake(
      'wasteful',
      async () => ({ text: '', usage: { inputTokens: 90, outputTokens: 30 } }),
      { usesTokens: true },
    );
    const outcome = await runPlannerChain(
      [wasteful, template()],
      request(),
      chainOptions({ budget }),
    );
    expect(outcome.planner).toBe('template');
    expect(budget.spentInLastHour()).toBe(120);
  });

  it('leaves planners that spend no tokens alone when the budget is spent', async () => {
    const budget = new TokenBudget({ perSession: 1, perHour: 1 }, systemClock);
    budget.spend('s1', 10);
    const plain = template();
    const outcome = await runPlannerChain([plain], request('s1'), chainOptions({ budget }));
    expect(outcome.planner).toBe('template');
    expect(outcome.provenance.failures).toEqual([]);
  });

  it('answers from the cache even when the budget is spent (a hit costs nothing)', async () => {
    const cache = new PlanCache({}, systemClock);
    const budget = new TokenBudget({ perSession: 0, perHour: 100 }, systemClock);
    const anthropic = llm('anthropic', 300);
    await runPlannerChain([anthropic, template()], request('s1'), chainOptions({ cache, budget }));
    const hit = await runPlannerChain(
      [anthropic, template()],
      request('s2'),
      chainOptions({ cache, budget }),
    );
    expect(hit.planner).toBe('anthropic');
    expect(hit.provenance.cached).toBe(true);
    expect(budget.spentInLastHour()).toBe(300);
  });
});
