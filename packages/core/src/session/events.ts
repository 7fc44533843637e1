import type {
  CoordinationMessage,
  Participant,
  PlanProvenance,
  PlanSections,
  SessionType,
  TaskContext,
  TaskDependency,
} from '@chorale/protocol';

/**
 * A session is an append-only log of these events; its state is a fold over the log
 * (`foldSession`). Events are plain JSON, so a store can persist them as they are and
 * coordinators can exchange them (idempotent by `id`).
 */
export type SessionEvent =
  | SessionCreated
  | ParticipantJoined
  | PlanAdded
  | MessageAdded
  | SessionResolved
  | SessionEscalated
  | SessionClosed;

interface EventBase {
  /** Unique id of the event. */
  id: string;
  sessionId: string;
  /** Position in the session's log, from 0. */
  seq: number;
  at: number;
}

export interface SessionCreated extends EventBase {
  kind: 'created';
  sessionType: SessionType;
  tasks: TaskContext[];
  dependency?: TaskDependency;
  /** The key that makes one session per dependency (pair + relationship). */
  dependencyKey?: string;
  reason: string;
}

export interface ParticipantJoined extends EventBase {
  kind: 'participant_joined';
  participant: Participant;
}

export interface PlanAdded extends EventBase {
  kind: 'plan_added';
  revision: number;
  /** `meta_coordinator` for the coordinator's plan, else the agent that counter-proposed. */
  author: string;
  planner?: string;
  sections?: PlanSections;
  /** The planner chain's record (coordinator plans), or the one published with an adopted plan. */
  provenance?: PlanProvenance;
  message: CoordinationMessage;
}

export interface MessageAdded extends EventBase {
  kind: 'message_added';
  message: CoordinationMessage;
}

export interface SessionResolved extends EventBase {
  kind: 'resolved';
  reason: string;
  /** The human who decided, when an operator ended the session by hand. */
  by?: string;
}

export interface SessionEscalated extends EventBase {
  kind: 'escalated';
  reason: string;
  /** The human who decided, when an operator ended the session by hand. */
  by?: string;
}

export interface SessionClosed extends EventBase {
  kind: 'closed';
  reason: string;
  /** The human who decided, when an operator ended the session by hand. */
  by?: string;
}

/** An event before the log has given it its id, position and session. */
export type NewSessionEvent = SessionEvent extends infer E
  ? E extends SessionEvent
    ? Omit<E, 'id' | 'seq' | 'sessionId'>
    : never
  : never;
