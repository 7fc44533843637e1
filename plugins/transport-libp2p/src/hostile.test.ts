/**
 * Hostile peers: forged agent ids, peers outside the allow-list, a wrong private-network key,
 * garbage and unsigned bytes from plain gossipsub nodes. Each is rejected and counted, and
 * good traffic keeps flowing.
 */
import { join } from 'node:path';
import type { Envelope } from '@chorale/protocol';
import { encodeEnvelope } from '@chorale/protocol';
import { StrictNoSign } from '@libp2p/gossipsub';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addrOf,
  choraleNode,
  dial,
  eventually,
  type PlainNode,
  plainNode,
  plainReady,
  tempDir,
} from './__fixtures__/nodes.js';
import { loadOrCreatePeerKey } from './identity.js';
import { readSwarmKey, writeSwarmKey } from './swarm-key.js';
import type { Libp2pTransport } from './transport.js';

const TOPIC = 'CHORUS/coordination/v1';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
}, 20_000);

async function node(
  options: Parameters<typeof choraleNode>[1] = {},
  dataDir?: string,
): Promise<Libp2pTransport> {
  let path = dataDir;
  if (!path) {
    const d = await tempDir();
    cleanups.push(d.remove);
    path = d.path;
  }
  const t = choraleNode(path, options);
  cleanups.push(() => t.stop());
  await t.start();
  return t;
}

async function plain(options: Parameters<typeof plainNode>[0] = {}): Promise<PlainNode> {
  const p = await plainNode(options);
  cleanups.push(async () => {
    await p.stop();
  });
  return p;
}

function claim(agentId: string, title: string, from = 'x'): Envelope {
  return {
    from,
    timestamp: Date.parse('2025-07-17T10:00:00Z'),
    hopCount: 0,
    message: {
      type: 'task_claim',
      task: {
        taskId: 1,
        projectId: 1,
        repository: 'acme/api',
        title,
        description: '',
        keywords: [],
        agentId,
      },
    },
  };
}

/** Subscribes on `to` and returns a function waiting for a claim with the given title. */
function titles(to: Libp2pTransport, topic = TOPIC) {
  const seen: string[] = [];
  const waiters = new Map<string, () => void>();
  to.subscribe(topic, (env) => {
    if (env.message.type !== 'task_claim') return;
    seen.push(env.message.task.title);
    waiters.get(env.message.task.title)?.();
  });
  return {
    seen,
    arrived: (title: string) =>
      seen.includes(title) ? Promise.resolve() : new Promise<void>((r) => waiters.set(title, r)),
  };
}

/** Waits until `from` knows `to` subscribes to the topic, so one publication is enough. */
async function ready(
  from: Libp2pTransport | PlainNode,
  to: Libp2pTransport,
  topic = TOPIC,
): Promise<void> {
  if ('waitForTopicPeers' in from) await from.waitForTopicPeers(topic);
  else await plainReady(from, topic, to.peerId);
}

