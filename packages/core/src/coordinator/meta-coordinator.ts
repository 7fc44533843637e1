import { EventEmitter } from 'node:events';
import {
  type CoordinationMessage,
  type CoordinationMessageType,
  type Envelope,
  type HmmmMessage,
  type Message,
  type PlanProvenance,
  type PlanSections,
  type SessionType,
  type SlurpEvent,
  type TaskContext,
  type TaskDependency,
  topicOf,
} from '@chorale/protocol';
import {
  type Clock,
  type IdSource,
  type Logger,
  randomIds,
  silentLogger,
  systemClock,
  type TimerHandle,
} from '../contracts/components.js';
import type { Planner } from '../contracts/planner.js';
import type { Detector } from '../contracts/rules.js';
import type { SlurpSink } from '../contracts/sink.js';
import type { SessionStore } from '../contracts/store.js';
import type { MessageMeta, Transport } from '../contracts/transport.js';
import { MemorySessionStore } from '../memory/memory-store.js';
import type { SecretKind } from '../redaction/redact.js';
import { classifyReply } from '../session/classify.js';
import { evaluateConsensus } from '../session/consensus.js';
import type { NewSessionEvent } from '../session/events.js';
import { toSlurpEvent } from '../session/slurp.js';
import {
  applyEvent,
  type CoordinationSession,
  foldSession,
  summarizeSession,
} from '../session/state.js';
import { NotParticipantError, SessionClosedError, SessionNotFoundError } from './errors.js';
import type { CoordinatorDropReason, CoordinatorEvents, RedactionTarget } from './events.js';
import { KeyedQueue } from './keyed-queue.js';
import { type CoordinatorOptions, DEFAULT_COORDINATOR_OPTIONS } from './options.js';
import { PlanCache } from './plan-cache.js';
import { NoPlanError, runPlannerChain } from './planner-chain.js';
import {
  type Redacted,
  redactMessage,
  redactPlan,
  redactPlanRequest,
  redactSlurpEvent,
} from './redact-message.js';
import { SessionKeys } from './session-keys.js';
import { TokenBudget } from './token-budget.js';

export interface MetaCoordinatorInit {
  transport: Transport;
  detector: Detector;
  /** Tried in order; put a planner that never fails (the template planner) last. */
  planners: Planner[];
  sinks?: SlurpSink[];
  store?: SessionStore;
  clock?: Clock;
  ids?: IdSource;
  logger?: Logger;
  options?: Partial<CoordinatorOptions>;
}

function taskKey(task: Pick<TaskContext, 'projectId' | 'taskId'>): string {
  return `${task.projectId}:${task.taskId}`;
}

