import {
  DEFAULT_MAX_MESSAGE_BYTES,
  decodeEnvelope,
  type Envelope,
  encodeEnvelope,
} from '@chorale/protocol';
import type { DropCounts, EnvelopeHandler, Transport } from '../contracts/transport.js';
import { SPECIFICATION_VERSION } from '../contracts/version.js';

/**
 * A message bus in one process that several coordinators and agents share: the embedded
 * default transport. Envelopes are encoded and decoded on the way, exactly as on a real
 * network, so what passes here passes on the mesh. Delivery is asynchronous (a microtask),
 * like a network's.
 */
export class MemoryBus {
  readonly #members = new Set<MemoryTransport>();

  /** A transport attached to this bus with the given peer id. */
  connect(peerId: string, options: { maxMessageBytes?: number } = {}): MemoryTransport {
    return new MemoryTransport(this, peerId, options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  }

  /** @internal */
  join(member: MemoryTransport): void {
    this.#members.add(member);
  }

  /** @internal */
  leave(member: MemoryTransport): void {
    this.#members.delete(member);
  }

  /** Delivers raw bytes as if `fromPeer` had published them (for tests of bad input). */
  inject(topic: string, raw: Uint8Array | string, fromPeer = 'injected'): void {
    for (const member of this.#members) {
      if (member.peerId !== fromPeer) member.receive(topic, raw, fromPeer);
    }
  }

  members(): string[] {
    return [...this.#members].map((m) => m.peerId);
  }
}

export class MemoryTransport implements Transport {
  readonly specificationVersion = SPECIFICATION_VERSION;
  readonly name = 'memory';
  readonly peerId: string;
  readonly #bus: MemoryBus;
  readonly #maxBytes: number;
  readonly #handlers = new Map<string, Set<EnvelopeHandler>>();
  readonly #drops: Record<string, number> = {};
  #started = false;

  constructor(bus: MemoryBus, peerId: string, maxBytes: number) {
    this.#bus = bus;
    this.peerId = peerId;
    this.#maxBytes = maxBytes;
  }

  async start(): Promise<void> {
    this.#started = true;
    this.#bus.join(this);
  }

  async stop(): Promise<void> {
    this.#started = false;
    this.#bus.leave(this);
    this.#handlers.clear();
  }

  async publish(topic: string, envelope: Envelope): Promise<void> {
    if (!this.#started) throw new Error(`memory transport ${this.peerId} is not started`);
    const bytes = encodeEnvelope(envelope);
    queueMicrotask(() => this.#bus.inject(topic, bytes, this.peerId));
  }

  subscribe(topic: string, handler: EnvelopeHandler): () => void {
    const set = this.#handlers.get(topic) ?? new Set<EnvelopeHandler>();
    this.#handlers.set(topic, set);
    set.add(handler);
    return () => set.delete(handler);
  }

  peers(): string[] {
    return this.#bus.members().filter((id) => id !== this.peerId);
  }

  drops(): DropCounts {
    return { ...this.#drops };
  }

  /** @internal Called by the bus. */
  receive(topic: string, raw: Uint8Array | string, fromPeer: string): void {
    const handlers = this.#handlers.get(topic);
    if (!handlers || handlers.size === 0) return;
    const decoded = decodeEnvelope(raw, { maxBytes: this.#maxBytes });
    if (!decoded.ok) {
      this.#drops[decoded.error.reason] = (this.#drops[decoded.error.reason] ?? 0) + 1;
      return;
    }
    for (const handler of handlers) {
      try {
        handler(decoded.value, { peerId: fromPeer, topic });
      } catch {
        this.#drops.handler_error = (this.#drops.handler_error ?? 0) + 1;
      }
    }
  }
}