describe('hostile peers', () => {
  it('rejects and counts a message speaking for an agent bound to another peer', async () => {
    const b = await node();
    const rx = titles(b);
    const honest = await node({ bootstrap: [addrOf(b)] });
    const forger = await node({ bootstrap: [addrOf(b)] });
    await ready(honest, b);
    await ready(forger, b);

    await honest.publish(TOPIC, claim('agent-001', 'honest claim'));
    await rx.arrived('honest claim');

    await forger.publish(TOPIC, claim('agent-001', 'forged claim'));
    await eventually(() => (b.drops().forged_agent ?? 0) >= 1);

    // The forger may still speak for itself, and the honest peer for agent-001.
    await forger.publish(TOPIC, claim('agent-666', 'forger own claim'));
    await honest.publish(TOPIC, claim('agent-001', 'honest again'));
    await rx.arrived('forger own claim');
    await rx.arrived('honest again');
    expect(rx.seen).not.toContain('forged claim');
    expect(b.drops().forged_agent).toBe(1);

    // The binding also covers HMMM replies: a vote in agent-001's name from the forger is refused.
    b.subscribe('hmmm/meta-discussion/v1', () => {
      throw new Error('the forged vote must not be delivered');
    });
    await ready(forger, b, 'hmmm/meta-discussion/v1');
    await forger.publish('hmmm/meta-discussion/v1', {
      from: forger.peerId,
      timestamp: Date.now(),
      hopCount: 0,
      message: {
        type: 'coordination_response',
        sessionId: 's1',
        agentId: 'agent-001',
        response: 'agree',
        timestamp: 0,
      },
    });
    await eventually(() => (b.drops().forged_agent ?? 0) >= 2);
    expect(b.drops().handler_error).toBeUndefined();
  }, 20_000);

  it('rejects and counts messages from peers outside the allow-list', async () => {
    const keys = await tempDir();
    cleanups.push(keys.remove);
    const allowedKeyFile = join(keys.path, 'allowed.key');
    const allowedId = peerIdFromPrivateKey(await loadOrCreatePeerKey(allowedKeyFile)).toString();
    const b = await node({ allowList: [allowedId] });
    const rx = titles(b);
    const allowed = await node({ bootstrap: [addrOf(b)], peerKeyFile: allowedKeyFile });
    const stranger = await node({ bootstrap: [addrOf(b)] });
    expect(allowed.peerId).toBe(allowedId);
    await ready(allowed, b);
    await ready(stranger, b);

    await stranger.publish(TOPIC, claim('agent-s', 'from a stranger'));
    await eventually(() => (b.drops().not_allowed ?? 0) >= 1);
    await allowed.publish(TOPIC, claim('agent-a', 'from a friend'));
    await rx.arrived('from a friend');
    expect(rx.seen).toEqual(['from a friend']);
    expect(b.drops().not_allowed).toBe(1);
  }, 20_000);

  it('a peer with the wrong private-network key cannot connect; the right key can', async () => {
    const keys = await tempDir();
    cleanups.push(keys.remove);
    await writeSwarmKey(join(keys.path, 'swarm.key'));
    await writeSwarmKey(join(keys.path, 'other.key'));
    const b = await node({ pnetKeyFile: join(keys.path, 'swarm.key') });
    const rx = titles(b);

    const wrong = await plain({ psk: await readSwarmKey(join(keys.path, 'other.key')) });
    const open = await plain();
    await Promise.all([
      expect(dial(wrong, addrOf(b))).rejects.toThrow(),
      expect(dial(open, addrOf(b))).rejects.toThrow(),
    ]);
    expect(b.peers()).not.toContain(wrong.peerId.toString());
    expect(b.peers()).not.toContain(open.peerId.toString());

    const member = await node({
      bootstrap: [addrOf(b)],
      pnetKeyFile: join(keys.path, 'swarm.key'),
    });
    await ready(member, b);
    await member.publish(TOPIC, claim('agent-m', 'inside the private network'));
    await rx.arrived('inside the private network');
    expect(b.peers()).toEqual([member.peerId]);
  }, 20_000);

  it('a malformed swarm key file is a clear error at start', async () => {
    const keys = await tempDir();
    cleanups.push(keys.remove);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(keys.path, 'bad.key'), '/key/swarm/psk/1.0.0/\n/base16/\nnothex\n');
    const d = await tempDir();
    cleanups.push(d.remove);
    const t = choraleNode(d.path, { pnetKeyFile: join(keys.path, 'bad.key') });
    await expect(t.start()).rejects.toMatchObject({ code: 'TRANSPORT_SWARM_KEY_INVALID' });
    await expect(choraleNode(d.path, { pnetKeyFile: 'missing.key' }).start()).rejects.toMatchObject(
      {
        code: 'TRANSPORT_SWARM_KEY_INVALID',
      },
    );
  });

  it('drops garbage from a plain gossipsub peer, counts it by reason, and keeps delivering', async () => {
    const b = await node({ maxMessageBytes: 4096 });
    const rx = titles(b);
    const p = await plain();
    await dial(p, addrOf(b));
    p.services.pubsub.subscribe('unrelated');
    await ready(p, b);
    const enc = new TextEncoder();
    const send = (raw: string | Uint8Array) =>
      p.services.pubsub.publish(TOPIC, typeof raw === 'string' ? enc.encode(raw) : raw);

    await send(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00]));
    await send('{"type":"task_claim"');
    await send(JSON.stringify({ type: 'task_claim', from: 'p', timestamp: 'yesterday', data: {} }));
    await send(
      JSON.stringify({
        type: 'launch_missiles',
        from: 'p',
        timestamp: '2025-07-17T10:00:00Z',
        data: {},
      }),
    );
    await send(
      JSON.stringify({
        type: 'task_claim',
        from: 'p',
        timestamp: '2025-07-17T10:00:00Z',
        data: { task_id: 1 },
      }),
    );
    await send(
      `{"type":"task_claim","constructor":{"prototype":{"x":1}},"pad":"${'x'.repeat(10)}"}`,
    );
    await send(`"${'x'.repeat(5000)}"`);
    await send(encodeEnvelope(claim('agent-p', 'good after garbage')));
    await rx.arrived('good after garbage');
    await eventually(() => Object.values(b.drops()).reduce((s: number, n) => s + (n ?? 0), 0) >= 7);
    expect(b.drops()).toEqual({
      not_json: 2,
      invalid_envelope: 1,
      unknown_type: 1,
      invalid_message: 1,
      forbidden_key: 1,
      too_large: 1,
    });
    expect(rx.seen).toEqual(['good after garbage']);
  }, 20_000);

  it('rejects and counts unsigned messages', async () => {
    const b = await node();
    const rx = titles(b);
    const unsigned = await plain({ signaturePolicy: StrictNoSign });
    await dial(unsigned, addrOf(b));
    await ready(unsigned, b);
    await unsigned.services.pubsub.publish(
      TOPIC,
      encodeEnvelope(claim('agent-u', 'unsigned claim')),
    );
    await eventually(() => (b.drops().unsigned ?? 0) >= 1);
    expect(rx.seen).toEqual([]);

    const signed = await plain();
    await dial(signed, addrOf(b));
    await ready(signed, b);
    await signed.services.pubsub.publish(TOPIC, encodeEnvelope(claim('agent-s', 'signed claim')));
    await rx.arrived('signed claim');
    expect(b.drops().unsigned).toBe(1);
  }, 20_000);
});
