import type {
  CoordinationMessage,
  Participant,
  PlanProvenance,
  PlanSections,
  SessionStatus,
  SessionType,
  TaskContext,
  TaskDependency,
} from '@chorale/protocol';
import type { SessionEvent } from './events.js';

/** A coordination session: the fold of its event log. */
export interface CoordinationSession {
  sessionId: string;
  type: SessionType;
  participants: Record<string, Participant>;
  tasksInvolved: TaskContext[];
  messages: CoordinationMessage[];
  status: SessionStatus;
  createdAt: number;
  lastActivity: number;
  resolution: string;
  escalationReason: string;
  /** Why the session was opened (rule reason or request reason). */
  reason: string;
  dependency?: TaskDependency;
  dependencyKey?: string;
  /** Revision of the plan under discussion; 0 until the first plan. */
  planRevision: number;
  /** Where the coordinator's plan came from (the planner chain's record); absent until then. */
  planProvenance?: PlanProvenance;
  /** Number of events folded so far: the `seq` of the next event. */
  eventCount: number;
  closedAt?: number;
  /** Every plan revision with what the messages leave out (sections, planner), oldest first. */
  plans?: PlanRecord[];
  /** The human who ended the session by hand, when an operator did. */
  decidedBy?: string;
}

/** One plan revision as the session's log recorded it. */
export interface PlanRecord {
  revision: number;
  /** `meta_coordinator` for the coordinator's plan, else the agent that counter-proposed. */
  author: string;
  planner?: string;
  sections?: PlanSections;
  /** The planner chain's record, for plans that came with one. */
  provenance?: PlanProvenance;
  /** Id of the plan's message in `messages`. */
  messageId: string;
  at: number;
}

/** Applies one event to a session, in place; `created` starts a new session. */
export function applyEvent(
  session: CoordinationSession | undefined,
  event: SessionEvent,
): CoordinationSession {
  if (event.kind === 'created') {
    return {
      sessionId: event.sessionId,
      type: event.sessionType,
      participants: {},
      tasksInvolved: event.tasks,
      messages: [],
      status: 'active',
      createdAt: event.at,
      lastActivity: event.at,
      resolution: '',
      escalationReason: '',
      reason: event.reason,
      ...(event.dependency ? { dependency: event.dependency } : {}),
      ...(event.dependencyKey ? { dependencyKey: event.dependencyKey } : {}),
      planRevision: 0,
      eventCount: 1,
    };
  }
  if (!session)
    throw new Error(`session ${event.sessionId}: event "${event.kind}" before "created"`);
  session.eventCount = Math.max(session.eventCount, event.seq + 1);
  switch (event.kind) {
    case 'participant_joined':
      session.participants[event.participant.agentId] = event.participant;
      break;
    case 'plan_added':
      session.planRevision = event.revision;
      if (event.provenance) session.planProvenance = event.provenance;
      session.messages.push(event.message);
      session.plans = session.plans ?? [];
      session.plans.push({
        revision: event.revision,
        author: event.author,
        ...(event.planner ? { planner: event.planner } : {}),
        ...(event.sections ? { sections: event.sections } : {}),
        ...(event.provenance ? { provenance: event.provenance } : {}),
        messageId: event.message.messageId,
        at: event.at,
      });
      session.lastActivity = event.at;
      break;
    case 'message_added': {
      session.messages.push(event.message);
      session.lastActivity = event.at;
      const participant = session.participants[event.message.fromAgentId];
      if (participant) participant.lastSeen = event.at;
      break;
    }
    case 'resolved':
      session.status = 'resolved';
      session.resolution = event.reason;
      session.closedAt = event.at;
      if (event.by) session.decidedBy = event.by;
      break;
    case 'escalated':
      session.status = 'escalated';
      session.escalationReason = event.reason;
      session.closedAt = event.at;
      if (event.by) session.decidedBy = event.by;
      break;
    case 'closed':
      session.status = 'closed';
      session.resolution = event.reason;
      session.closedAt = event.at;
      if (event.by) session.decidedBy = event.by;
      break;
  }
  return session;
}

/** The state of a session from its whole log, or undefined for an empty log. */
export function foldSession(events: readonly SessionEvent[]): CoordinationSession | undefined {
  let session: CoordinationSession | undefined;
  for (const event of events) session = applyEvent(session, event);
  return session;
}

/** Human-readable duration as the reference prints it: `35m`, `45s`, `2h5m`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}

/** `Session dep_1_42_1727692800 (dependency): 2 participants, 12 messages, duration 35m` */
export function summarizeSession(session: CoordinationSession, now: number): string {
  const participants = Object.keys(session.participants).length;
  const end = session.closedAt ?? now;
  return `Session ${session.sessionId} (${session.type}): ${participants} participants, ${session.messages.length} messages, duration ${formatDuration(end - session.createdAt)}`;
}
