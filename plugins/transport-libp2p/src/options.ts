import { DEFAULT_MAX_MESSAGE_BYTES } from '@chorale/protocol';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { z } from 'zod';

function isMultiaddr(value: string): boolean {
  try {
    multiaddr(value);
    return true;
  } catch {
    return false;
  }
}

function isPeerId(value: string): boolean {
  try {
    peerIdFromString(value);
    return true;
  } catch {
    return false;
  }
}

const listenAddr = z
  .string()
  .refine(isMultiaddr, { message: 'expected a multiaddr such as /ip4/0.0.0.0/tcp/4001' });
const peerAddr = z
  .string()
  .refine(isMultiaddr, {
    message: 'expected a multiaddr such as /ip4/192.0.2.1/tcp/4001/p2p/12D3Koo...',
  })
  .refine((s) => /\/p2p\/[^/]+$/.test(s), {
    message: 'a bootstrap address must end with /p2p/<peer id>',
  });
const peerId = z
  .string()
  .refine(isPeerId, { message: 'expected a libp2p peer id (12D3Koo... or Qm...)' });

/** The options of `@chorale/transport-libp2p`, as they appear in the Chorale config. */
export const libp2pTransportOptions = z.strictObject({
  /** Multiaddrs to listen on. */
  listen: z.array(listenAddr).default(['/ip4/0.0.0.0/tcp/4001']),
  /** Peers to dial at start and keep connected (multiaddrs ending with /p2p/<peer id>). */
  bootstrap: z.array(peerAddr).default([]),
  /** Find peers on the local network with mDNS. */
  mdns: z.boolean().default(true),
  /** Path of a swarm.key (libp2p pnet pre-shared key); relative to the config's folder. Off when absent. */
  pnetKeyFile: z.string().min(1).optional(),
  /** When set, messages signed by peers not on the list are rejected (and counted `not_allowed`). */
  allowList: z.array(peerId).optional(),
  /** Larger messages are rejected before parsing (and counted `too_large`). */
  maxMessageBytes: z
    .number()
    .int()
    .min(1024)
    .max(4 * 1024 * 1024)
    .default(DEFAULT_MAX_MESSAGE_BYTES),
  /** Where the node's private key lives; default `<dataDir>/peer.key`. Relative to the config's folder. */
  peerKeyFile: z.string().min(1).optional(),
  /** How many agent → peer bindings are remembered (least recently seen forgotten first). */
  agentBindingCapacity: z.number().int().positive().default(10_000),
});

export type Libp2pTransportOptions = z.output<typeof libp2pTransportOptions>;
export type Libp2pTransportInput = z.input<typeof libp2pTransportOptions>;
