import type { Message } from '@chorale/protocol';

/**
 * The agent a message speaks for, when it speaks for one: the claimant of a task, the author
 * of a reply, the agent asking for a session or an escalation. Messages the coordinator writes
 * (plans, detections, resolutions, escalations) name no single author.
 */
export function agentIdOf(message: Message): string | undefined {
  switch (message.type) {
    case 'task_claim':
      return message.task.agentId;
    case 'coordination_response':
    case 'coordination_request':
    case 'escalation_request':
      return message.agentId;
    case 'session_message':
      return message.fromAgent;
    default:
      return undefined;
  }
}

/**
 * Binds each agent id to the first peer seen speaking for it, so no peer can speak (claim,
 * vote, escalate) in another agent's name. Bounded: past `capacity` the least recently seen
 * binding is forgotten (a Map keeps insertion order; a hit moves the entry to the end).
 */
export class AgentBinding {
  readonly #capacity: number;
  readonly #peers = new Map<string, string>();

  constructor(capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.#capacity = capacity;
  }

  /**
   * Records that `peerId` speaks for `agentId`. Returns false (and changes nothing) when the
   * agent is already bound to another peer.
   */
  claim(agentId: string, peerId: string): boolean {
    const bound = this.#peers.get(agentId);
    if (bound !== undefined && bound !== peerId) return false;
    if (bound !== undefined) this.#peers.delete(agentId);
    this.#peers.set(agentId, peerId);
    if (this.#peers.size > this.#capacity) {
      const oldest = this.#peers.keys().next().value;
      if (oldest !== undefined) this.#peers.delete(oldest);
    }
    return true;
  }

  /** The peer an agent is bound to, if any. */
  peerOf(agentId: string): string | undefined {
    return this.#peers.get(agentId);
  }

  get size(): number {
    return this.#peers.size;
  }
}
