/**
 * A libp2p + gossipsub peer built from upstream libraries only (no Chorale code): what a CHORUS
 * agent, or anyone else on the mesh, looks like to a Chorale node.
 */
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { type GossipSub, gossipsub, StrictNoSign, StrictSign } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import type { Libp2p } from '@libp2p/interface';
import { preSharedKey } from '@libp2p/pnet';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';

export interface PlainMessage {
  topic: string;
  /** The payload as text. */
  text: string;
  /** The peer that signed it. */
  from: string;
}

export interface PlainPeer {
  readonly node: Libp2p<{ pubsub: GossipSub; identify: unknown }>;
  readonly peerId: string;
  /** Every message received so far, in order. */
  readonly received: PlainMessage[];
  dial(addr: string): Promise<void>;
  subscribe(...topics: string[]): void;
  /** Publishes the payload as is (a string is sent as its UTF-8 bytes). */
  publish(topic: string, payload: string | Uint8Array): Promise<void>;
  /** Resolves once a publication on `topic` reaches `peerId` (its subscription known, our stream to it open). */
  reaches(topic: string, peerId: string, timeoutMs?: number): Promise<void>;
  /** The first message (already received or to come) on `topic` that satisfies `predicate`. */
  message(
    topic: string,
    predicate?: (message: PlainMessage) => boolean,
    timeoutMs?: number,
  ): Promise<PlainMessage>;
  stop(): Promise<void>;
}

const decoder = new TextDecoder();

/** Polls `ready` every 10 ms until it holds; rejects after `timeoutMs`. */
async function until(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A started plain peer listening on 127.0.0.1, signing its messages (StrictSign; StrictNoSign
 * with `unsigned`). With `swarmKey` (the text of a libp2p `swarm.key`), it only talks to peers
 * of that private network.
 */
export async function plainPeer(
  options: { swarmKey?: string; unsigned?: boolean } = {},
): Promise<PlainPeer> {
  const node = (await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    ...(options.swarmKey
      ? {
          connectionProtector: preSharedKey({
            psk: new TextEncoder().encode(options.swarmKey.trim()),
          }),
        }
      : {}),
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: options.unsigned ? StrictNoSign : StrictSign,
        allowPublishToZeroTopicPeers: true,
        maxInboundDataLength: 4 * 1024 * 1024,
      }),
    },
  })) as unknown as PlainPeer['node'];
  const pubsub = node.services.pubsub;
  const received: PlainMessage[] = [];
  const listeners = new Set<(message: PlainMessage) => void>();
  pubsub.addEventListener('message', (event) => {
    const msg = event.detail;
    const message = {
      topic: msg.topic,
      text: decoder.decode(msg.data),
      from: msg.type === 'signed' ? msg.from.toString() : '',
    };
    received.push(message);
    for (const listener of [...listeners]) listener(message);
  });
  return {
    node,
    peerId: node.peerId.toString(),
    received,
    async dial(addr) {
      await node.dial(multiaddr(addr));
    },
    subscribe(...topics) {
      for (const topic of topics) pubsub.subscribe(topic);
    },
    async publish(topic, payload) {
      await pubsub.publish(
        topic,
        typeof payload === 'string' ? new TextEncoder().encode(payload) : payload,
      );
    },
    reaches(topic, peerId, timeoutMs = 20_000) {
      // gossipsub has no public event for "stream open"; its outbound stream map says so.
      const outbound = (pubsub as unknown as { streamsOutbound: Map<string, unknown> })
        .streamsOutbound;
      return until(
        () =>
          outbound.has(peerId) && pubsub.getSubscribers(topic).some((p) => p.toString() === peerId),
        timeoutMs,
        `${peerId} reachable on ${topic}`,
      );
    },
    message(topic, predicate = () => true, timeoutMs = 20_000) {
      const ok = (m: PlainMessage) => m.topic === topic && predicate(m);
      const earlier = received.find(ok);
      if (earlier) return Promise.resolve(earlier);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for a message on ${topic}`));
        }, timeoutMs);
        const listener = (m: PlainMessage) => {
          if (!ok(m)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(m);
        };
        listeners.add(listener);
      });
    },
    async stop() {
      await node.stop();
    },
  };
}
