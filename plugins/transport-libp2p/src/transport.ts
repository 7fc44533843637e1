import { isAbsolute, join, resolve } from 'node:path';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import {
  type Components,
  type DropCounts,
  type EnvelopeHandler,
  type Logger,
  SPECIFICATION_VERSION,
  silentLogger,
  type Transport,
} from '@chorale/core';
import { decodeEnvelope, type Envelope, encodeEnvelope } from '@chorale/protocol';
import { bootstrap } from '@libp2p/bootstrap';
import {
  type Message as GossipMessage,
  type GossipSub,
  gossipsub,
  StrictSign,
  TopicValidatorResult,
} from '@libp2p/gossipsub';
import type { MetricsRegister } from '@libp2p/gossipsub/metrics';
import { identify } from '@libp2p/identify';
import type { Libp2p, PeerId } from '@libp2p/interface';
import { mdns } from '@libp2p/mdns';
import { ping } from '@libp2p/ping';
import { preSharedKey } from '@libp2p/pnet';
import { tcp } from '@libp2p/tcp';
import { createLibp2p, type Libp2pOptions } from 'libp2p';
import { AgentBinding, agentIdOf } from './agent-binding.js';
import { MessageTooLargeError, TransportNotStartedError } from './errors.js';
import { loadOrCreatePeerKey } from './identity.js';
import { DEFAULT_REDIAL, PeerKeeper, type RedialOptions } from './keep-connected.js';
import { type Libp2pTransportInput, libp2pTransportOptions } from './options.js';
import { readSwarmKey } from './swarm-key.js';

/** The gossipsub service, with the mesh accessor the class has beyond the interface. */
export type GossipSubService = GossipSub & { getMeshPeers(topic: string): string[] };
export type ChoraleLibp2p = Libp2p<{ pubsub: GossipSubService; identify: unknown; ping: unknown }>;

/** Drop reasons this transport adds to the protocol's. */
/** Gossipsub's default limit of one inbound frame. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export type Libp2pDropReason = 'unsigned' | 'not_allowed' | 'forged_agent' | 'handler_error';

/** Gossipsub's own signature checks that mean "not properly signed". */
const SIGNATURE_ERRORS = new Set([
  'invalid_signature',
  'invalid_seqno',
  'invalid_peerid',
  'signature_present',
  'seqno_present',
  'from_present',
]);

/**
 * A metrics register for gossipsub that records nothing except the reasons of messages it
 * refuses before our validator sees them (unsigned or badly signed), so they are counted too.
 */
function signatureDropRegister(count: (reason: Libp2pDropReason) => void): MetricsRegister {
  const noop = () => {};
  const gauge = (config: { name: string }) => ({
    inc:
      config.name === 'gossipsub_msg_received_invalid_total'
        ? (labels?: unknown) => {
            const error = (labels as { error?: string } | undefined)?.error;
            if (error !== undefined && SIGNATURE_ERRORS.has(error)) count('unsigned');
          }
        : noop,
    set: noop,
    addCollect: noop,
  });
  return {
    gauge: gauge as MetricsRegister['gauge'],
    histogram: (() => ({
      startTimer: () => noop,
      observe: noop,
      reset: noop,
    })) as unknown as MetricsRegister['histogram'],
    avgMinMax: (() => ({ set: noop })) as unknown as MetricsRegister['avgMinMax'],
  };
}

const hex = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/**
 * Recognises a duplicate (the same message arriving from several mesh peers) before its
 * signature is checked again: the id of a signed message is its author and sequence number,
 * which is what gossipsub's own StrictSign message id is made of. Gossipsub only remembers an
 * id once the message has passed its signature check, so a forged copy cannot shadow the real one.
 */
function fastMsgIdFn(msg: { from?: Uint8Array; seqno?: Uint8Array; topic: string }): string {
  return msg.from && msg.seqno ? `${hex(msg.from)}:${hex(msg.seqno)}` : `unsigned:${msg.topic}`;
}

