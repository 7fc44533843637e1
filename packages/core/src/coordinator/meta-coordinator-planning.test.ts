import {
  type CoordinationPlan,
  DEFAULT_TOPICS,
  type Envelope,
  type HmmmMessage,
  type Message,
  type PlanProvenance,
  type SlurpEvent,
  type TaskContext,
  type TaskDependency,
} from '@chorale/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sequentialIds, systemClock } from '../contracts/components.js';
import type { Plan, Planner, PlanRequest } from '../contracts/planner.js';
import type { Detector } from '../contracts/rules.js';
import type { SlurpSink } from '../contracts/sink.js';
import { SPECIFICATION_VERSION } from '../contracts/version.js';
import { MemorySessionStore } from '../memory/memory-store.js';
import { MemoryBus } from '../memory/memory-transport.js';
import type { PlanAdded } from '../session/events.js';
import { apiDependency, apiTask, clientTask } from '../session/test-fixtures.js';
import type { RedactionTarget } from './events.js';
import { MetaCoordinator } from './meta-coordinator.js';
import type { CoordinatorOptions } from './options.js';

// The planner chain and secret redaction inside the session engine: provenance from the chain
// to the log, the mesh, monitors and the SLURP event; secrets out of prompts, messages, sinks.

const GITHUB_TOKEN = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';

const secretApiTask: TaskContext = {
  ...apiTask,
  description: `Create OpenAPI spec for user auth endpoints; CI pushes with ${GITHUB_TOKEN}`,
  keywords: ['api', `key=${AWS_KEY}`],
};
const secretDependency: TaskDependency = {
  ...apiDependency,
  task1: secretApiTask,
  reason: `API definition and implementation dependency (seen: ${AWS_KEY})`,
};

/** Reports each dependency once both of its tasks are known. */
function detectorOf(dependencies: TaskDependency[]): Detector {
  const known = new Set<string>();
  const reported = new Set<TaskDependency>();
  return {
    register(task) {
      known.add(`${task.projectId}:${task.taskId}`);
      return dependencies.filter((d) => {
        const ready = [d.task1, d.task2].every((t) => known.has(`${t.projectId}:${t.taskId}`));
        if (!ready || reported.has(d)) return false;
        reported.add(d);
        return true;
      });
    },
    knownTasks: () => [],
  };
}

/** The same dependency between two other tasks with the same content (other ids). */
const sameContentDependency: TaskDependency = {
  ...apiDependency,
  task1: { ...apiTask, taskId: 142 },
  task2: { ...clientTask, taskId: 143 },
};

function recordingPlanner(
  name: string,
  answer: (request: PlanRequest) => Promise<Plan>,
  extra: Partial<Planner> = {},
): Planner & { requests: PlanRequest[] } {
  const requests: PlanRequest[] = [];
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    ...extra,
    requests,
    plan: (request) => {
      requests.push(structuredClone(request));
      return answer(request);
    },
  };
}

class ArraySink implements SlurpSink {
  readonly specificationVersion = SPECIFICATION_VERSION;
  readonly name = 'array';
  readonly events: SlurpEvent[] = [];
  async emit(event: SlurpEvent) {
    this.events.push(event);
  }
  async close() {}
}

