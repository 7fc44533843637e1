import type { MemoryBus, MemoryTransport } from '@chorale/core';
import type { Envelope, HmmmMessage, Message, TaskContext } from '@chorale/protocol';
import type { Line } from './scenario.js';

interface Topics {
  coordination: string;
  metaDiscussion: string;
}

/**
 * An agent of the demo: it claims tasks on the bus and answers in the sessions it takes part
 * in, the plan first, then each message of another participant, one scripted line at a time,
 * until its lines run out or the session ends.
 */
export class SimulatedAgent {
  readonly agentId: string;
  readonly #transport: MemoryTransport;
  readonly #topics: Topics;
  readonly #script: (sessionId: string, turn: number) => Line | undefined;
  readonly #turns = new Map<string, number>();
  readonly #closed = new Set<string>();
  readonly #now: () => number;
  #sent = 0;

  constructor(init: {
    agentId: string;
    bus: MemoryBus;
    topics: Topics;
    script: (sessionId: string, turn: number) => Line | undefined;
    now?: () => number;
  }) {
    this.agentId = init.agentId;
    this.#transport = init.bus.connect(`${init.agentId}-peer`);
    this.#topics = init.topics;
    this.#script = init.script;
    this.#now = init.now ?? Date.now;
  }

  /** Messages this agent has published. */
  get sent(): number {
    return this.#sent;
  }

  async start(): Promise<void> {
    await this.#transport.start();
    this.#transport.subscribe(this.#topics.metaDiscussion, ({ message }) => {
      if (message.type !== 'task_claim') this.#hear(message);
    });
  }

  async stop(): Promise<void> {
    await this.#transport.stop();
  }

  async claim(task: TaskContext): Promise<void> {
    await this.#say({ type: 'task_claim', task: { ...task, agentId: this.agentId } });
  }

  #hear(message: HmmmMessage): void {
    switch (message.type) {
      case 'coordination_plan':
        if (this.agentId in message.participants)
          this.#answer(message.sessionId, message.planRevision);
        return;
      case 'coordination_response':
        if (message.agentId !== this.agentId) this.#answer(message.sessionId);
        return;
      case 'session_message':
        if (message.fromAgent !== this.agentId) this.#answer(message.sessionId);
        return;
      case 'resolution':
      case 'escalation':
        this.#closed.add(message.sessionId);
        return;
      default:
        return;
    }
  }

  #answer(sessionId: string, planRevision?: number): void {
    const turn = this.#turns.get(sessionId);
    // Only sessions this agent was invited to (by a plan) get answers.
    if (this.#closed.has(sessionId) || (turn === undefined && planRevision === undefined)) return;
    const next = turn ?? 0;
    const line = this.#script(sessionId, next);
    if (!line) return;
    this.#turns.set(sessionId, next + 1);
    void this.#say({
      type: 'coordination_response',
      sessionId,
      agentId: this.agentId,
      response: line.text,
      ...(line.type ? { responseType: line.type } : {}),
      ...(planRevision ? { planRevision } : {}),
      timestamp: this.#now(),
    });
  }

  async #say(message: Message): Promise<void> {
    const envelope: Envelope = {
      from: this.#transport.peerId,
      timestamp: this.#now(),
      hopCount: 0,
      message,
    };
    const topic =
      message.type === 'task_claim' ? this.#topics.coordination : this.#topics.metaDiscussion;
    this.#sent += 1;
    await this.#transport.publish(topic, envelope);
  }
}