export interface Libp2pTransportInit {
  options: Libp2pTransportInput;
  components: Pick<Components, 'dataDir' | 'baseDir'> & Partial<Pick<Components, 'logger'>>;
  /** How bootstrap peers are dialed again when down or lost (default 1 s doubling to 30 s). */
  redial?: RedialOptions;
}

/**
 * A Chorale transport on a libp2p gossipsub mesh. Messages are signed (StrictSign); what
 * arrives is validated in the gossipsub topic validator, so invalid messages are rejected
 * (not forwarded, and their sender's score drops) and counted by reason.
 */
export class Libp2pTransport implements Transport {
  readonly specificationVersion = SPECIFICATION_VERSION;
  readonly name = '@chorale/transport-libp2p';
  readonly #options: ReturnType<typeof libp2pTransportOptions.parse>;
  readonly #dataDir: string;
  readonly #baseDir: string;
  readonly #logger: Logger;
  readonly #handlers = new Map<string, Set<EnvelopeHandler>>();
  readonly #drops: Record<string, number> = {};
  readonly #loggedReasons = new Set<string>();
  readonly #decoded = new WeakMap<GossipMessage, Envelope>();
  readonly #binding: AgentBinding;
  readonly #allow: ReadonlySet<string> | undefined;
  readonly #redial: RedialOptions;
  #node: ChoraleLibp2p | undefined;
  #keeper: PeerKeeper | undefined;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(init: Libp2pTransportInit) {
    this.#options = libp2pTransportOptions.parse(init.options);
    this.#dataDir = init.components.dataDir;
    this.#baseDir = init.components.baseDir;
    this.#logger = init.components.logger ?? silentLogger;
    this.#redial = init.redial ?? DEFAULT_REDIAL;
    this.#binding = new AgentBinding(this.#options.agentBindingCapacity);
    this.#allow = this.#options.allowList ? new Set(this.#options.allowList) : undefined;
  }

  /** This node's peer id; empty before `start()`. */
  get peerId(): string {
    return this.#node?.peerId.toString() ?? '';
  }

  /** The underlying libp2p node (for dialing, metrics, tests); undefined when stopped. */
  get libp2p(): ChoraleLibp2p | undefined {
    return this.#node;
  }

  /** Listen addresses with `/p2p/<peer id>`, ready to give to other nodes as bootstrap peers. */
  multiaddrs(): string[] {
    const node = this.#node;
    if (!node) return [];
    const id = node.peerId.toString();
    return node.getMultiaddrs().map((ma) => {
      const text = ma.toString();
      return text.includes('/p2p/') ? text : `${text}/p2p/${id}`;
    });
  }

  async start(): Promise<void> {
    if (this.#stopping) await this.#stopping;
    if (this.#node) return;
    this.#starting ??= this.#start().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #start(): Promise<void> {
    const o = this.#options;
    const privateKey = await loadOrCreatePeerKey(
      this.#path(o.peerKeyFile) ?? join(this.#dataDir, 'peer.key'),
      this.#logger,
    );
    const psk = o.pnetKeyFile ? await readSwarmKey(this.#path(o.pnetKeyFile) as string) : undefined;
    const peerDiscovery: NonNullable<Libp2pOptions['peerDiscovery']> = [];
    if (o.bootstrap.length > 0) peerDiscovery.push(bootstrap({ list: o.bootstrap, timeout: 0 }));
    if (o.mdns) peerDiscovery.push(mdns());
    const node = (await createLibp2p({
      start: false,
      privateKey,
      addresses: { listen: o.listen },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      ...(psk ? { connectionProtector: preSharedKey({ psk }) } : {}),
      peerDiscovery,
      services: {
        identify: identify(),
        ping: ping(),
        pubsub: gossipsub({
          globalSignaturePolicy: StrictSign,
          emitSelf: false,
          allowPublishToZeroTopicPeers: true,
          ignoreDuplicatePublishError: true,
          fallbackToFloodsub: false,
          // Gossipsub's own frame limit (4 MiB) stays: a frame above it breaks the sender's stream
          // silently, whereas a message above maxMessageBytes is refused and counted as too_large.
          maxInboundDataLength: Math.max(MAX_FRAME_BYTES, o.maxMessageBytes * 2),
          metricsRegister: signatureDropRegister((reason) =>
            this.#count(reason, 'gossipsub signature check'),
          ),
          metricsTopicStrToLabel: new Map(),
          fastMsgIdFn,
          // IDONTWANT (gossipsub 1.2) saves bandwidth on large messages; ours are small (64 KiB at
          // most) and on a full mesh it costs an extra control message per peer per message:
          // measured, delivery p50 3.6-4.1 ms without it against 5.1-5.2 ms with it (bench:mesh).
          idontwantMinDataSize: 1024 * 1024,
        }),
      },
    })) as unknown as ChoraleLibp2p;
    const pubsub = node.services.pubsub;
    pubsub.addEventListener('message', this.#onMessage);
    await node.start();
    // Handlers subscribed before start() join their topics now (gossipsub refuses it earlier).
    for (const topic of this.#handlers.keys()) this.#join(pubsub, topic);
    this.#node = node;
    this.#keeper = new PeerKeeper(node, o.bootstrap, this.#logger, this.#redial);
    this.#keeper.start();
    this.#logger.info(
      { peerId: this.peerId, addrs: this.multiaddrs() },
      'libp2p transport started',
    );
  }

  async stop(): Promise<void> {
    if (this.#starting) await this.#starting.catch(() => {});
    const node = this.#node;
    if (!node) return this.#stopping;
    this.#node = undefined;
    this.#keeper?.stop();
    this.#keeper = undefined;
    this.#stopping = (async () => {
      const pubsub = node.services.pubsub;
      for (const topic of pubsub.getTopics()) {
        try {
          pubsub.unsubscribe(topic);
        } catch {
          // already gone
        }
        pubsub.topicValidators.delete(topic);
      }
      pubsub.removeEventListener('message', this.#onMessage);
      await node.stop();
    })().finally(() => {
      this.#stopping = undefined;
    });
    return this.#stopping;
  }

  async publish(topic: string, envelope: Envelope): Promise<void> {
    const node = this.#node;
    if (!node) throw new TransportNotStartedError('publish');
    const bytes = encodeEnvelope(envelope);
    if (bytes.byteLength > this.#options.maxMessageBytes) {
      throw new MessageTooLargeError(bytes.byteLength, this.#options.maxMessageBytes);
    }
    try {
      await node.services.pubsub.publish(topic, bytes);
    } catch (error) {
      // Nobody listening yet is not a failure for a gossip network.
      if (String((error as Error)?.message).includes('NoPeersSubscribedToTopic')) return;
      throw error;
    }
  }

  subscribe(topic: string, handler: EnvelopeHandler): () => void {
    let set = this.#handlers.get(topic);
    if (!set) {
      set = new Set();
      this.#handlers.set(topic, set);
      const pubsub = this.#node?.services.pubsub;
      if (pubsub) this.#join(pubsub, topic);
    }
    const handlers = set;
    handlers.add(handler);
    return () => {
      if (!handlers.delete(handler) || handlers.size > 0) return;
      if (this.#handlers.get(topic) !== handlers) return;
      this.#handlers.delete(topic);
      const pubsub = this.#node?.services.pubsub;
      if (pubsub) {
        pubsub.unsubscribe(topic);
        pubsub.topicValidators.delete(topic);
      }
    };
  }

  peers(): string[] {
    return this.#node?.getPeers().map((p) => p.toString()) ?? [];
  }

  drops(): DropCounts {
    return { ...this.#drops };
  }

  /** Peer ids in this node's gossipsub mesh for a topic. */
  meshPeers(topic: string): string[] {
    return this.#node?.services.pubsub.getMeshPeers(topic) ?? [];
  }

  /**
   * Peer ids a publication on `topic` reaches right now: peers known to subscribe to it, to
   * which this node has its gossipsub stream open. (Knowing a peer's subscription comes a
   * moment before the stream to it; a message published in between does not reach it.)
   */
  topicPeers(topic: string): string[] {
    const pubsub = this.#node?.services.pubsub;
    if (!pubsub) return [];
    const outbound = (pubsub as unknown as { streamsOutbound?: Map<string, unknown> })
      .streamsOutbound;
    return pubsub
      .getSubscribers(topic)
      .map((p) => p.toString())
      .filter((id) => outbound?.has(id) ?? true);
  }

  /**
   * Resolves once a publication on `topic` reaches at least `min` peers (see `topicPeers`):
   * what a short-lived client (publish one claim and leave) waits for after `start()`.
   * Rejects with the signal's reason when `signal` aborts first.
   */
  async waitForTopicPeers(
    topic: string,
    options: { min?: number; signal?: AbortSignal } = {},
  ): Promise<string[]> {
    const min = options.min ?? 1;
    const { signal } = options;
    for (;;) {
      signal?.throwIfAborted();
      if (!this.#node) throw new TransportNotStartedError('wait for topic peers');
      const peers = this.topicPeers(topic);
      if (peers.length >= min) return peers;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 10);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  #path(file: string | undefined): string | undefined {
    if (file === undefined) return undefined;
    return isAbsolute(file) ? file : resolve(this.#baseDir, file);
  }

  #join(pubsub: GossipSubService, topic: string): void {
    pubsub.topicValidators.set(topic, this.#validate);
    pubsub.subscribe(topic);
  }

  #count(reason: string, detail: string): void {
    this.#drops[reason] = (this.#drops[reason] ?? 0) + 1;
    if (!this.#loggedReasons.has(reason)) {
      this.#loggedReasons.add(reason);
      this.#logger.warn(
        { reason, detail },
        'dropped a message from the mesh (logged once per reason)',
      );
    }
  }

  /** Runs inside gossipsub for every message on our topics: REJECT means not delivered, not forwarded. */
  readonly #validate = (_forwarder: PeerId, msg: GossipMessage): TopicValidatorResult => {
    try {
      if (msg.type !== 'signed') {
        this.#count('unsigned', 'message without a signature');
        return TopicValidatorResult.Reject;
      }
      const from = msg.from.toString();
      if (this.#allow && !this.#allow.has(from)) {
        this.#count('not_allowed', `peer ${from} is not on the allow-list`);
        return TopicValidatorResult.Reject;
      }
      const decoded = decodeEnvelope(msg.data, { maxBytes: this.#options.maxMessageBytes });
      if (!decoded.ok) {
        this.#count(decoded.error.reason, decoded.error.message);
        return TopicValidatorResult.Reject;
      }
      const agentId = agentIdOf(decoded.value.message);
      if (agentId !== undefined && !this.#binding.claim(agentId, from)) {
        this.#count(
          'forged_agent',
          `peer ${from} spoke for ${agentId}, bound to ${this.#binding.peerOf(agentId)}`,
        );
        return TopicValidatorResult.Reject;
      }
      this.#decoded.set(msg, decoded.value);
      return TopicValidatorResult.Accept;
    } catch (error) {
      this.#count('validator_error', String(error));
      return TopicValidatorResult.Reject;
    }
  };

  readonly #onMessage = (event: CustomEvent<GossipMessage>): void => {
    const msg = event.detail;
    if (msg.type !== 'signed') return;
    const envelope = this.#decoded.get(msg);
    if (!envelope) return; // not validated by us (a topic we left meanwhile)
    this.#decoded.delete(msg);
    const from = msg.from.toString();
    if (from === this.peerId) return;
    const handlers = this.#handlers.get(msg.topic);
    if (!handlers) return;
    const meta = { peerId: from, topic: msg.topic };
    for (const handler of [...handlers]) {
      try {
        handler(envelope, meta);
      } catch (error) {
        this.#count('handler_error', String(error));
      }
    }
  };
}

/**
 * The factory: `libp2pTransport(options)(components)` returns a transport that joins the mesh
 * on `start()`.
 */
export function libp2pTransport(
  options: Libp2pTransportInput = {},
): (components: Libp2pTransportInit['components']) => Libp2pTransport {
  const parsed = libp2pTransportOptions.parse(options);
  return (components) => new Libp2pTransport({ options: parsed, components });
}
