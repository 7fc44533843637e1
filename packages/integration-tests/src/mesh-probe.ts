import { plainPeer } from './plain-peer.js';
import type { ChoraleNode } from './spawn-chorale.js';

export const COORDINATION_TOPIC = 'CHORUS/coordination/v1';
export const META_TOPIC = 'hmmm/meta-discussion/v1';

/**
 * Resolves once messages published at node `from` reach node `to` on both Chorale topics: the
 * gossipsub mesh between them (through any nodes in between) is formed. A plain peer next to
 * `from` publishes, again every 250 ms, a reply in a session that does not exist (valid on the
 * wire, so forwarded; ignored by the coordinators); a plain peer next to `to` waits for it.
 */
export async function waitForRoute(
  from: ChoraleNode,
  to: ChoraleNode,
  timeoutMs = 30_000,
): Promise<void> {
  const sender = await plainPeer();
  const receiver = await plainPeer();
  try {
    receiver.subscribe(COORDINATION_TOPIC, META_TOPIC);
    await Promise.all([sender.dial(from.addr), receiver.dial(to.addr)]);
    for (const topic of [COORDINATION_TOPIC, META_TOPIC]) {
      await sender.reaches(topic, from.peerId, timeoutMs);
      const nonce = `${topic}-${Math.random().toString(36).slice(2)}`;
      const arrived = receiver.message(topic, (m) => m.text.includes(nonce), timeoutMs);
      let done = false;
      void arrived.then(
        () => {
          done = true;
        },
        () => {
          done = true;
        },
      );
      while (!done) {
        const probe = {
          type: 'meta_discussion',
          from: sender.peerId,
          timestamp: new Date().toISOString(),
          data: {
            message_type: 'coordination_response',
            session_id: `mesh-probe-${nonce}`,
            agent_id: `probe-${sender.peerId}`,
            response: 'probe',
          },
          hop_count: 0,
        };
        await sender.publish(topic, JSON.stringify(probe));
        await Promise.race([arrived, new Promise((resolve) => setTimeout(resolve, 250))]).catch(
          () => {},
        );
      }
      await arrived;
    }
  } finally {
    await Promise.all([sender.stop(), receiver.stop()]);
  }
}
