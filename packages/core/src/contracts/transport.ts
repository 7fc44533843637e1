import type { DropReason, Envelope } from '@chorale/protocol';
import type { SpecificationVersion } from './version.js';

export interface MessageMeta {
  /** The peer the message came from, as the transport authenticated it (a signed peer id on libp2p). */
  peerId: string;
  topic: string;
}

export type EnvelopeHandler = (envelope: Envelope, meta: MessageMeta) => void;

/** Drops counted by reason: the protocol's reasons plus whatever a transport adds (`unsigned`, `not_allowed`, ...). */
export type DropCounts = Partial<Record<DropReason | (string & {}), number>>;

/**
 * Moves envelopes between coordinators and agents. Implementations decode and validate what
 * arrives (with `@chorale/protocol`), count and drop what fails, and hand typed envelopes to
 * subscribers. A handler is never called with a message this node published itself.
 */
export interface Transport {
  readonly specificationVersion: SpecificationVersion;
  readonly name: string;
  /** This node's id on the network. Valid after `start()`. */
  readonly peerId: string;
  start(): Promise<void>;
  /** Leaves the network cleanly: unsubscribes and closes connections. Idempotent. */
  stop(): Promise<void>;
  publish(topic: string, envelope: Envelope): Promise<void>;
  /** Returns a function that removes the handler. */
  subscribe(topic: string, handler: EnvelopeHandler): () => void;
  /** Ids of the peers currently connected. */
  peers(): string[];
  /** Messages dropped so far, by reason. */
  drops(): DropCounts;
  /** Addresses other nodes can dial (libp2p multiaddrs with `/p2p/<peer id>`), where the transport has any. */
  multiaddrs?(): string[];
}
