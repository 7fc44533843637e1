import type { SlurpEvent } from '@chorale/protocol';
import type { CoordinationSession } from './state.js';

const STRENGTH = { resolved: 0.9, escalated: 0.3, closed: 0.5 } as const;

function taskRef(task: { repository: string; taskId: number | string }): string {
  return `${task.repository}#${task.taskId}`;
}

/**
 * The decision record of a closed session (CHORUS `HmmmDiscussionContext`): consensus
 * strength 0.9 when resolved, 0.3 when escalated, 0.5 otherwise (closed by an operator or
 * for inactivity).
 */
export function toSlurpEvent(session: CoordinationSession, now: number): SlurpEvent {
  const outcome =
    session.status === 'resolved' || session.status === 'escalated' ? session.status : 'closed';
  return {
    discussionId: session.sessionId,
    sessionId: session.sessionId,
    participants: Object.keys(session.participants),
    startTime: session.createdAt,
    endTime: session.closedAt ?? session.lastActivity ?? now,
    messages: session.messages,
    consensusReached: outcome === 'resolved',
    consensusStrength: STRENGTH[outcome],
    outcomeType: outcome,
    projectPath: session.tasksInvolved[0]?.repository ?? '',
    relatedTasks: session.tasksInvolved.map(taskRef),
    metadata: {
      sessionType: session.type,
      sessionStatus: session.status,
      resolution: session.resolution,
      escalationReason: session.escalationReason,
      messageCount: session.messages.length,
      participantCount: Object.keys(session.participants).length,
      ...(session.dependency
        ? {
            relationship: session.dependency.relationship,
            confidence: session.dependency.confidence,
            reason: session.dependency.reason,
          }
        : {}),
      planRevision: session.planRevision,
      ...(session.planProvenance ? { planProvenance: session.planProvenance } : {}),
      ...(session.decidedBy ? { decidedBy: session.decidedBy } : {}),
    },
  };
}
