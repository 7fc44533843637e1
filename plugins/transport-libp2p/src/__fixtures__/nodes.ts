/** Test helpers: Chorale transports and plain upstream libp2p nodes on 127.0.0.1. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { type GossipSub, gossipsub, type SignaturePolicy, StrictSign } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import type { Libp2p } from '@libp2p/interface';
import { preSharedKey } from '@libp2p/pnet';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import type { Libp2pTransportInput } from '../options.js';
import { Libp2pTransport } from '../transport.js';

export const LOOPBACK = '/ip4/127.0.0.1/tcp/0';

export async function tempDir(
  prefix = 'chorale-libp2p-',
): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A Chorale libp2p transport on loopback with mDNS off, its data in `dir`. */
export function choraleNode(dir: string, options: Libp2pTransportInput = {}): Libp2pTransport {
  return new Libp2pTransport({
    options: { listen: [LOOPBACK], mdns: false, ...options },
    components: { dataDir: dir, baseDir: dir },
  });
}

/** The first loopback address of a started transport, with /p2p/. */
export function addrOf(t: Libp2pTransport): string {
  const addr = t.multiaddrs().find((a) => a.startsWith('/ip4/127.0.0.1/'));
  if (!addr) throw new Error(`no loopback address in ${t.multiaddrs().join(', ')}`);
  return addr;
}

export type PlainNode = Libp2p<{ pubsub: GossipSub; identify: unknown }>;

/** A libp2p + gossipsub node built from upstream libraries only: what a CHORUS peer looks like. */
export async function plainNode(
  options: { psk?: Uint8Array; signaturePolicy?: SignaturePolicy } = {},
): Promise<PlainNode> {
  const node = await createLibp2p({
    addresses: { listen: [LOOPBACK] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    ...(options.psk ? { connectionProtector: preSharedKey({ psk: options.psk }) } : {}),
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: options.signaturePolicy ?? StrictSign,
        allowPublishToZeroTopicPeers: true,
      }),
    },
  });
  return node as unknown as PlainNode;
}

/** Resolves when `pubsub` knows that `peerId` subscribes to `topic` (event-driven, no polling). */
export function topicPeerKnown(pubsub: GossipSub, topic: string, peerId: string): Promise<void> {
  const known = () => pubsub.getSubscribers(topic).some((p) => p.toString() === peerId);
  if (known()) return Promise.resolve();
  return new Promise((resolve) => {
    const onChange = () => {
      if (!known()) return;
      pubsub.removeEventListener('subscription-change', onChange);
      resolve();
    };
    pubsub.addEventListener('subscription-change', onChange);
  });
}

export async function dial(node: Libp2p, addr: string): Promise<void> {
  await node.dial(multiaddr(addr));
}

/** Resolves once `predicate()` holds, checked on short timers; bounded by the test's timeout. */
export async function eventually(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setTimeout(r, 5));
}

/**
 * Resolves once a publication by the plain node on `topic` reaches `peerId`: it knows the
 * subscription and has its outbound gossipsub stream open (no public event for the latter).
 */
export async function plainReady(node: PlainNode, topic: string, peerId: string): Promise<void> {
  await topicPeerKnown(node.services.pubsub, topic, peerId);
  const outbound = (node.services.pubsub as unknown as { streamsOutbound: Map<string, unknown> })
    .streamsOutbound;
  await eventually(() => outbound.has(peerId));
}
