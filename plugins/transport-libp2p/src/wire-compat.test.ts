/**
 * Wire compatibility with CHORUS: a plain libp2p + gossipsub node, built here from upstream
 * libraries only, speaks to the Chorale transport in the CHORUS JSON envelope.
 */
import { DEFAULT_TOPICS, type Envelope, encodeEnvelope, envelopeToJson } from '@chorale/protocol';
import type { Message as GossipMessage } from '@libp2p/gossipsub';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addrOf,
  choraleNode,
  dial,
  type PlainNode,
  plainNode,
  plainReady,
  tempDir,
} from './__fixtures__/nodes.js';
import type { Libp2pTransport } from './transport.js';

let chorale: Libp2pTransport | undefined;
let plain: PlainNode | undefined;
let removeDir: (() => Promise<void>) | undefined;
afterEach(async () => {
  await chorale?.stop();
  await plain?.stop();
  await removeDir?.();
});

async function pair(): Promise<{ c: Libp2pTransport; p: PlainNode }> {
  const dir = await tempDir();
  removeDir = dir.remove;
  chorale = choraleNode(dir.path);
  await chorale.start();
  plain = await plainNode();
  await dial(plain, addrOf(chorale));
  return { c: chorale, p: plain };
}

describe('wire compatibility with CHORUS agents', () => {
  it('receives a task_claim a plain gossipsub node publishes in the CHORUS envelope (Go-style JSON)', async () => {
    const { c, p } = await pair();
    const received = new Promise<{ env: Envelope; peerId: string }>((resolve) =>
      c.subscribe(DEFAULT_TOPICS.coordination, (env, meta) =>
        resolve({ env, peerId: meta.peerId }),
      ),
    );
    await plainReady(p, DEFAULT_TOPICS.coordination, c.peerId);
    // What a Go agent's encoding/json writes: nanosecond timestamp with an offset, no hop_count.
    const raw =
      '{"type":"task_claim","from":"12D3KooWAgentPeer","timestamp":"2025-07-17T10:00:00.123456789+10:00",' +
      '"data":{"task_id":17,"project_id":3,"repository":"acme/payments","title":"Implement payment endpoint",' +
      '"description":"POST /payments","keywords":["api","payments"],"agent_id":"agent-go-001",' +
      '"claimed_at":"2025-07-17T09:59:00Z"}}';
    await p.services.pubsub.publish(DEFAULT_TOPICS.coordination, new TextEncoder().encode(raw));
    const { env, peerId } = await received;
    expect(peerId).toBe(p.peerId.toString());
    expect(env.from).toBe('12D3KooWAgentPeer');
    expect(env.hopCount).toBe(0);
    expect(env.timestamp).toBe(Date.parse('2025-07-17T00:00:00.123Z'));
    expect(env.message).toEqual({
      type: 'task_claim',
      task: {
        taskId: 17,
        projectId: 3,
        repository: 'acme/payments',
        title: 'Implement payment endpoint',
        description: 'POST /payments',
        keywords: ['api', 'payments'],
        agentId: 'agent-go-001',
        claimedAt: Date.parse('2025-07-17T09:59:00Z'),
      },
    });
  }, 20_000);

  it('publishes on the meta-discussion topic exactly the bytes encodeEnvelope writes', async () => {
    const { c, p } = await pair();
    p.services.pubsub.subscribe(DEFAULT_TOPICS.metaDiscussion);
    const got = new Promise<GossipMessage>((resolve) =>
      p.services.pubsub.addEventListener('message', (e) => {
        if (e.detail.topic === DEFAULT_TOPICS.metaDiscussion) resolve(e.detail);
      }),
    );
    expect(await c.waitForTopicPeers(DEFAULT_TOPICS.metaDiscussion)).toEqual([p.peerId.toString()]);
    const envelope: Envelope = {
      from: c.peerId,
      timestamp: Date.parse('2025-07-17T10:05:00Z'),
      hopCount: 0,
      message: {
        type: 'coordination_plan',
        sessionId: 'dep_17_42',
        plan: '1. Define the API first. 2. Implement it.',
        planRevision: 1,
        tasksInvolved: [],
        participants: {},
        message: 'Coordination plan for a detected dependency',
      },
    };
    await c.publish(DEFAULT_TOPICS.metaDiscussion, envelope);
    const msg = await got;
    expect(msg.type).toBe('signed');
    if (msg.type === 'signed') expect(msg.from.toString()).toBe(c.peerId);
    // Byte for byte (gossipsub hands over a Buffer; compare as plain bytes).
    expect(new Uint8Array(msg.data)).toEqual(encodeEnvelope(envelope));
    const json = JSON.parse(new TextDecoder().decode(msg.data));
    expect(json).toEqual(envelopeToJson(envelope));
    expect(json.type).toBe('meta_discussion');
    expect(json.data.message_type).toBe('coordination_plan');
    expect(Object.keys(json)).toEqual(['type', 'from', 'timestamp', 'data', 'hop_count']);
  }, 20_000);
});
