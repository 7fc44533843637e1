/**
 * @packageDocumentation
 *
 * The libp2p gossipsub mesh for Chorale: coordinator nodes and CHORUS agents on different
 * machines exchange the CHORUS JSON envelope over js-libp2p 3 and `@libp2p/gossipsub` (TCP,
 * noise, yamux, identify, ping), finding each other through a bootstrap list and mDNS. Messages
 * are signed (StrictSign) and validated in the gossipsub topic validator: what is not a valid
 * envelope, comes from a peer outside the allow-list, or speaks for an agent bound to another
 * peer is rejected (not forwarded) and counted by reason. A private network (pnet pre-shared
 * key) is optional; the node's identity persists in its data directory.
 */
import { definePlugin, SPECIFICATION_VERSION } from '@chorale/core';
import { libp2pTransportOptions } from './options.js';
import { Libp2pTransport } from './transport.js';

export { AgentBinding, agentIdOf } from './agent-binding.js';
export {
  MessageTooLargeError,
  PeerKeyError,
  SwarmKeyError,
  TransportNotStartedError,
} from './errors.js';
export { loadOrCreatePeerKey } from './identity.js';
export { DEFAULT_REDIAL, type RedialOptions } from './keep-connected.js';
export {
  type Libp2pTransportInput,
  type Libp2pTransportOptions,
  libp2pTransportOptions,
} from './options.js';
export { generateSwarmKey, readSwarmKey, writeSwarmKey } from './swarm-key.js';
export {
  type ChoraleLibp2p,
  type GossipSubService,
  type Libp2pDropReason,
  Libp2pTransport,
  type Libp2pTransportInit,
  libp2pTransport,
} from './transport.js';

export default definePlugin({
  kind: 'transport',
  name: '@chorale/transport-libp2p',
  specificationVersion: SPECIFICATION_VERSION,
  options: libp2pTransportOptions,
  create: (options, components) => new Libp2pTransport({ options, components }),
});
