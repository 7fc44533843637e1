import type { CoordinationSession } from './state.js';

export interface ConsensusState {
  reached: boolean;
  /** Participants whose latest word agrees with the current plan revision. */
  agreed: string[];
  /** Participants still to agree. */
  waitingOn: string[];
}

/**
 * Consensus on a specific plan: every participant's latest message since the current plan
 * revision is an agreement with that revision (an agreement that names another revision does
 * not count), and no concern or question came after the first of those agreements. The plan
 * itself never counts as a vote; the author of a counter-proposal agrees with it by proposing it.
 */
export function evaluateConsensus(session: CoordinationSession): ConsensusState {
  const agentIds = Object.keys(session.participants);
  if (session.planRevision === 0 || agentIds.length === 0) {
    return { reached: false, agreed: [], waitingOn: agentIds };
  }
  const messages = session.messages;
  let planIndex = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.messageType === 'proposal') {
      planIndex = i;
      break;
    }
  }
  const proposer = planIndex >= 0 ? messages[planIndex]!.fromAgentId : undefined;
  const agreed: string[] = [];
  const waitingOn: string[] = [];
  let firstAgreement = messages.length;
  for (const agentId of agentIds) {
    if (agentId === proposer) {
      agreed.push(agentId);
      continue;
    }
    let latest = -1;
    for (let i = messages.length - 1; i > planIndex; i--) {
      if (messages[i]!.fromAgentId === agentId) {
        latest = i;
        break;
      }
    }
    const message = latest >= 0 ? messages[latest] : undefined;
    const agrees =
      message?.messageType === 'agreement' &&
      (message.planRevision === undefined || message.planRevision === session.planRevision);
    if (agrees) {
      agreed.push(agentId);
      firstAgreement = Math.min(firstAgreement, latest);
    } else {
      waitingOn.push(agentId);
    }
  }
  const objectionAfter = messages
    .slice(firstAgreement + 1)
    .some((m) => m.messageType === 'concern' || m.messageType === 'question');
  return { reached: waitingOn.length === 0 && !objectionAfter, agreed, waitingOn };
}