function compareTasks(a: TaskContext, b: TaskContext): number {
  const ka = taskKey(a);
  const kb = taskKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The identity of a dependency: the unordered pair of tasks and the relationship. */
export function dependencyKey(dependency: TaskDependency): string {
  const [a, b] = [taskKey(dependency.task1), taskKey(dependency.task2)].sort();
  return `${a}|${b}|${dependency.relationship}`;
}

/** Whether `outcome` is a human's decision on an escalated session (resolve or close it). */
function decidesEscalation(
  session: CoordinationSession,
  outcome: 'resolved' | 'escalated' | 'closed',
): boolean {
  return session.status === 'escalated' && outcome !== 'escalated';
}

/** Plans kept for sessions not opened here yet (a bound on what strangers can make us hold). */
const MAX_EARLY_PLANS = 1_000;

const SESSION_PREFIX: Record<SessionType, string> = {
  dependency: 'dep',
  planning: 'plan',
  conflict: 'conflict',
};

/**
 * The session engine. It turns task claims into dependencies (through the detector), opens
 * one coordination session per dependency, asks the planner chain for a plan, follows the
 * replies and closes each session on consensus or escalates it to a human: on too many
 * messages, on its deadline (a timer, so a silent session escalates on time), or on request.
 * Every closed session becomes one SLURP event, sent to every sink.
 *
 * Each session is an append-only event log kept in the SessionStore; its state is the fold of
 * the log, so sessions survive a restart. Work on one session is serialized (a reply never
 * overtakes the plan), different sessions proceed independently.
 */
export class MetaCoordinator extends EventEmitter<CoordinatorEvents> {
  readonly options: CoordinatorOptions;
  readonly #transport: Transport;
  readonly #detector: Detector;
  readonly #planners: Planner[];
  readonly #sinks: SlurpSink[];
  readonly #store: SessionStore;
  readonly #clock: Clock;
  readonly #ids: IdSource;
  readonly #log: Logger;

  /** The active set: open sessions, and closed ones until the next cleanup. */
  readonly #sessions = new Map<string, CoordinationSession>();
  /** What the sessions are about (one session each); a released task's are forgotten. */
  readonly #sessionKeys = new SessionKeys();
  readonly #usedIds = new Set<string>();
  readonly #agentPeers = new Map<string, string>();
  readonly #queue: KeyedQueue;
  readonly #deadlines = new Map<string, TimerHandle>();
  readonly #planning = new Map<string, AbortController>();
  readonly #takeovers = new Map<string, TimerHandle>();
  readonly #earlyPlans = new Map<string, Extract<HmmmMessage, { type: 'coordination_plan' }>>();
  readonly #drops: Partial<Record<CoordinatorDropReason, number>> = {};
  readonly #redactions: Partial<Record<SecretKind, number>> = {};
  readonly #planCache: PlanCache;
  readonly #tokenBudget: TokenBudget;
  #storeChain: Promise<void> = Promise.resolve();
  #cleanupTimer: TimerHandle | undefined;
  #unsubscribe: (() => void)[] = [];
  #running = false;

  constructor(init: MetaCoordinatorInit) {
    super();
    this.options = {
      ...DEFAULT_COORDINATOR_OPTIONS,
      ...init.options,
      topics: { ...DEFAULT_COORDINATOR_OPTIONS.topics, ...init.options?.topics },
      plannerCache: {
        ...DEFAULT_COORDINATOR_OPTIONS.plannerCache,
        ...init.options?.plannerCache,
      },
      tokenBudget: { ...DEFAULT_COORDINATOR_OPTIONS.tokenBudget, ...init.options?.tokenBudget },
    };
    this.#transport = init.transport;
    this.#detector = init.detector;
    this.#planners = init.planners;
    this.#sinks = init.sinks ?? [];
    this.#store = init.store ?? new MemorySessionStore();
    this.#clock = init.clock ?? systemClock;
    this.#ids = init.ids ?? randomIds;
    this.#log = init.logger ?? silentLogger;
    this.#planCache = new PlanCache(this.options.plannerCache, this.#clock);
    this.#tokenBudget = new TokenBudget(this.options.tokenBudget, this.#clock);
    this.#queue = new KeyedQueue((session, error) =>
      this.#log.error({ session, error: (error as Error).message }, 'session work failed'),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Life cycle

  /** Restores the open sessions from the store, subscribes to both topics, starts the cleanup loop. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#restore();
    const { coordination, metaDiscussion } = this.options.topics;
    for (const topic of new Set([coordination, metaDiscussion])) {
      this.#unsubscribe.push(
        this.#transport.subscribe(topic, (envelope, meta) => this.handleEnvelope(envelope, meta)),
      );
    }
    this.#scheduleCleanup();
  }

  /** Stops timers and subscriptions and waits for work in progress. Transport, sinks and store stay open (their owner closes them). */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    if (this.#cleanupTimer !== undefined) this.#clock.clearTimeout(this.#cleanupTimer);
    for (const timer of [...this.#deadlines.values(), ...this.#takeovers.values()]) {
      this.#clock.clearTimeout(timer);
    }
    this.#deadlines.clear();
    this.#takeovers.clear();
    for (const controller of this.#planning.values())
      controller.abort(new Error('coordinator stopped'));
    await this.whenIdle();
  }

  /** Whether `start` has run and `stop` has not. */
  get running(): boolean {
    return this.#running;
  }

  /** Resolves when no session work, store write or sink write is pending. */
  async whenIdle(): Promise<void> {
    await this.#queue.drained();
    await this.#storeChain;
  }

  // -------------------------------------------------------------------------------------------
  // Queries

  /** Sessions in the active set (copies). */
  getActiveSessions(): CoordinationSession[] {
    return [...this.#sessions.values()].map((s) => structuredClone(s));
  }

  getSession(sessionId: string): CoordinationSession | undefined {
    const session = this.#sessions.get(sessionId);
    return session && structuredClone(session);
  }

  /** Any session the store knows, including those that left the active set. */
  async loadSession(sessionId: string): Promise<CoordinationSession | undefined> {
    return foldSession(await this.#store.load(sessionId));
  }

  /**
   * Every session the store knows (history included) with the active set's newer state, most
   * recent activity first. Reads the whole store: for listings, not for hot paths.
   */
  async listSessions(
    filter: { status?: CoordinationSession['status']; limit?: number } = {},
  ): Promise<CoordinationSession[]> {
    const ids = new Set([...(await this.#store.sessionIds()), ...this.#sessions.keys()]);
    const sessions: CoordinationSession[] = [];
    for (const sessionId of ids) {
      const session = this.getSession(sessionId) ?? (await this.loadSession(sessionId));
      if (session && (!filter.status || session.status === filter.status)) sessions.push(session);
    }
    sessions.sort(
      (a, b) => b.lastActivity - a.lastActivity || (a.sessionId < b.sessionId ? -1 : 1),
    );
    return filter.limit === undefined ? sessions : sessions.slice(0, filter.limit);
  }

  /** Valid messages dropped by the coordinator, by reason. */
  drops(): Partial<Record<CoordinatorDropReason, number>> {
    return { ...this.#drops };
  }

  /** Secrets redacted since the start, by kind (requests, plans, published messages, SLURP events). */
  redactions(): Partial<Record<SecretKind, number>> {
    return { ...this.#redactions };
  }

  /**
   * The planner chain's counters: plan cache hits, misses and size; tokens spent in the last
   * (sliding) hour and since the start.
   */
  plannerStats(): {
    cache: { hits: number; misses: number; size: number };
    tokens: { lastHour: number; total: number };
  } {
    return {
      cache: this.#planCache.stats(),
      tokens: {
        lastHour: this.#tokenBudget.spentInLastHour(),
        total: this.#tokenBudget.totalSpent,
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Input

  /** A claim made through this node (CLI, HTTP, agent tool): published to the mesh and handled here. */
  async submitClaim(task: TaskContext): Promise<TaskDependency[]> {
    const claimed = { ...task, claimedAt: task.claimedAt ?? this.#clock.now() };
    await this.#publish({ type: 'task_claim', task: claimed });
    return this.#handleClaim(claimed, this.#transport.peerId);
  }

  /**
   * Forgets a claimed task in the detector (completed or unclaimed), so new claims are no longer
   * compared with it, and forgets which sessions were opened about it: claimed again, it is a new
   * claim, and each dependency the detector reports for it opens a session again (one per
   * dependency, as for any claim). Sessions already open are not touched. False when the
   * detector did not know the task, or cannot forget tasks.
   */
  releaseTask(task: Pick<TaskContext, 'projectId' | 'taskId'>): boolean {
    this.#sessionKeys.forgetTask(taskKey(task));
    return this.#detector.release?.({ projectId: task.projectId, taskId: task.taskId }) ?? false;
  }

  /**
   * The id of the session opened about a dependency (on this node, or announced by another),
   * undefined when none was, or its task was released since.
   */
  sessionIdFor(dependency: TaskDependency): string | undefined {
    return this.#sessionKeys.sessionOf(dependencyKey(dependency));
  }

  /** Handles one validated envelope from the transport. Never throws. */
  handleEnvelope(envelope: Envelope, meta: MessageMeta): void {
    try {
      this.#dispatch(envelope, meta);
    } catch (error) {
      this.#log.error(
        { error: (error as Error).message, type: envelope.message.type },
        'message handler failed',
      );
    }
  }

  #dispatch(envelope: Envelope, meta: MessageMeta): void {
    const message = envelope.message;
    if (envelope.hopCount > this.options.coordinationHops) {
      this.#drop('hop_limit', `${message.type} with hop_count ${envelope.hopCount}`);
      return;
    }
    this.#emit('wire', envelope, 'in');
    switch (message.type) {
      case 'task_claim':
        this.#handleClaim(
          { ...message.task, claimedAt: message.task.claimedAt ?? envelope.timestamp },
          meta.peerId,
        );
        return;
      case 'dependency_detected':
        if (message.hopCount > Math.min(message.maxHops, this.options.coordinationHops)) {
          this.#drop('hop_limit', `dependency_detected with hop_count ${message.hopCount}`);
          return;
        }
        this.#openDependencySession(message.dependency, false);
        return;
      case 'coordination_plan':
        this.#enqueue(message.sessionId, () => this.#adoptRemotePlan(message));
        return;
      case 'coordination_response':
        this.#reply(
          message.sessionId,
          message.agentId,
          message.response,
          message.responseType,
          message.planRevision,
          meta.peerId,
          message.type,
        );
        return;
      case 'session_message':
        this.#reply(
          message.sessionId,
          message.fromAgent,
          message.content,
          message.responseType,
          message.planRevision,
          meta.peerId,
          message.type,
        );
        return;
      case 'escalation_request':
        this.#enqueue(message.sessionId, async () => {
          const session = this.#activeSession(message.sessionId, message.agentId);
          if (!session) return;
          const reason = `Escalation requested by ${message.agentId}${message.reason ? `: ${message.reason}` : ''}`;
          await this.#finish(session, 'escalated', reason, true);
        });
        return;
      case 'coordination_request':
        this.#agentPeers.set(message.agentId, meta.peerId);
        this.#openRequestedSession(
          message.sessionType,
          message.tasks,
          message.agentId,
          message.reason,
          this.#leads(meta.peerId),
        );
        return;
      case 'resolution':
        this.#enqueue(message.sessionId, () =>
          this.#applyRemoteOutcome(message.sessionId, 'resolved', message.resolution),
        );
        return;
      case 'escalation':
        this.#enqueue(message.sessionId, () =>
          this.#applyRemoteOutcome(message.sessionId, 'escalated', message.escalationReason),
        );
        return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Operator actions

  /** Resolves an active or escalated session by hand (an operator's decision). */
  resolveSession(
    sessionId: string,
    reason = 'Manual resolution by admin',
    by?: string,
  ): Promise<CoordinationSession> {
    return this.#operator(sessionId, 'resolved', reason, by);
  }

  /** Escalates an active session to a human by hand. */
  escalateSession(
    sessionId: string,
    reason = 'Manual escalation requested',
    by?: string,
  ): Promise<CoordinationSession> {
    return this.#operator(sessionId, 'escalated', reason, by);
  }

  /** Closes an active or escalated session without an outcome (cancelled). */
  closeSession(
    sessionId: string,
    reason = 'Closed by operator',
    by?: string,
  ): Promise<CoordinationSession> {
    return this.#operator(sessionId, 'closed', reason, by);
  }

  /**
   * A reply posted through this node (HTTP API, dashboard) on behalf of a participant: published
   * to the mesh as a `session_message` and handled here like an agent's reply. Resolves with the
   * session once the reply is recorded (and consensus evaluated).
   */
  postMessage(
    sessionId: string,
    reply: { agentId: string; content: string; type?: CoordinationMessageType },
  ): Promise<CoordinationSession> {
    return new Promise((resolve, reject) => {
      this.#enqueue(sessionId, async () => {
        const session = this.#sessions.get(sessionId);
        if (!session) return reject(new SessionNotFoundError(sessionId));
        if (session.status !== 'active')
          return reject(new SessionClosedError(sessionId, session.status));
        if (!session.participants[reply.agentId])
          return reject(new NotParticipantError(sessionId, reply.agentId));
        await this.#publish({
          type: 'session_message',
          sessionId,
          fromAgent: reply.agentId,
          content: reply.content,
          ...(reply.type ? { responseType: reply.type } : {}),
          ...(session.planRevision ? { planRevision: session.planRevision } : {}),
          timestamp: this.#clock.now(),
        });
        await this.#recordReply(
          session,
          reply.agentId,
          reply.content,
          reply.type,
          session.planRevision || undefined,
          this.#transport.peerId,
          'session_message',
        );
        resolve(structuredClone(session));
      });
    });
  }

  #operator(
    sessionId: string,
    outcome: 'resolved' | 'escalated' | 'closed',
    reason: string,
    by?: string,
  ): Promise<CoordinationSession> {
    return new Promise((resolve, reject) => {
      this.#enqueue(sessionId, async () => {
        // An escalated session waits for a human even after it left the active set.
        const session = this.#sessions.get(sessionId) ?? (await this.loadSession(sessionId));
        if (!session) return reject(new SessionNotFoundError(sessionId));
        if (session.status !== 'active' && !decidesEscalation(session, outcome))
          return reject(new SessionClosedError(sessionId, session.status));
        await this.#finish(session, outcome, reason, true, by);
        resolve(structuredClone(session));
      });
    });
  }

  // -------------------------------------------------------------------------------------------
  // Claims and sessions

  #handleClaim(task: TaskContext, peerId: string): TaskDependency[] {
    this.#agentPeers.set(task.agentId, peerId);
    this.#emit('task_claimed', task);
    let dependencies: TaskDependency[];
    const started = performance.now();
    try {
      dependencies = this.#detector.register(task);
    } catch (error) {
      this.#drop('detector_error', (error as Error).message);
      return [];
    }
    this.#emit('detector_run', performance.now() - started, dependencies.length);
    const lead = this.#leads(peerId);
    for (const dependency of dependencies) this.#openDependencySession(dependency, lead);
    return dependencies;
  }

  /**
   * Whether this node leads the sessions a message from `peerId` opens: the node the agent is
   * connected to announces and plans at once; other nodes on the mesh open the same session
   * (same id) and wait `planTakeoverDelay` for the lead's plan before writing one themselves.
   */
  #leads(peerId: string): boolean {
    return peerId === this.#transport.peerId || this.#transport.peers().includes(peerId);
  }

  #openDependencySession(dependency: TaskDependency, lead: boolean): void {
    const key = dependencyKey(dependency);
    if (this.#sessionKeys.has(key)) return;
    const tasks = [dependency.task1, dependency.task2];
    const sessionId = this.#newSessionId('dependency', tasks, dependency.relationship);
    // taken before any listener runs: one that announces the dependency again opens nothing
    this.#sessionKeys.add(key, tasks.map(taskKey), sessionId);
    this.#emit('dependency_detected', dependency);
    if (lead) {
      const { task1, task2 } = dependency;
      this.#enqueue(sessionId, () =>
        this.#publish({
          type: 'dependency_detected',
          dependency,
          coordinationRequest: `Cross-repository dependency detected between ${task1.repository}#${task1.taskId} and ${task2.repository}#${task2.taskId}: ${dependency.reason}. Coordination session ${sessionId} opened.`,
          agentsInvolved: [...new Set([task1.agentId, task2.agentId])],
          repositories: [task1.repository, task2.repository],
          hopCount: 0,
          maxHops: this.options.coordinationHops,
        }),
      );
    }
    this.#openSession({
      sessionId,
      type: 'dependency',
      tasks,
      dependency,
      key,
      reason: dependency.reason,
      lead,
    });
  }

  #openRequestedSession(
    type: 'planning' | 'conflict',
    tasks: TaskContext[],
    requester: string,
    reason: string,
    lead: boolean,
  ): void {
    const key = `${type}|${tasks.map(taskKey).sort().join('|')}`;
    if (this.#sessionKeys.has(key)) return;
    const sessionId = this.#newSessionId(type, tasks);
    this.#sessionKeys.add(key, tasks.map(taskKey), sessionId);
    this.#openSession({
      sessionId,
      type,
      tasks,
      key,
      reason: reason || `${type} requested by ${requester}`,
      requester,
      lead,
    });
  }

  /** Ids in the reference's shape, `dep_<project>_<task>_<unix seconds>`, the same on every node for the same claims. */
  #newSessionId(type: SessionType, tasks: TaskContext[], relationship?: string): string {
    const [first] = [...tasks].sort(compareTasks);
    const claimed = Math.max(0, ...tasks.map((t) => t.claimedAt ?? 0)) || this.#clock.now();
    const base = `${SESSION_PREFIX[type]}_${first?.projectId ?? 0}_${first?.taskId ?? 0}_${Math.floor(claimed / 1000)}`;
    let id = base;
    if (this.#usedIds.has(id) && relationship) id = `${base}_${relationship.toLowerCase()}`;
    for (let n = 2; this.#usedIds.has(id); n++) id = `${base}_${n}`;
    this.#usedIds.add(id);
    return id;
  }

  #openSession(spec: {
    sessionId: string;
    type: SessionType;
    tasks: TaskContext[];
    dependency?: TaskDependency;
    key: string;
    reason: string;
    requester?: string;
    /** Plan at once (this node leads), or wait for the lead's plan first. */
    lead: boolean;
  }): void {
    const now = this.#clock.now();
    let session = this.#record(
      undefined,
      {
        kind: 'created',
        at: now,
        sessionType: spec.type,
        tasks: spec.tasks,
        ...(spec.dependency ? { dependency: spec.dependency } : {}),
        dependencyKey: spec.key,
        reason: spec.reason,
      },
      spec.sessionId,
    );
    const agents = [
      ...new Set([
        ...spec.tasks.map((t) => t.agentId),
        ...(spec.requester ? [spec.requester] : []),
      ]),
    ];
    for (const agentId of agents.slice(0, this.options.maxParticipants)) {
      const task = spec.tasks.find((t) => t.agentId === agentId);
      session = this.#record(session, {
        kind: 'participant_joined',
        at: now,
        participant: {
          agentId,
          peerId: this.#agentPeers.get(agentId) ?? '',
          repository: task?.repository ?? '',
          capabilities: [],
          lastSeen: now,
          active: true,
        },
      });
    }
    if (agents.length > this.options.maxParticipants) {
      this.#log.warn(
        { session: spec.sessionId, left_out: agents.slice(this.options.maxParticipants) },
        `session capped at ${this.options.maxParticipants} participants`,
      );
    }
    this.#sessions.set(session.sessionId, session);
    this.#armDeadline(session);
    this.#emit('session_opened', session);
    const early = this.#earlyPlans.get(session.sessionId);
    this.#earlyPlans.delete(session.sessionId);
    if (early) {
      this.#enqueue(session.sessionId, () => this.#adoptRemotePlan(early));
    } else if (spec.lead) {
      this.#enqueue(session.sessionId, () => this.#plan(session));
    } else {
      const timer = this.#clock.setTimeout(() => {
        this.#takeovers.delete(session.sessionId);
        this.#enqueue(session.sessionId, () => this.#plan(session));
      }, this.options.planTakeoverDelay);
      this.#takeovers.set(session.sessionId, timer);
    }
  }

  async #plan(session: CoordinationSession): Promise<void> {
    if (session.status !== 'active' || session.planRevision > 0) return;
    const controller = new AbortController();
    this.#planning.set(session.sessionId, controller);
    try {
      const request = this.#redacted('prompt', redactPlanRequest, {
        sessionId: session.sessionId,
        sessionType: session.type,
        ...(session.dependency ? { dependency: session.dependency } : {}),
        tasks: session.tasksInvolved,
        participants: Object.values(session.participants),
        reason: session.reason,
      });
      const outcome = await runPlannerChain(this.#planners, request, {
        timeoutMs: this.options.plannerTimeout,
        clock: this.#clock,
        logger: this.#log,
        signal: controller.signal,
        cache: this.#planCache,
        budget: this.#tokenBudget,
      });
      if (session.status !== 'active' || session.planRevision > 0) return;
      const plan = this.#redacted('plan', redactPlan, {
        text: outcome.plan.text,
        sections: outcome.plan.sections,
        provenance: outcome.provenance,
      });
      await this.#addPlan(
        session,
        this.options.agentId,
        plan.text,
        plan.sections,
        outcome.planner,
        true,
        plan.provenance,
      );
    } catch (error) {
      if (controller.signal.aborted) return;
      const detail =
        error instanceof NoPlanError
          ? error.message
          : `planning failed: ${(error as Error).message}`;
      await this.#finish(
        session,
        'escalated',
        `No coordination plan could be generated (${detail})`,
        true,
      );
    } finally {
      this.#planning.delete(session.sessionId);
    }
  }

  /** A plan (revision 1) or an agent's counter-proposal (the next revision): stored, published, votes reset. */
  async #addPlan(
    session: CoordinationSession,
    author: string,
    text: string,
    sections: PlanSections | undefined,
    planner: string | undefined,
    publish = true,
    provenance?: PlanProvenance,
  ): Promise<void> {
    const now = this.#clock.now();
    const revision = session.planRevision + 1;
    const message: CoordinationMessage = {
      messageId: this.#ids.next('msg'),
      fromAgentId: author,
      fromPeerId:
        author === this.options.agentId
          ? this.#transport.peerId
          : (this.#agentPeers.get(author) ?? ''),
      content: text,
      messageType: 'proposal',
      timestamp: now,
      planRevision: revision,
      metadata: planner ? { planner } : {},
    };
    this.#record(session, {
      kind: 'plan_added',
      at: now,
      revision,
      author,
      ...(planner ? { planner } : {}),
      ...(sections ? { sections } : {}),
      ...(provenance ? { provenance } : {}),
      message,
    });
    this.#emit('coordination_plan', session, message, provenance);
    if (publish) {
      await this.#publish({
        type: 'coordination_plan',
        sessionId: session.sessionId,
        plan: text,
        planRevision: revision,
        ...(sections ? { sections } : {}),
        ...(provenance ? { provenance } : {}),
        tasksInvolved: session.tasksInvolved,
        participants: session.participants,
        message:
          author === this.options.agentId
            ? `Coordination plan generated for ${session.dependency ? `dependency: ${session.dependency.relationship}` : `${session.type} session`}`
            : `Counter-proposal from ${author} (revision ${revision})`,
      });
    }
    await this.#evaluate(session);
  }

  /** Another coordinator published the plan first: adopt it instead of writing a second one. */
  async #adoptRemotePlan(
    message: Extract<HmmmMessage, { type: 'coordination_plan' }>,
  ): Promise<void> {
    // Only the first plan is adopted: later revisions are counter-proposals, which every node
    // takes from the agent's own reply (adopting their rebroadcast too would count them twice).
    if (message.planRevision !== 1) return;
    const session = this.#sessions.get(message.sessionId);
    if (!session && !this.#usedIds.has(message.sessionId)) {
      // The plan overtook the claim that opens its session here: keep it for when it opens.
      if (this.#earlyPlans.size < MAX_EARLY_PLANS) this.#earlyPlans.set(message.sessionId, message);
      return;
    }
    if (session?.status !== 'active' || session.planRevision > 0) return;
    this.#clearTakeover(session.sessionId);
    this.#planning
      .get(session.sessionId)
      ?.abort(new Error('plan adopted from another coordinator'));
    await this.#addPlan(
      session,
      this.options.agentId,
      message.plan,
      message.sections,
      'remote',
      false,
      message.provenance,
    );
  }

  #reply(
    sessionId: string,
    agentId: string,
    content: string,
    declared: CoordinationMessageType | undefined,
    planRevision: number | undefined,
    peerId: string,
    source: string,
  ): void {
    this.#enqueue(sessionId, async () => {
      const session = this.#activeSession(sessionId, agentId);
      if (!session) return;
      await this.#recordReply(session, agentId, content, declared, planRevision, peerId, source);
    });
  }

  async #recordReply(
    session: CoordinationSession,
    agentId: string,
    content: string,
    declared: CoordinationMessageType | undefined,
    planRevision: number | undefined,
    peerId: string,
    source: string,
  ): Promise<void> {
    const messageType = declared ?? classifyReply(content);
    if (messageType === 'proposal') {
      // Every node records the counter-proposal; the one the agent is connected to publishes it.
      await this.#addPlan(session, agentId, content, undefined, undefined, this.#leads(peerId));
      return;
    }
    const now = this.#clock.now();
    const message: CoordinationMessage = {
      messageId: this.#ids.next('msg'),
      fromAgentId: agentId,
      fromPeerId: peerId,
      content,
      messageType,
      timestamp: now,
      ...(planRevision ? { planRevision } : {}),
      metadata: { source, ...(declared ? {} : { classified: true }) },
    };
    this.#record(session, { kind: 'message_added', at: now, message });
    this.#emit('message', session, message);
    await this.#evaluate(session);
  }

  /** The session, if it is open and the agent takes part in it; otherwise counts the drop. */
  #activeSession(sessionId: string, agentId: string): CoordinationSession | undefined {
    const session = this.#sessions.get(sessionId);
    if (!session) return void this.#drop('unknown_session', `${sessionId} (from ${agentId})`);
    if (session.status !== 'active')
      return void this.#drop('session_closed', `${sessionId} is ${session.status}`);
    if (!session.participants[agentId])
      return void this.#drop('not_participant', `${agentId} in ${sessionId}`);
    return session;
  }

  /** Consensus resolves; too many messages or too long escalates. */
  async #evaluate(session: CoordinationSession): Promise<void> {
    if (session.status !== 'active') return;
    if (evaluateConsensus(session).reached) {
      await this.#finish(session, 'resolved', 'Consensus reached among participants', true);
    } else if (session.messages.length >= this.options.escalationThreshold) {
      await this.#finish(
        session,
        'escalated',
        'Message limit exceeded - human intervention needed',
        true,
      );
    } else if (this.#clock.now() - session.createdAt > this.options.maxSessionDuration) {
      await this.#finish(
        session,
        'escalated',
        'Session duration exceeded - human intervention needed',
        true,
      );
    }
  }

  async #applyRemoteOutcome(
    sessionId: string,
    outcome: 'resolved' | 'escalated',
    reason: string,
  ): Promise<void> {
    const session = this.#sessions.get(sessionId);
    if (!session || (session.status !== 'active' && !decidesEscalation(session, outcome))) return;
    await this.#finish(session, outcome, reason, false);
  }

  /**
   * Ends a session: records the outcome, tells the mesh, writes the SLURP event. An escalated
   * session ends a second time when a human resolves or closes it: that decision gets its own
   * SLURP event.
   */
  async #finish(
    session: CoordinationSession,
    outcome: 'resolved' | 'escalated' | 'closed',
    reason: string,
    publish: boolean,
    by?: string,
  ): Promise<void> {
    if (session.status !== 'active' && !decidesEscalation(session, outcome)) return;
    this.#record(session, { kind: outcome, at: this.#clock.now(), reason, ...(by ? { by } : {}) });
    const timer = this.#deadlines.get(session.sessionId);
    if (timer !== undefined) this.#clock.clearTimeout(timer);
    this.#deadlines.delete(session.sessionId);
    this.#clearTakeover(session.sessionId);
    this.#planning.get(session.sessionId)?.abort(new Error(`session ${outcome}`));
    const summary = summarizeSession(session, this.#clock.now());
    if (outcome === 'resolved') {
      this.#emit('resolution', session, reason);
      if (publish)
        await this.#publish({
          type: 'resolution',
          sessionId: session.sessionId,
          resolution: reason,
          summary,
        });
    } else if (outcome === 'escalated') {
      this.#emit('escalation', session, reason);
      if (publish) {
        await this.#publish({
          type: 'escalation',
          sessionId: session.sessionId,
          escalationReason: reason,
          sessionSummary: summary,
          participants: session.participants,
          tasksInvolved: session.tasksInvolved,
          requiresHuman: true,
        });
      }
    } else {
      this.#emit('closed', session, reason);
    }
    this.#tokenBudget.forget(session.sessionId);
    await this.#emitSlurp(
      this.#redacted('slurp', redactSlurpEvent, toSlurpEvent(session, this.#clock.now())),
    );
  }

  /** Writes the SLURP event to every sink, then tells monitors (so `slurp` means "written"). */
  async #emitSlurp(event: SlurpEvent): Promise<void> {
    const results = await Promise.allSettled(this.#sinks.map((sink) => sink.emit(event)));
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        this.#drop(
          'sink_failed',
          `${this.#sinks[i]!.name}: ${(result.reason as Error)?.message ?? result.reason}`,
        );
      }
    });
    this.#emit('slurp', event);
  }

  // -------------------------------------------------------------------------------------------
  // Timers

  #armDeadline(session: CoordinationSession): void {
    const due = session.createdAt + this.options.maxSessionDuration + 1 - this.#clock.now();
    const timer = this.#clock.setTimeout(
      () => {
        this.#deadlines.delete(session.sessionId);
        this.#enqueue(session.sessionId, () => this.#evaluate(session));
      },
      Math.max(0, due),
    );
    this.#deadlines.set(session.sessionId, timer);
  }

  #clearTakeover(sessionId: string): void {
    const timer = this.#takeovers.get(sessionId);
    if (timer !== undefined) this.#clock.clearTimeout(timer);
    this.#takeovers.delete(sessionId);
  }

  #scheduleCleanup(): void {
    this.#cleanupTimer = this.#clock.setTimeout(() => {
      if (!this.#running) return;
      this.#cleanup();
      this.#scheduleCleanup();
    }, this.options.cleanupInterval);
  }

  /** The reference's cleanup loop: closed sessions leave the active set; stale ones are closed first. */
  #cleanup(): void {
    const now = this.#clock.now();
    for (const session of this.#sessions.values()) {
      if (session.status !== 'active') {
        this.#sessions.delete(session.sessionId);
      } else if (now - session.lastActivity > this.options.inactiveAfter) {
        this.#enqueue(session.sessionId, async () => {
          await this.#finish(session, 'closed', 'Session inactive - removed by cleanup', false);
          this.#sessions.delete(session.sessionId);
        });
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Plumbing

  async #restore(): Promise<void> {
    for (const sessionId of await this.#store.sessionIds()) {
      const session = foldSession(await this.#store.load(sessionId));
      if (!session) continue;
      this.#usedIds.add(sessionId);
      if (session.dependencyKey) {
        this.#sessionKeys.add(session.dependencyKey, session.tasksInvolved.map(taskKey), sessionId);
      }
      if (session.status !== 'active') continue;
      for (const p of Object.values(session.participants))
        if (p.peerId) this.#agentPeers.set(p.agentId, p.peerId);
      this.#sessions.set(sessionId, session);
      this.#armDeadline(session);
      if (session.planRevision === 0) this.#enqueue(sessionId, () => this.#plan(session));
    }
  }

  /** Appends an event to the session's log: applied to the state now, persisted in order. */
  #record(
    session: CoordinationSession | undefined,
    event: NewSessionEvent,
    sessionId = session?.sessionId,
  ): CoordinationSession {
    const full = {
      ...event,
      id: this.#ids.next('evt'),
      sessionId: sessionId!,
      seq: session?.eventCount ?? 0,
    } as Parameters<typeof applyEvent>[1];
    const next = applyEvent(session, full);
    this.#storeChain = this.#storeChain
      .then(() => this.#store.append(full))
      .catch((error: unknown) => this.#drop('store_failed', (error as Error).message));
    return next;
  }

  async #publish(original: Message): Promise<void> {
    const message = this.#redacted('publish', redactMessage, original);
    const envelope: Envelope = {
      from: this.#transport.peerId,
      timestamp: this.#clock.now(),
      hopCount: 0,
      message,
    };
    this.#emit('wire', envelope, 'out');
    try {
      await this.#transport.publish(topicOf(message, this.options.topics), envelope);
    } catch (error) {
      this.#drop('publish_failed', `${message.type}: ${(error as Error).message}`);
    }
  }

  /** `redact(value)` when redaction is on (counting and reporting what it replaced), else `value`. */
  #redacted<T>(target: RedactionTarget, redact: (value: T) => Redacted<T>, value: T): T {
    if (!this.options.redaction) return value;
    const result = redact(value);
    if (result.findings.length === 0) return value;
    for (const { kind, count } of result.findings)
      this.#redactions[kind] = (this.#redactions[kind] ?? 0) + count;
    this.#log.warn(
      { target, findings: result.findings.map((f) => `${f.kind}×${f.count}`).join(', ') },
      'secrets redacted',
    );
    this.#emit('redaction', target, result.findings);
    return result.value;
  }

  /** Runs session work in order, one task at a time per session. */
  #enqueue(sessionId: string, work: () => Promise<void> | void): void {
    this.#queue.push(sessionId, work);
  }

  #drop(reason: CoordinatorDropReason, detail: string): void {
    this.#drops[reason] = (this.#drops[reason] ?? 0) + 1;
    this.#log.debug({ reason, detail }, 'message dropped');
    this.#emit('drop', reason, detail);
  }

  /** Emits to monitors; a throwing listener is logged, never breaks the engine. */
  #emit<K extends keyof CoordinatorEvents>(name: K, ...args: CoordinatorEvents[K]): void {
    try {
      (this.emit as (name: K, ...args: CoordinatorEvents[K]) => boolean)(name, ...args);
    } catch (error) {
      this.#drops.listener_error = (this.#drops.listener_error ?? 0) + 1;
      this.#log.error({ event: name, error: (error as Error).message }, 'event listener failed');
    }
  }
}
