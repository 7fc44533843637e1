import { type CoordinationSession, evaluateConsensus, type PlanRecord } from '@chorale/core';
import {
  type CoordinationMessage,
  encodeCoordinationMessage,
  encodeDependency,
  encodeParticipant,
  encodeProvenance,
  encodeSections,
  encodeTaskContext,
  formatRfc3339,
  type PlanProvenance,
  type PlanSections,
  type TaskContext,
  type TaskDependency,
} from '@chorale/protocol';
import type {
  Dependency,
  Message,
  Participant,
  Plan,
  Provenance,
  SessionDetail,
  SessionSummary,
  Task,
} from './schemas.js';

/** The domain values in the API's JSON (the wire's snake_case, RFC 3339 times). */

export function taskJson(task: TaskContext): Task {
  return encodeTaskContext(task) as Task;
}

export function dependencyJson(dependency: TaskDependency, sessionId?: string): Dependency {
  return {
    ...(encodeDependency(dependency) as Omit<Dependency, 'session_id'>),
    ...(sessionId ? { session_id: sessionId } : {}),
  };
}

export function messageJson(message: CoordinationMessage): Message {
  return encodeCoordinationMessage(message) as Message;
}

function sectionsJson(s: PlanSections): NonNullable<Plan['sections']> {
  return encodeSections(s) as NonNullable<Plan['sections']>;
}

/** A plan's provenance: from the plan record, else from its message's metadata (older logs); undefined when neither has one. */
export function provenanceOf(
  record: PlanRecord | undefined,
  message: CoordinationMessage | undefined,
): PlanProvenance | undefined {
  if (record?.provenance) return record.provenance;
  const candidate = message?.metadata.provenance;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const p = candidate as Partial<PlanProvenance>;
  if (typeof p.planner !== 'string') return undefined;
  return { ...p, planner: p.planner, failures: Array.isArray(p.failures) ? p.failures : [] };
}

function provenanceJson(p: PlanProvenance): Provenance {
  return encodeProvenance(p) as Provenance;
}

/** The plan revisions of a session; sessions logged before plans were recorded fall back to their proposals. */
function plansOf(session: CoordinationSession): Plan[] {
  const byId = new Map(session.messages.map((m) => [m.messageId, m]));
  const records: PlanRecord[] =
    session.plans ??
    session.messages
      .filter((m) => m.messageType === 'proposal')
      .map((m, i) => ({
        revision: m.planRevision ?? i + 1,
        author: m.fromAgentId,
        ...(typeof m.metadata.planner === 'string' ? { planner: m.metadata.planner } : {}),
        messageId: m.messageId,
        at: m.timestamp,
      }));
  return records.map((record) => {
    const message = byId.get(record.messageId);
    const provenance = provenanceOf(record, message);
    return {
      revision: record.revision,
      author: record.author,
      ...(record.planner ? { planner: record.planner } : {}),
      text: message?.content ?? '',
      ...(record.sections ? { sections: sectionsJson(record.sections) } : {}),
      ...(provenance ? { provenance: provenanceJson(provenance) } : {}),
      at: formatRfc3339(record.at),
    };
  });
}

export function sessionSummaryJson(session: CoordinationSession): SessionSummary {
  return {
    session_id: session.sessionId,
    type: session.type,
    status: session.status,
    participants: Object.keys(session.participants),
    repositories: [...new Set(session.tasksInvolved.map((t) => t.repository))],
    reason: session.reason,
    ...(session.dependency ? { relationship: session.dependency.relationship } : {}),
    created_at: formatRfc3339(session.createdAt),
    last_activity: formatRfc3339(session.lastActivity),
    ...(session.closedAt === undefined ? {} : { closed_at: formatRfc3339(session.closedAt) }),
    message_count: session.messages.length,
    plan_revision: session.planRevision,
    resolution: session.resolution,
    escalation_reason: session.escalationReason,
    ...(session.decidedBy ? { decided_by: session.decidedBy } : {}),
  };
}

export function sessionDetailJson(session: CoordinationSession): SessionDetail {
  const plans = plansOf(session);
  const outcome = session.status === 'active' ? undefined : session.status;
  return {
    ...sessionSummaryJson(session),
    participant_details: Object.values(session.participants).map(
      (p) => encodeParticipant(p) as Participant,
    ),
    tasks: session.tasksInvolved.map(taskJson),
    ...(session.dependency
      ? { dependency: dependencyJson(session.dependency, session.sessionId) }
      : {}),
    plan: plans.at(-1) ?? null,
    plans,
    messages: session.messages.map(messageJson),
    waiting_on: session.status === 'active' ? evaluateConsensus(session).waitingOn : [],
    ...(outcome
      ? {
          decision: {
            outcome,
            reason: outcome === 'escalated' ? session.escalationReason : session.resolution,
            ...(session.decidedBy ? { by: session.decidedBy } : {}),
            at: formatRfc3339(session.closedAt ?? session.lastActivity),
          },
        }
      : {}),
  };
}

/** The plan a `coordination_plan` event announced, for the event stream. */
export function planJson(
  session: CoordinationSession,
  message: CoordinationMessage,
  provenance?: PlanProvenance,
): Plan | undefined {
  const plan = plansOf(session).find((p) => p.revision === message.planRevision);
  return plan && provenance ? { ...plan, provenance: provenanceJson(provenance) } : plan;
}
