import {
  DEFAULT_TOPICS,
  type Envelope,
  type HmmmMessage,
  type Message,
  type SlurpEvent,
  type TaskContext,
  type TaskDependency,
} from '@chorale/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sequentialIds, systemClock } from '../contracts/components.js';
import type { Plan, Planner } from '../contracts/planner.js';
import type { Detector } from '../contracts/rules.js';
import type { SlurpSink } from '../contracts/sink.js';
import { SPECIFICATION_VERSION } from '../contracts/version.js';
import { MemorySessionStore } from '../memory/memory-store.js';
import { MemoryBus, type MemoryTransport } from '../memory/memory-transport.js';
import { apiDependency, apiTask, clientTask } from '../session/test-fixtures.js';
import { NotParticipantError, SessionClosedError, SessionNotFoundError } from './errors.js';
import { MetaCoordinator } from './meta-coordinator.js';
import type { CoordinatorOptions } from './options.js';

const MINUTE = 60_000;

/** Reports `apiDependency` once both of its tasks are known; any other pair never. */
function pairDetector(dependencies: TaskDependency[] = [apiDependency]): Detector {
  const known = new Map<string, TaskContext>();
  const reported = new Set<TaskDependency>();
  return {
    register(task) {
      known.set(`${task.projectId}:${task.taskId}`, task);
      return dependencies.filter((d) => {
        const ready = [d.task1, d.task2].every((t) => known.has(`${t.projectId}:${t.taskId}`));
        if (!ready || reported.has(d)) return false;
        reported.add(d);
        return true;
      });
    },
    knownTasks: () => [...known.values()],
  };
}

function planner(name: string, plan: (signal: AbortSignal) => Promise<Plan>): Planner {
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    plan: (_request, signal) => plan(signal),
  };
}

const fixedPlanner = planner('fixed', async () => ({
  text: 'COORDINATION PLAN:\n1. SEQUENCE:\n- API first',
}));

class ArraySink implements SlurpSink {
  readonly specificationVersion = SPECIFICATION_VERSION;
  readonly name = 'array';
  readonly events: SlurpEvent[] = [];
  async emit(event: SlurpEvent) {
    this.events.push(event);
  }
  async close() {}
}

interface Harness {
  coordinator: MetaCoordinator;
  bus: MemoryBus;
  sink: ArraySink;
  store: MemorySessionStore;
  /** Every HMMM message seen by an observer on the bus, in order. */
  seen: HmmmMessage[];
  agent(peerId: string): Promise<MemoryTransport>;
  say(from: MemoryTransport, message: Message, hopCount?: number): Promise<void>;
  settle(): Promise<void>;
}

