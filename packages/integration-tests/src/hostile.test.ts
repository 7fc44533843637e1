/**
 * Hostile peers against a `chorale start` node: garbage, oversized and unsigned bytes, a peer
 * speaking for an agent bound to another peer, a peer outside the allow-list, a peer or node
 * with another private-network key. Each is refused (and the node says why on stderr) and the
 * node keeps serving legitimate peers.
 */
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSwarmKey } from '@chorale/transport-libp2p';
import { afterEach, describe, expect, it } from 'vitest';
import { COORDINATION_TOPIC, META_TOPIC } from './mesh-probe.js';
import { type PlainPeer, plainPeer } from './plain-peer.js';
import { type ChoraleNode, spawnChorale, startNode, stopAll } from './spawn-chorale.js';
import {
  AUTH_API,
  AUTH_CLIENT,
  claimEnvelope,
  responseEnvelope,
  tempDirs,
  writeTask,
} from './tasks.js';
import { json, jsonLine, readJsonLines, waitForFileLine } from './wait-for-line.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await stopAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function peer(options?: Parameters<typeof plainPeer>[0]): Promise<PlainPeer> {
  const p = await plainPeer(options);
  cleanups.push(() => p.stop());
  return p;
}

/** A plain peer connected to `node`, subscribed to both topics, its publications reaching it. */
async function peerOf(node: ChoraleNode, options?: Parameters<typeof plainPeer>[0]) {
  const p = await peer(options);
  p.subscribe(COORDINATION_TOPIC, META_TOPIC);
  await p.dial(node.addr);
  await p.reaches(COORDINATION_TOPIC, node.peerId);
  await p.reaches(META_TOPIC, node.peerId);
  return p;
}

async function nodeIn<const N extends string>(...names: N[]) {
  const dirs = await tempDirs(...names);
  cleanups.push(dirs.remove);
  return dirs;
}

/** The node's "dropped a message" warning for `reason` (logged once per reason). */
const dropLogged = (node: ChoraleNode, reason: string) =>
  node.process.waitForLine(
    json((e) => e.reason === reason && /dropped a message/.test(String(e.msg))),
    { stream: 'stderr' },
  );

const dataOf = (m: { text: string }) => (jsonLine(m.text)?.data ?? {}) as Record<string, unknown>;
const isPlan = (m: { text: string }) => dataOf(m).message_type === 'coordination_plan';

/** A pair of dependent tasks for the given agents, with task ids of their own. */
function pair(agent1: string, agent2: string, base: number) {
  return [
    { ...AUTH_API, task_id: base, agent_id: agent1 },
    { ...AUTH_CLIENT, task_id: base + 1, agent_id: agent2 },
  ];
}