async function setup(init: {
  planners: Planner[];
  dependency?: TaskDependency;
  /** More dependencies the detector reports (claimed with `claim`). */
  more?: TaskDependency[];
  options?: Partial<CoordinatorOptions>;
}) {
  const bus = new MemoryBus();
  const sink = new ArraySink();
  const store = new MemorySessionStore();
  const transport = bus.connect('coordinator-peer');
  await transport.start();
  const dependency = init.dependency ?? apiDependency;
  const coordinator = new MetaCoordinator({
    transport,
    detector: detectorOf([dependency, ...(init.more ?? [])]),
    planners: init.planners,
    sinks: [sink],
    store,
    clock: systemClock,
    ids: sequentialIds(),
    options: init.options ?? {},
  });
  const planEvents: [string, PlanProvenance | undefined][] = [];
  coordinator.on('coordination_plan', (session, _plan, provenance) =>
    planEvents.push([session.sessionId, provenance]),
  );
  const redactionEvents: [RedactionTarget, number][] = [];
  coordinator.on('redaction', (target, findings) =>
    redactionEvents.push([target, findings.reduce((n, f) => n + f.count, 0)]),
  );
  await coordinator.start();
  const observer = bus.connect('observer');
  await observer.start();
  const seen: Message[] = [];
  for (const topic of [DEFAULT_TOPICS.coordination, DEFAULT_TOPICS.metaDiscussion]) {
    observer.subscribe(topic, (envelope) => {
      if (envelope.from === 'coordinator-peer') seen.push(envelope.message);
    });
  }
  const settle = async () => {
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(0);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  const agents = new Map<string, Awaited<ReturnType<typeof bus.connect>>>();
  const say = async (peerId: string, message: Message) => {
    let agent = agents.get(peerId);
    if (!agent) {
      agent = bus.connect(peerId);
      await agent.start();
      agents.set(peerId, agent);
    }
    const envelope: Envelope = { from: peerId, timestamp: Date.now(), hopCount: 0, message };
    const topic =
      message.type === 'task_claim' ? DEFAULT_TOPICS.coordination : DEFAULT_TOPICS.metaDiscussion;
    await agent.publish(topic, envelope);
    await settle();
  };
  /** Claims both tasks of a dependency; returns the session it opened. */
  const claim = async (d: TaskDependency) => {
    const before = new Set(coordinator.getActiveSessions().map((s) => s.sessionId));
    await say('peer-1', { type: 'task_claim', task: d.task1 });
    await say('peer-2', { type: 'task_claim', task: d.task2 });
    const session = coordinator.getActiveSessions().find((s) => !before.has(s.sessionId));
    if (!session) throw new Error('no session opened');
    return session;
  };
  const claimBoth = () => claim(dependency);
  const agree = async (sessionId: string, agentId: string, peerId: string, text = 'I agree') =>
    say(peerId, {
      type: 'coordination_response',
      sessionId,
      agentId,
      response: text,
      responseType: 'agreement',
      timestamp: Date.now(),
    });
  const published = <T extends HmmmMessage['type']>(type: T) =>
    seen.filter((m): m is Extract<Message, { type: T }> => m.type === type);
  return {
    coordinator,
    sink,
    store,
    seen,
    planEvents,
    redactionEvents,
    settle,
    claim,
    claimBoth,
    agree,
    published,
  };
}

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'Date'],
    now: Date.parse('2025-09-30T10:00:10Z'),
  });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('MetaCoordinator: where the plan came from', () => {
  it('records the provenance in the log, on the published plan, on the monitor event and in the SLURP event', async () => {
    const down = recordingPlanner(
      'anthropic',
      async () => {
        throw new Error('500 Internal server error');
      },
      { usesTokens: true, model: 'claude-x' },
    );
    const template = recordingPlanner('template', async () => ({ text: 'TEMPLATE PLAN' }));
    const h = await setup({ planners: [down, template] });
    const session = await h.claimBoth();

    const expected: PlanProvenance = {
      planner: 'template',
      latencyMs: 0,
      failures: [{ planner: 'anthropic', error: '500 Internal server error' }],
    };
    const [plan] = h.published('coordination_plan') as CoordinationPlan[];
    expect(plan?.plan).toBe('TEMPLATE PLAN');
    expect(plan?.provenance).toEqual(expected);
    expect(h.planEvents).toEqual([[session.sessionId, expected]]);
    expect(session.planProvenance).toEqual(expected);
    const logged = (await h.store.load(session.sessionId)).find(
      (e): e is PlanAdded => e.kind === 'plan_added',
    );
    expect(logged?.provenance).toEqual(expected);
    expect(logged?.planner).toBe('template');

    await h.agree(session.sessionId, 'agent-001', 'peer-1');
    await h.agree(session.sessionId, 'agent-002', 'peer-2');
    await h.settle();
    expect(h.sink.events).toHaveLength(1);
    expect(h.sink.events[0]?.metadata.planProvenance).toEqual(expected);
  });

  it('reuses a cached LLM plan for the same dependency content and says so', async () => {
    const llm = recordingPlanner(
      'anthropic',
      async () => ({
        text: 'LLM PLAN',
        model: 'claude-x',
        usage: { inputTokens: 800, outputTokens: 200 },
      }),
      { usesTokens: true, model: 'claude-x' },
    );
    const h = await setup({ planners: [llm], more: [sameContentDependency] });
    const first = await h.claimBoth();
    const second = await h.claim(sameContentDependency);

    expect(llm.requests).toHaveLength(1);
    expect(first.planProvenance).toMatchObject({ planner: 'anthropic', model: 'claude-x' });
    expect(first.planProvenance?.cached).toBeUndefined();
    expect(second.planProvenance).toEqual({
      planner: 'anthropic',
      model: 'claude-x',
      cached: true,
      failures: [],
    });
    expect(second.messages[0]?.content).toBe('LLM PLAN');
    const plans = h.published('coordination_plan') as CoordinationPlan[];
    expect(plans.map((p) => p.provenance?.cached)).toEqual([undefined, true]);
    expect(h.coordinator.plannerStats()).toEqual({
      cache: { hits: 1, misses: 1, size: 1 },
      tokens: { lastHour: 1_000, total: 1_000 },
    });
  });

  it("skips the LLM planner once the hour's token budget is spent, and the plan says why", async () => {
    const llm = recordingPlanner(
      'anthropic',
      async () => ({ text: 'LLM PLAN', usage: { inputTokens: 600, outputTokens: 400 } }),
      { usesTokens: true },
    );
    const template = recordingPlanner('template', async () => ({ text: 'TEMPLATE PLAN' }));
    const other: TaskDependency = { ...sameContentDependency, relationship: 'Database_Schema' };
    const h = await setup({
      planners: [llm, template],
      more: [other],
      options: {
        tokenBudget: { perSession: 0, perHour: 1_000 },
        plannerCache: { ttl: 1, maxEntries: 0 },
      },
    });
    const first = await h.claimBoth();
    const second = await h.claim(other);

    expect(first.planProvenance?.planner).toBe('anthropic');
    expect(llm.requests).toHaveLength(1);
    expect(second.planProvenance).toEqual({
      planner: 'template',
      latencyMs: 0,
      failures: [
        {
          planner: 'anthropic',
          error: 'token budget spent: 1000 tokens in the last hour (limit 1000)',
        },
      ],
    });
    const plans = h.published('coordination_plan') as CoordinationPlan[];
    expect(plans[1]?.provenance?.failures[0]?.error).toContain('token budget spent');
  });
});