async function harness(
  init: {
    options?: Partial<CoordinatorOptions>;
    planners?: Planner[];
    detector?: Detector;
    store?: MemorySessionStore;
    bus?: MemoryBus;
  } = {},
): Promise<Harness> {
  const bus = init.bus ?? new MemoryBus();
  const sink = new ArraySink();
  const store = init.store ?? new MemorySessionStore();
  const transport = bus.connect('coordinator-peer');
  await transport.start();
  const coordinator = new MetaCoordinator({
    transport,
    detector: init.detector ?? pairDetector(),
    planners: init.planners ?? [fixedPlanner],
    sinks: [sink],
    store,
    clock: systemClock,
    ids: sequentialIds(),
    options: init.options ?? {},
  });
  await coordinator.start();
  const observer = bus.connect('observer');
  await observer.start();
  const seen: HmmmMessage[] = [];
  observer.subscribe(DEFAULT_TOPICS.metaDiscussion, (envelope) => {
    if (envelope.message.type !== 'task_claim') seen.push(envelope.message);
  });
  const settle = async () => {
    // Lets deliveries, session queues and store writes run; never waits on a pending planner.
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(0);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  return {
    coordinator,
    bus,
    sink,
    store,
    seen,
    async agent(peerId) {
      const t = bus.connect(peerId);
      await t.start();
      return t;
    },
    async say(from, message, hopCount = 0) {
      const envelope: Envelope = { from: from.peerId, timestamp: Date.now(), hopCount, message };
      const topic =
        message.type === 'task_claim' ? DEFAULT_TOPICS.coordination : DEFAULT_TOPICS.metaDiscussion;
      await from.publish(topic, envelope);
      await settle();
    },
    settle,
  };
}

const reply = (
  sessionId: string,
  agentId: string,
  response: string,
  extra: object = {},
): Message => ({
  type: 'coordination_response',
  sessionId,
  agentId,
  response,
  timestamp: Date.now(),
  ...extra,
});

async function openApiSession(h: Harness) {
  const a1 = await h.agent('peer-1');
  const a2 = await h.agent('peer-2');
  await h.say(a1, { type: 'task_claim', task: apiTask });
  await h.say(a2, { type: 'task_claim', task: clientTask });
  const [session] = h.coordinator.getActiveSessions();
  if (!session) throw new Error('no session opened');
  return { a1, a2, session };
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

describe('MetaCoordinator: the reference flow', () => {
  it('claims → dependency_detected → session → plan → agreements → resolution → one SLURP event', async () => {
    const h = await harness();
    const { a1, a2, session } = await openApiSession(h);

    expect(session.sessionId).toBe('dep_1_42_1759226405');
    expect(session.type).toBe('dependency');
    expect(Object.keys(session.participants)).toEqual(['agent-001', 'agent-002']);
    expect(session.participants['agent-001']?.peerId).toBe('peer-1');
    expect(session.messages[0]).toMatchObject({
      messageType: 'proposal',
      fromAgentId: 'meta_coordinator',
      planRevision: 1,
    });
    expect(h.seen.map((m) => m.type)).toEqual(['dependency_detected', 'coordination_plan']);
    const plan = h.seen[1] as Extract<HmmmMessage, { type: 'coordination_plan' }>;
    expect(plan).toMatchObject({
      sessionId: session.sessionId,
      planRevision: 1,
      message: 'Coordination plan generated for dependency: API_Contract',
    });
    expect(plan.tasksInvolved).toHaveLength(2);

    await h.say(
      a1,
      reply(
        session.sessionId,
        'agent-001',
        'I agree with the proposed sequence. API spec will be ready by EOD.',
      ),
    );
    expect(h.coordinator.getSession(session.sessionId)?.status).toBe('active');
    await h.say(a2, reply(session.sessionId, 'agent-002', 'Sounds good'));

    const resolved = h.coordinator.getSession(session.sessionId);
    expect(resolved?.status).toBe('resolved');
    expect(resolved?.resolution).toBe('Consensus reached among participants');
    expect(h.seen.at(-1)).toMatchObject({
      type: 'resolution',
      sessionId: session.sessionId,
      resolution: 'Consensus reached among participants',
    });
    expect((h.seen.at(-1) as { summary: string }).summary).toMatch(
      /^Session dep_1_42_1759226405 \(dependency\): 2 participants, 3 messages, duration \d+s$/,
    );
    expect(h.sink.events).toHaveLength(1);
    expect(h.sink.events[0]).toMatchObject({
      sessionId: session.sessionId,
      consensusReached: true,
      consensusStrength: 0.9,
      outcomeType: 'resolved',
      projectPath: 'backend-api',
      relatedTasks: ['backend-api#42', 'frontend-app#43'],
      metadata: {
        sessionType: 'dependency',
        sessionStatus: 'resolved',
        messageCount: 3,
        participantCount: 2,
      },
    });
  });

  it('opens one session per dependency, even when the dependency is announced again', async () => {
    const h = await harness();
    const { a1 } = await openApiSession(h);
    await h.say(a1, {
      type: 'dependency_detected',
      dependency: apiDependency,
      coordinationRequest: '',
      agentsInvolved: [],
      repositories: [],
      hopCount: 1,
      maxHops: 3,
    });
    expect(h.coordinator.getActiveSessions()).toHaveLength(1);
  });

  it('opens a session again for a released task claimed again; not for a repeated claim', async () => {
    // reports a pair once while both tasks are known, again once one was released (as the
    // DependencyDetector does)
    const known = new Set<string>();
    const reported = new Set<string>();
    const id = (t: Pick<TaskContext, 'projectId' | 'taskId'>) => `${t.projectId}:${t.taskId}`;
    const detector: Detector = {
      register(task) {
        known.add(id(task));
        const ready = known.has(id(apiTask)) && known.has(id(clientTask));
        if (!ready || reported.has('pair')) return [];
        reported.add('pair');
        return [apiDependency];
      },
      knownTasks: () => [],
      release(task) {
        reported.delete('pair');
        return known.delete(id(task));
      },
    };
    const h = await harness({ detector });
    const { a2, session } = await openApiSession(h);
    await h.say(a2, { type: 'task_claim', task: clientTask });
    expect(h.coordinator.getActiveSessions()).toHaveLength(1);
    expect(h.coordinator.sessionIdFor(apiDependency)).toBe(session.sessionId);

    expect(h.coordinator.releaseTask(clientTask)).toBe(true);
    expect(h.coordinator.sessionIdFor(apiDependency)).toBeUndefined();
    await h.say(a2, { type: 'task_claim', task: clientTask });
    const sessions = h.coordinator.getActiveSessions();
    expect(sessions).toHaveLength(2);
    const again = sessions.find((s) => s.sessionId !== session.sessionId);
    expect(again?.dependency).toEqual(apiDependency);
    expect(h.coordinator.sessionIdFor(apiDependency)).toBe(again?.sessionId);
    // the first session is not touched
    expect(sessions.find((s) => s.sessionId === session.sessionId)?.status).toBe('active');
  });

  it('opens a session for a dependency announced by another node', async () => {
    const h = await harness({ detector: pairDetector([]) });
    const other = await h.agent('other-node');
    await h.say(other, {
      type: 'dependency_detected',
      dependency: apiDependency,
      coordinationRequest: '',
      agentsInvolved: [],
      repositories: [],
      hopCount: 0,
      maxHops: 3,
    });
    expect(h.coordinator.getActiveSessions()).toHaveLength(1);
    expect(h.seen.filter((m) => m.type === 'dependency_detected')).toHaveLength(1);
  });

  it('keeps session messages and negated agreement does not resolve', async () => {
    const h = await harness();
    const { a1, a2, session } = await openApiSession(h);
    await h.say(a2, {
      type: 'session_message',
      sessionId: session.sessionId,
      fromAgent: 'agent-002',
      content: 'Can we schedule a quick sync to review the API spec?',
      timestamp: Date.now(),
    });
    await h.say(a1, reply(session.sessionId, 'agent-001', "I don't agree with the order"));
    await h.say(a2, reply(session.sessionId, 'agent-002', 'I disagree'));
    const s = h.coordinator.getSession(session.sessionId)!;
    expect(s.status).toBe('active');
    expect(s.messages.map((m) => m.messageType)).toEqual([
      'proposal',
      'question',
      'concern',
      'concern',
    ]);
    expect(s.messages[1]?.metadata.source).toBe('session_message');
  });

  it('a counter-proposal is a new revision that resets the votes', async () => {
    const h = await harness();
    const { a1, a2, session } = await openApiSession(h);
    await h.say(a1, reply(session.sessionId, 'agent-001', 'Agreed'));
    await h.say(
      a2,
      reply(session.sessionId, 'agent-002', 'Let us ship a mock server first', {
        responseType: 'proposal',
      }),
    );
    let s = h.coordinator.getSession(session.sessionId)!;
    expect(s.status).toBe('active');
    expect(s.planRevision).toBe(2);
    const revised = h.seen.filter((m) => m.type === 'coordination_plan').at(-1);
    expect(revised).toMatchObject({
      planRevision: 2,
      plan: 'Let us ship a mock server first',
      message: 'Counter-proposal from agent-002 (revision 2)',
    });
    await h.say(a1, reply(session.sessionId, 'agent-001', 'Confirmed', { planRevision: 2 }));
    s = h.coordinator.getSession(session.sessionId)!;
    expect(s.status).toBe('resolved');
  });
});

describe('MetaCoordinator: escalation', () => {
  it('escalates when the message count reaches the threshold', async () => {
    const h = await harness({ options: { escalationThreshold: 4 } });
    const { a1, a2, session } = await openApiSession(h);
    await h.say(a1, reply(session.sessionId, 'agent-001', 'What about versioning?'));
    await h.say(a2, reply(session.sessionId, 'agent-002', 'I have a concern about the timeline'));
    expect(h.coordinator.getSession(session.sessionId)?.status).toBe('active');
    await h.say(a1, reply(session.sessionId, 'agent-001', 'Which version?'));
    const s = h.coordinator.getSession(session.sessionId)!;
    expect(s.status).toBe('escalated');
    expect(s.escalationReason).toBe('Message limit exceeded - human intervention needed');
    const escalation = h.seen.at(-1);
    expect(escalation).toMatchObject({
      type: 'escalation',
      requiresHuman: true,
      escalationReason: 'Message limit exceeded - human intervention needed',
    });
    expect((escalation as { sessionSummary: string }).sessionSummary).toContain('4 messages');
    expect(h.sink.events).toHaveLength(1);
    expect(h.sink.events[0]).toMatchObject({
      outcomeType: 'escalated',
      consensusStrength: 0.3,
      consensusReached: false,
    });
  });

  it('escalates a silent session when its time is up, without another message', async () => {
    const h = await harness();
    const { session } = await openApiSession(h);
    await vi.advanceTimersByTimeAsync(30 * MINUTE - 1000);
    await h.settle();
    expect(h.coordinator.getSession(session.sessionId)?.status).toBe('active');
    await vi.advanceTimersByTimeAsync(2000);
    await h.settle();
    const s = h.coordinator.getSession(session.sessionId)!;
    expect(s.status).toBe('escalated');
    expect(s.escalationReason).toBe('Session duration exceeded - human intervention needed');
    expect(h.sink.events.map((e) => e.outcomeType)).toEqual(['escalated']);
  });

  it('escalates on an explicit escalation_request from a participant, with its reason', async () => {
    const h = await harness();
    const { a2, session } = await openApiSession(h);
    await h.say(a2, {
      type: 'escalation_request',
      sessionId: session.sessionId,
      agentId: 'agent-002',
      reason: 'we need a product decision',
    });
    const s = h.coordinator.getSession(session.sessionId)!;
    expect(s.status).toBe('escalated');
    expect(s.escalationReason).toBe(
      'Escalation requested by agent-002: we need a product decision',
    );
  });

  it('escalates when no planner gives a plan', async () => {
    const broken = planner('broken', async () => {
      throw new Error('model unavailable');
    });
    const h = await harness({ planners: [broken] });
    const { session } = await openApiSession(h);
    const s = h.coordinator.getSession(session.sessionId)!;
    expect(s.status).toBe('escalated');
    expect(s.escalationReason).toContain('broken: model unavailable');
  });
});

describe('MetaCoordinator: planner chain', () => {
  it('falls back to the next planner on error and on deadline', async () => {
    const failing = planner('failing', async () => {
      throw new Error('HTTP 529 overloaded');
    });
    const hanging = planner('hanging', () => new Promise<Plan>(() => {}));
    const h = await harness({
      planners: [failing, hanging, fixedPlanner],
      options: { plannerTimeout: 5_000 },
    });
    const { session } = await openApiSession(h);
    expect(h.coordinator.getSession(session.sessionId)?.planRevision).toBe(0);
    await vi.advanceTimersByTimeAsync(5_001);
    await h.settle();
    const s = h.coordinator.getSession(session.sessionId)!;
    expect(s.planRevision).toBe(1);
    expect(s.messages[0]?.metadata.planner).toBe('fixed');
  });

  it('holds replies until the plan is stored, so a reply never overtakes the plan', async () => {
    let release: (plan: Plan) => void = () => {};
    const slow = planner(
      'slow',
      () =>
        new Promise<Plan>((resolve) => {
          release = resolve;
        }),
    );
    const h = await harness({ planners: [slow] });
    const { a1, a2, session } = await openApiSession(h);
    await h.bus.inject(DEFAULT_TOPICS.metaDiscussion, JSON.stringify({}), 'nobody');
    const p1 = a1.publish(DEFAULT_TOPICS.metaDiscussion, {
      from: 'peer-1',
      timestamp: Date.now(),
      hopCount: 0,
      message: reply(session.sessionId, 'agent-001', 'Agreed'),
    });
    const p2 = a2.publish(DEFAULT_TOPICS.metaDiscussion, {
      from: 'peer-2',
      timestamp: Date.now(),
      hopCount: 0,
      message: reply(session.sessionId, 'agent-002', 'Agreed'),
    });
    await Promise.all([p1, p2]);
    await vi.advanceTimersByTimeAsync(0);
    release({ text: 'PLAN' });
    await h.settle();
    const s = h.coordinator.getSession(session.sessionId)!;
    expect(s.messages.map((m) => m.messageType)).toEqual(['proposal', 'agreement', 'agreement']);
    expect(s.status).toBe('resolved');
  });
});

describe('MetaCoordinator: sessions on request', () => {
  const task = (n: number): TaskContext => ({
    ...apiTask,
    taskId: 100 + n,
    repository: `repo-${n}`,
    agentId: `agent-${n}`,
  });

  it('coordination_request opens a planning session, capped at maxParticipants', async () => {
    const h = await harness({ options: { maxParticipants: 5 } });
    const requester = await h.agent('peer-9');
    await h.say(requester, {
      type: 'coordination_request',
      sessionType: 'planning',
      agentId: 'agent-1',
      tasks: [1, 2, 3, 4, 5, 6, 7].map(task),
      reason: 'Joint planning for the login revamp',
    });
    const [s] = h.coordinator.getActiveSessions();
    expect(s?.type).toBe('planning');
    expect(s?.sessionId).toMatch(/^plan_1_101_\d+$/);
    expect(Object.keys(s?.participants ?? {})).toHaveLength(5);
    expect(s?.reason).toBe('Joint planning for the login revamp');
    expect(h.seen.filter((m) => m.type === 'coordination_plan')).toHaveLength(1);
  });

  it('coordination_request opens a conflict session', async () => {
    const h = await harness();
    const requester = await h.agent('peer-9');
    await h.say(requester, {
      type: 'coordination_request',
      sessionType: 'conflict',
      agentId: 'agent-1',
      tasks: [task(1), task(2)],
      reason: 'both rewrite config.yaml',
    });
    expect(h.coordinator.getActiveSessions()[0]?.type).toBe('conflict');
  });
});

describe('MetaCoordinator: bad and stray input is counted, never fatal', () => {
  it('drops messages above the hop limit', async () => {
    const h = await harness();
    const { a1, session } = await openApiSession(h);
    await h.say(a1, reply(session.sessionId, 'agent-001', 'Agreed'), 4);
    expect(h.coordinator.drops().hop_limit).toBe(1);
    expect(h.coordinator.getSession(session.sessionId)?.messages).toHaveLength(1);
    await h.say(a1, {
      type: 'dependency_detected',
      dependency: { ...apiDependency, relationship: 'Other' },
      coordinationRequest: '',
      agentsInvolved: [],
      repositories: [],
      hopCount: 4,
      maxHops: 3,
    });
    expect(h.coordinator.drops().hop_limit).toBe(2);
  });

  it('drops replies for unknown sessions and from non-participants', async () => {
    const h = await harness();
    const { a1, session } = await openApiSession(h);
    await h.say(a1, reply('dep_nope', 'agent-001', 'Agreed'));
    await h.say(a1, reply(session.sessionId, 'agent-777', 'Agreed'));
    expect(h.coordinator.drops()).toMatchObject({ unknown_session: 1, not_participant: 1 });
  });

  it('survives a throwing monitor and a failing sink', async () => {
    const h = await harness();
    h.coordinator.on('coordination_plan', () => {
      throw new Error('monitor bug');
    });
    const { a1, a2, session } = await openApiSession(h);
    await h.say(a1, reply(session.sessionId, 'agent-001', 'Agreed'));
    await h.say(a2, reply(session.sessionId, 'agent-002', 'Agreed'));
    expect(h.coordinator.getSession(session.sessionId)?.status).toBe('resolved');
    expect(h.coordinator.drops().listener_error).toBe(1);
  });
});

describe('MetaCoordinator: operators, cleanup and restarts', () => {
  it('resolves, escalates and closes by hand, with typed errors otherwise', async () => {
    const h = await harness();
    const { session } = await openApiSession(h);
    const closed = await h.coordinator.closeSession(
      session.sessionId,
      'Duplicate of another session',
    );
    expect(closed.status).toBe('closed');
    await h.settle();
    expect(h.sink.events[0]).toMatchObject({ outcomeType: 'closed', consensusStrength: 0.5 });
    await expect(h.coordinator.resolveSession(session.sessionId)).rejects.toBeInstanceOf(
      SessionClosedError,
    );
    await expect(h.coordinator.escalateSession('dep_unknown')).rejects.toBeInstanceOf(
      SessionNotFoundError,
    );
  });

  it('the cleanup loop removes closed sessions and closes inactive ones', async () => {
    const h = await harness({ options: { maxSessionDuration: 24 * 60 * MINUTE } });
    const { a1, a2, session } = await openApiSession(h);
    await h.say(a1, { type: 'task_claim', task: { ...apiTask, taskId: 50, title: 'unrelated' } });
    await h.coordinator.resolveSession(session.sessionId);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    await h.settle();
    expect(h.coordinator.getSession(session.sessionId)).toBeUndefined();
    expect((await h.coordinator.loadSession(session.sessionId))?.status).toBe('resolved');
    void a2;

    const dependency2: TaskDependency = { ...apiDependency, relationship: 'Security_Compliance' };
    const h2 = await harness({
      detector: pairDetector([dependency2]),
      options: { maxSessionDuration: 24 * 60 * MINUTE },
    });
    const opened = await openApiSession(h2);
    await vi.advanceTimersByTimeAsync(130 * MINUTE);
    await h2.settle();
    expect(h2.coordinator.getSession(opened.session.sessionId)).toBeUndefined();
    expect((await h2.coordinator.loadSession(opened.session.sessionId))?.status).toBe('closed');
    expect(h2.sink.events.map((e) => e.outcomeType)).toEqual(['closed']);
  });

  it('restores open sessions from the store after a restart', async () => {
    const store = new MemorySessionStore();
    const bus = new MemoryBus();
    const h = await harness({ store, bus });
    const { a1, a2, session } = await openApiSession(h);
    await h.say(a1, reply(session.sessionId, 'agent-001', 'Agreed'));
    await h.coordinator.stop();

    const again = await harness({ store, bus, detector: pairDetector() });
    const restored = again.coordinator.getSession(session.sessionId)!;
    expect(restored.status).toBe('active');
    expect(restored.messages.map((m) => m.messageType)).toEqual(['proposal', 'agreement']);
    await again.say(a2, reply(session.sessionId, 'agent-002', 'Agreed'));
    expect(again.coordinator.getSession(session.sessionId)?.status).toBe('resolved');
    expect(again.sink.events).toHaveLength(1);
  });
});

describe('MetaCoordinator: several coordinators on one mesh', () => {
  /** A memory transport that sees only the given peers as directly connected. */
  function seeing(transport: MemoryTransport, direct: (peer: string) => boolean): MemoryTransport {
    return new Proxy(transport, {
      get(target, property, receiver) {
        if (property === 'peers') return () => target.peers().filter(direct);
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  async function follower(bus: MemoryBus, sink = new ArraySink()) {
    const transport = bus.connect('far-coordinator');
    await transport.start();
    const coordinator = new MetaCoordinator({
      transport: seeing(transport, (peer) => !peer.startsWith('peer-')),
      detector: pairDetector(),
      planners: [fixedPlanner],
      sinks: [sink],
      clock: systemClock,
      ids: sequentialIds(),
    });
    await coordinator.start();
    return { coordinator, sink };
  }

  it('the node the agents are connected to plans; another node opens the same session and adopts that plan', async () => {
    const bus = new MemoryBus();
    const far = await follower(bus);
    const h = await harness({ bus });
    const { a1, a2, session } = await openApiSession(h);
    expect(h.seen.filter((m) => m.type === 'coordination_plan')).toHaveLength(1);
    expect(h.seen.filter((m) => m.type === 'dependency_detected')).toHaveLength(1);
    const mirrored = far.coordinator.getSession(session.sessionId);
    expect(mirrored?.planRevision).toBe(1);
    expect(mirrored?.messages[0]?.content).toBe(
      h.coordinator.getSession(session.sessionId)?.messages[0]?.content,
    );

    await h.say(a1, reply(session.sessionId, 'agent-001', 'Agreed'));
    await h.say(a2, reply(session.sessionId, 'agent-002', 'Agreed'));
    expect(far.coordinator.getSession(session.sessionId)?.status).toBe('resolved');
    expect(far.sink.events).toHaveLength(1);
    expect(h.sink.events).toHaveLength(1);
  });

  it('a counter-proposal is one revision on every node, published once', async () => {
    const bus = new MemoryBus();
    const far = await follower(bus);
    const h = await harness({ bus });
    const { a1, a2, session } = await openApiSession(h);
    await h.say(
      a2,
      reply(session.sessionId, 'agent-002', 'Mock server first', { responseType: 'proposal' }),
    );
    const revisions = h.seen
      .filter((m) => m.type === 'coordination_plan')
      .map((m) => (m as { planRevision: number }).planRevision);
    expect(revisions).toEqual([1, 2]);
    expect(far.coordinator.getSession(session.sessionId)?.planRevision).toBe(2);
    await h.say(a1, reply(session.sessionId, 'agent-001', 'Agreed', { planRevision: 2 }));
    expect(h.coordinator.getSession(session.sessionId)?.status).toBe('resolved');
    expect(far.coordinator.getSession(session.sessionId)?.status).toBe('resolved');
  });

  it('a node that does not lead plans itself when no plan comes within planTakeoverDelay', async () => {
    const bus = new MemoryBus();
    const far = await follower(bus);
    const a1 = bus.connect('peer-1');
    const a2 = bus.connect('peer-2');
    await Promise.all([a1.start(), a2.start()]);
    const plans: HmmmMessage[] = [];
    a1.subscribe(DEFAULT_TOPICS.metaDiscussion, ({ message }) => {
      if (message.type === 'coordination_plan') plans.push(message);
    });
    const claim = (t: MemoryTransport, task: TaskContext) =>
      t.publish(DEFAULT_TOPICS.coordination, {
        from: t.peerId,
        timestamp: Date.now(),
        hopCount: 0,
        message: { type: 'task_claim', task },
      });
    await claim(a1, apiTask);
    await claim(a2, clientTask);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(plans).toHaveLength(0);
    expect(far.coordinator.getActiveSessions()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_001);
    await far.coordinator.whenIdle();
    await vi.advanceTimersByTimeAsync(0);
    expect(plans).toHaveLength(1);
  });
});

describe('MetaCoordinator: what the HTTP API needs', () => {
  it('records who decided by hand, in the session and in its SLURP event', async () => {
    const h = await harness();
    const { session } = await openApiSession(h);
    const escalated = await h.coordinator.escalateSession(
      session.sessionId,
      'Needs a schema review',
      'alice',
    );
    expect(escalated).toMatchObject({ status: 'escalated', decidedBy: 'alice' });
    await h.settle();
    expect(h.sink.events[0]?.metadata).toMatchObject({
      decidedBy: 'alice',
      escalationReason: 'Needs a schema review',
    });
    expect((await h.coordinator.loadSession(session.sessionId))?.decidedBy).toBe('alice');
  });

  it('keeps every plan revision with its planner', async () => {
    const h = await harness();
    const { a2, session } = await openApiSession(h);
    await h.say(
      a2,
      reply(session.sessionId, 'agent-002', 'Counter-proposal: client first', {
        responseType: 'proposal',
      }),
    );
    const plans = h.coordinator.getSession(session.sessionId)?.plans;
    expect(plans?.map((p) => [p.revision, p.author, p.planner])).toEqual([
      [1, 'meta_coordinator', 'fixed'],
      [2, 'agent-002', undefined],
    ]);
  });

  it('posts a reply for a participant: published to the mesh, recorded, consensus evaluated', async () => {
    const h = await harness();
    const { a1, session } = await openApiSession(h);
    await h.say(a1, reply(session.sessionId, 'agent-001', 'Agreed'));
    const after = await h.coordinator.postMessage(session.sessionId, {
      agentId: 'agent-002',
      content: 'Looks good',
      type: 'agreement',
    });
    expect(after.status).toBe('resolved');
    expect(after.messages.at(-1)).toMatchObject({
      fromAgentId: 'agent-002',
      messageType: 'agreement',
    });
    await h.settle();
    expect(h.seen).toContainEqual(
      expect.objectContaining({
        type: 'session_message',
        fromAgent: 'agent-002',
        responseType: 'agreement',
      }),
    );
    await expect(
      h.coordinator.postMessage(session.sessionId, { agentId: 'agent-001', content: 'late' }),
    ).rejects.toBeInstanceOf(SessionClosedError);
    await expect(
      h.coordinator.postMessage('dep_unknown', { agentId: 'agent-001', content: 'hello' }),
    ).rejects.toBeInstanceOf(SessionNotFoundError);
  });

  it('refuses a reply from an agent that is not a participant', async () => {
    const h = await harness();
    const { session } = await openApiSession(h);
    await expect(
      h.coordinator.postMessage(session.sessionId, { agentId: 'mallory', content: 'Agreed' }),
    ).rejects.toBeInstanceOf(NotParticipantError);
    expect(h.coordinator.getSession(session.sessionId)?.messages).toHaveLength(1);
  });

  it('lists history from the store with the active set, filtered by status, most recent first', async () => {
    const h = await harness({ options: { maxSessionDuration: 24 * 60 * MINUTE } });
    const { session } = await openApiSession(h);
    await h.coordinator.resolveSession(session.sessionId, 'done', 'bob');
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    await h.settle();
    expect(h.coordinator.getSession(session.sessionId)).toBeUndefined();
    const resolved = await h.coordinator.listSessions({ status: 'resolved' });
    expect(resolved.map((s) => [s.sessionId, s.decidedBy])).toEqual([[session.sessionId, 'bob']]);
    expect(await h.coordinator.listSessions({ status: 'active' })).toEqual([]);
    expect(await h.coordinator.listSessions({ limit: 0 })).toEqual([]);
  });

  it('reports each detector run with its duration and findings', async () => {
    const h = await harness();
    const runs: [number, number][] = [];
    h.coordinator.on('detector_run', (ms, found) => runs.push([ms, found]));
    await openApiSession(h);
    expect(runs.map(([, found]) => found)).toEqual([0, 1]);
    expect(runs.every(([ms]) => ms >= 0)).toBe(true);
  });
});

describe('MetaCoordinator: a human decides an escalated session', () => {
  it('resolves it with who decided, tells the mesh, and writes the decision as its own SLURP event', async () => {
    const h = await harness();
    const { session } = await openApiSession(h);
    await h.coordinator.escalateSession(session.sessionId, 'Needs a human');
    const resolved = await h.coordinator.resolveSession(
      session.sessionId,
      'Ship the API first',
      'alice',
    );
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolution: 'Ship the API first',
      escalationReason: 'Needs a human',
      decidedBy: 'alice',
    });
    await h.settle();
    expect(h.sink.events.map((e) => [e.outcomeType, e.metadata.decidedBy])).toEqual([
      ['escalated', undefined],
      ['resolved', 'alice'],
    ]);
    expect(h.seen).toContainEqual(
      expect.objectContaining({ type: 'resolution', resolution: 'Ship the API first' }),
    );
    await expect(
      h.coordinator.closeSession(session.sessionId, 'again', 'bob'),
    ).rejects.toBeInstanceOf(SessionClosedError);
    await expect(h.coordinator.escalateSession(session.sessionId)).rejects.toBeInstanceOf(
      SessionClosedError,
    );
  });

  it('decides an escalated session that already left the active set, from the store', async () => {
    const h = await harness({ options: { maxSessionDuration: 24 * 60 * MINUTE } });
    const { session } = await openApiSession(h);
    await h.coordinator.escalateSession(session.sessionId, 'Needs a human');
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    await h.settle();
    expect(h.coordinator.getSession(session.sessionId)).toBeUndefined();
    const closed = await h.coordinator.closeSession(session.sessionId, 'Not needed', 'carol');
    expect(closed).toMatchObject({ status: 'closed', decidedBy: 'carol' });
    await h.settle();
    expect(await h.coordinator.loadSession(session.sessionId)).toMatchObject({
      status: 'closed',
      resolution: 'Not needed',
      decidedBy: 'carol',
    });
  });

  it('a peer applies the resolution of a session it had escalated', async () => {
    const h = await harness();
    const { a1, session } = await openApiSession(h);
    await h.coordinator.escalateSession(session.sessionId, 'Needs a human');
    await h.say(a1, {
      type: 'resolution',
      sessionId: session.sessionId,
      resolution: 'Decided elsewhere',
      summary: '',
    });
    expect(h.coordinator.getSession(session.sessionId)).toMatchObject({
      status: 'resolved',
      resolution: 'Decided elsewhere',
    });
  });
});