describe('hostile peers against a chorale node', () => {
  it('drops garbage, oversized and unsigned messages, logs why, and still plans for a legitimate pair', async () => {
    const dirs = await nodeIn('node');
    const node = await startNode(dirs.node);
    const hostile = await peerOf(node);

    await hostile.publish(COORDINATION_TOPIC, new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x7b]));
    await hostile.publish(COORDINATION_TOPIC, '{"type":"task_claim","data":');
    await dropLogged(node, 'not_json');
    // Over the 64 KiB limit, but valid JSON.
    const [big] = pair('agent-big', 'agent-x', 1);
    const oversized = claimEnvelope({ ...big, description: 'x'.repeat(100_000) });
    await hostile.publish(COORDINATION_TOPIC, oversized);
    await dropLogged(node, 'too_large');
    // Valid JSON, not an envelope.
    await hostile.publish(
      META_TOPIC,
      '{"type":"meta_discussion","data":{"message_type":"nonsense"}}',
    );

    const unsigned = await peerOf(node, { unsigned: true });
    await unsigned.publish(COORDINATION_TOPIC, claimEnvelope(pair('agent-u1', 'agent-u2', 10)[0]!));
    await dropLogged(node, 'unsigned');

    // The same hostile peer, then sends a legitimate pair: the node is still up and plans.
    for (const task of pair('agent-101', 'agent-102', 100))
      await hostile.publish(COORDINATION_TOPIC, claimEnvelope(task));
    const plan = await hostile.message(META_TOPIC, isPlan);
    expect(Object.keys(dataOf(plan).participants as object).sort()).toEqual([
      'agent-101',
      'agent-102',
    ]);
    expect(node.process.child.exitCode).toBe(null);
    // Neither the oversized nor the unsigned claim took part in any plan.
    const plans = hostile.received.filter(isPlan);
    expect(plans).toHaveLength(1);
  });

  // A message far above maxMessageBytes (but under gossipsub's 4 MiB frame limit) is refused
  // and counted as too_large; the peer's stream stays up and its later messages get through.
  it('keeps serving a peer after it sent a message far above the size limit', async () => {
    const dirs = await nodeIn('node');
    const node = await startNode(dirs.node);
    const hostile = await peerOf(node);
    const [api] = pair('agent-h1', 'agent-h2', 400);
    await hostile.publish(
      COORDINATION_TOPIC,
      claimEnvelope({ ...api, description: 'x'.repeat(1_000_000) }),
    );
    await dropLogged(node, 'too_large');
    for (const task of pair('agent-h3', 'agent-h4', 500))
      await hostile.publish(COORDINATION_TOPIC, claimEnvelope(task));
    // Normally well under a second; 8 s is ample on a loaded CI machine.
    await hostile.message(META_TOPIC, isPlan, 8_000);
  });

  it('rejects a peer speaking for an agent bound to another peer; the forged vote does not count', async () => {
    const dirs = await nodeIn('node', 'agents');
    const node = await startNode(dirs.node);
    const observer = await peerOf(node);
    const apiTask = await writeTask(dirs.agents, 'auth-api', AUTH_API);
    const clientTask = await writeTask(dirs.agents, 'auth-client', AUTH_CLIENT);
    const claim1 = spawnChorale(
      ['agent', 'claim', '--task', apiTask, '--connect', node.addr, '--wait', '60s', '--json'],
      { cwd: dirs.agents },
    );
    // agent-001's claim went through: agent-001 is now bound to its own peer.
    await observer.message(COORDINATION_TOPIC, (m) => dataOf(m).agent_id === 'agent-001');
    const claim2 = spawnChorale(
      ['agent', 'claim', '--task', clientTask, '--connect', node.addr, '--wait', '30s', '--json'],
      { cwd: dirs.agents },
    );
    const planLine = await claim2.waitForLine(json((e) => e.event === 'coordination_plan'));
    const sessionId = String(jsonLine(planLine)?.session_id);
    await Promise.all([claim1.closed, claim2.closed]);

    // agent-002 agrees for real; the node accepted it (it forwarded it to the observer).
    const reply2 = spawnChorale(
      [
        'agent',
        'reply',
        '--session',
        sessionId,
        '--agent',
        'agent-002',
        '--type',
        'agreement',
        'I agree.',
        '--connect',
        node.addr,
        '--wait',
        '60s',
        '--json',
      ],
      { cwd: dirs.agents },
    );
    await observer.message(
      META_TOPIC,
      (m) => dataOf(m).agent_id === 'agent-002' && dataOf(m).session_id === sessionId,
    );

    // A forger agrees in agent-001's name: rejected, so agent-001 has not voted.
    const forger = await peerOf(node);
    await forger.publish(META_TOPIC, responseEnvelope(sessionId, 'agent-001', 'FORGED: I agree.'));
    const logged = jsonLine(await dropLogged(node, 'forged_agent'));
    expect(String(logged?.detail)).toContain(`peer ${forger.peerId} spoke for agent-001`);
    expect(await readJsonLines(node.slurpPath)).toEqual([]);
    expect(observer.received.some((m) => m.text.includes('FORGED'))).toBe(false);
    expect(observer.received.some((m) => dataOf(m).message_type === 'resolution')).toBe(false);

    // The real agent-001 agrees: that resolves the session, with the two real votes only.
    const reply1 = spawnChorale(
      [
        'agent',
        'reply',
        '--session',
        sessionId,
        '--agent',
        'agent-001',
        '--type',
        'agreement',
        'I agree with the sequence.',
        '--connect',
        node.addr,
        '--wait',
        '30s',
        '--json',
      ],
      { cwd: dirs.agents },
    );
    for (const r of [reply1, reply2]) {
      await r.waitForLine(json((e) => e.event === 'resolution' && e.session_id === sessionId));
    }
    const event = await waitForFileLine(node.slurpPath, (e) => e.session_id === sessionId);
    expect(event).toMatchObject({ outcome_type: 'resolved', consensus_strength: 0.9 });
    const messages = event.messages as {
      from_agent_id: string;
      from_peer_id: string;
      content: string;
    }[];
    expect(messages.map((m) => m.content)).not.toContain('FORGED: I agree.');
    expect(messages.some((m) => m.from_peer_id === forger.peerId)).toBe(false);
    expect(messages.filter((m) => m.from_agent_id === 'agent-001').map((m) => m.content)).toEqual([
      'I agree with the sequence.',
    ]);
  });

  it('rejects messages from a peer outside the allow-list and serves the peers on it', async () => {
    const dirs = await nodeIn('node');
    const allowed = await peer();
    allowed.subscribe(COORDINATION_TOPIC, META_TOPIC);
    const node = await startNode(dirs.node, { transport: { allowList: [allowed.peerId] } });
    await allowed.dial(node.addr);
    await allowed.reaches(COORDINATION_TOPIC, node.peerId);
    const stranger = await peerOf(node);

    for (const task of pair('agent-s1', 'agent-s2', 200))
      await stranger.publish(COORDINATION_TOPIC, claimEnvelope(task));
    const logged = jsonLine(await dropLogged(node, 'not_allowed'));
    expect(String(logged?.detail)).toContain(stranger.peerId);

    for (const task of pair('agent-a1', 'agent-a2', 300))
      await allowed.publish(COORDINATION_TOPIC, claimEnvelope(task));
    // The first plan is the allowed pair's: the stranger's claims were never registered.
    const plan = await allowed.message(META_TOPIC, isPlan);
    expect(Object.keys(dataOf(plan).participants as object).sort()).toEqual([
      'agent-a1',
      'agent-a2',
    ]);
    expect(allowed.received.filter(isPlan)).toHaveLength(1);
  });

  it('never exchanges anything with a peer or node holding another private-network key', async () => {
    const dirs = await nodeIn('one', 'two', 'agent');
    const key1 = await writeSwarmKey(join(dirs.one, 'swarm.key'));
    const key2 = await writeSwarmKey(join(dirs.two, 'swarm.key'));
    const one = await startNode(dirs.one, { transport: { pnetKeyFile: 'swarm.key' } });
    const two = await startNode(dirs.two, {
      transport: { pnetKeyFile: 'swarm.key', bootstrap: [one.addr] },
    });

    // Node two, on key 2, cannot join node one (its dial ends in the handshake timeout, ~5 s).
    const twoRefused = two.process.waitForLine(
      json((e) => e.msg === 'bootstrap dial failed'),
      {
        stream: 'stderr',
      },
    );
    // A peer with key 1 joins node one; with key 2 or no key it cannot connect at all.
    const member = await peer({ swarmKey: key1 });
    await member.dial(one.addr);
    expect(member.node.getPeers().map(String)).toContain(one.peerId);
    await expect((await peer({ swarmKey: key2 })).dial(one.addr)).rejects.toThrow();
    await expect((await peer()).dial(one.addr)).rejects.toThrow();
    expect(one.process.child.exitCode === null && two.process.child.exitCode === null).toBe(true);

    // An agent configured with key 2 finds no coordinator through node one and says so.
    await copyFile(join(dirs.two, 'swarm.key'), join(dirs.agent, 'swarm.key'));
    const rc = {
      transport: ['@chorale/transport-libp2p', { mdns: false, pnetKeyFile: 'swarm.key' }],
    };
    await writeFile(join(dirs.agent, '.choralerc.json'), JSON.stringify(rc));
    const task = await writeTask(dirs.agent, 'auth-api', AUTH_API);
    const claim = spawnChorale(
      ['agent', 'claim', '--task', task, '--connect', one.addr, '--wait', '3s', '--json'],
      { cwd: dirs.agent },
    );
    const exit = await claim.closed;
    expect(exit.code).not.toBe(0);
    expect(claim.stderr.seen.join('\n')).toContain(
      `no coordinator on ${COORDINATION_TOPIC} within 3s`,
    );
    expect(jsonLine(await twoRefused)?.error).toMatch(/EncryptionFailedError/);
  });
});