describe('MetaCoordinator: secret redaction', () => {
  it('no planner sees a secret from the tasks, the reason or the evidence', async () => {
    const planner = recordingPlanner('template', async () => ({ text: 'PLAN' }));
    const h = await setup({
      planners: [planner],
      dependency: {
        ...secretDependency,
        evidence: {
          task1Terms: [`token=${GITHUB_TOKEN}`],
          task2Terms: [],
          references: [],
          signals: [],
        },
      },
    });
    await h.claimBoth();
    const [request] = planner.requests;
    const text = JSON.stringify(request);
    expect(text).not.toContain(GITHUB_TOKEN);
    expect(text).not.toContain(AWS_KEY);
    expect(request?.tasks[0]?.description).toBe(
      'Create OpenAPI spec for user auth endpoints; CI pushes with [REDACTED:github_token]',
    );
    expect(request?.tasks[0]?.keywords).toEqual(['api', 'key=[REDACTED:aws_access_key_id]']);
    expect(request?.dependency?.evidence?.task1Terms).toEqual(['token=[REDACTED:github_token]']);
    expect(request?.reason).toContain('[REDACTED:aws_access_key_id]');
    // Ids stay as they are, so the session still lines up with the claims.
    expect(request?.tasks.map((t) => t.taskId)).toEqual([42, 43]);
    // Description and keyword of the task (in tasks and in the dependency), both reasons, the evidence.
    expect(h.redactionEvents).toContainEqual(['prompt', 7]);
  });

  it('publishes no secret: dependency_detected, the plan and its tasks, the planner failures, the escalation', async () => {
    const leaky = recordingPlanner('leaky', async () => {
      throw new Error(`401 invalid x-api-key sk-ant-api03-${'a1B2'.repeat(10)}`);
    });
    const echo = recordingPlanner('echo', async () => ({
      text: `Use postgres://app:pa55word@db:5432/app and ${GITHUB_TOKEN}`,
    }));
    const h = await setup({ planners: [leaky, echo], dependency: secretDependency });
    const session = await h.claimBoth();
    await h.coordinator.escalateSession(session.sessionId, `Escalated: leaked ${GITHUB_TOKEN}`);
    await h.settle();

    const types = h.seen.map((m) => m.type);
    expect(types).toEqual(['dependency_detected', 'coordination_plan', 'escalation']);
    const wire = JSON.stringify(h.seen);
    expect(wire).not.toContain(GITHUB_TOKEN);
    expect(wire).not.toContain(AWS_KEY);
    expect(wire).not.toContain('pa55word');
    expect(wire).not.toContain('a1B2a1B2');
    const [plan] = h.published('coordination_plan') as CoordinationPlan[];
    expect(plan?.plan).toBe(
      'Use postgres://[REDACTED:connection_string]@db:5432/app and [REDACTED:github_token]',
    );
    expect(plan?.provenance?.failures).toEqual([
      { planner: 'leaky', error: '401 invalid x-api-key [REDACTED:anthropic_api_key]' },
    ]);
    // The plan is redacted before it is recorded: the session and the SLURP event hold no secret either.
    expect(h.coordinator.getSession(session.sessionId)?.messages[0]?.content).not.toContain(
      GITHUB_TOKEN,
    );
    expect(JSON.stringify(h.sink.events)).not.toContain(GITHUB_TOKEN);

    const counts = h.coordinator.redactions();
    expect(counts.github_token).toBeGreaterThanOrEqual(4);
    expect(counts.connection_string).toBe(1);
    expect(counts.anthropic_api_key).toBe(1);
    expect(h.redactionEvents.map(([target]) => target)).toEqual(
      expect.arrayContaining(['prompt', 'plan', 'publish', 'slurp']),
    );
  });

  it('keeps secrets an agent wrote out of the SLURP event', async () => {
    const planner = recordingPlanner('template', async () => ({ text: 'PLAN' }));
    const h = await setup({ planners: [planner] });
    const session = await h.claimBoth();
    await h.agree(
      session.sessionId,
      'agent-001',
      'peer-1',
      `Agreed, deploy with password=hunter22`,
    );
    await h.agree(session.sessionId, 'agent-002', 'peer-2');
    await h.settle();
    const [event] = h.sink.events;
    expect(event?.outcomeType).toBe('resolved');
    expect(event?.messages[1]?.content).toBe('Agreed, deploy with password=[REDACTED:password]');
    expect(h.coordinator.redactions()).toEqual({ password: 1 });
    expect(h.redactionEvents).toEqual([['slurp', 1]]);
  });

  it('with redaction off, text passes as it is', async () => {
    const planner = recordingPlanner('template', async () => ({ text: `PLAN ${GITHUB_TOKEN}` }));
    const h = await setup({
      planners: [planner],
      dependency: secretDependency,
      options: { redaction: false },
    });
    await h.claimBoth();
    expect(planner.requests[0]?.tasks[0]?.description).toContain(GITHUB_TOKEN);
    expect(JSON.stringify(h.seen)).toContain(GITHUB_TOKEN);
    expect(h.coordinator.redactions()).toEqual({});
    expect(h.redactionEvents).toEqual([]);
  });
});
