/**
 * Three `chorale start` processes on 127.0.0.1 (B and C bootstrap A) and two CLI agents: a
 * dependency between tasks claimed through different nodes is detected, the plan reaches both
 * agents, their agreements resolve the session on every node; a node killed mid-way does not
 * stop the others.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COORDINATION_TOPIC, META_TOPIC, waitForRoute } from './mesh-probe.js';
import { type PlainPeer, plainPeer } from './plain-peer.js';
import { type ChoraleNode, spawnChorale, startNode, stopAll } from './spawn-chorale.js';
import { AUTH_API, AUTH_CLIENT, tempDirs, writeTask } from './tasks.js';
import { json, jsonLine, waitForFileLine } from './wait-for-line.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await stopAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function track<T extends PlainPeer>(peer: Promise<T>): Promise<T> {
  const p = await peer;
  cleanups.push(() => p.stop());
  return p;
}

interface Mesh {
  a: ChoraleNode;
  b: ChoraleNode;
  c: ChoraleNode;
  agents: string;
  /** Sees every message reaching C (a plain peer connected to C only). */
  observer: PlainPeer;
}

/** Starts A, then B and C bootstrapping A, and waits until messages go B → C and C → B. */
async function threeNodes(session?: Record<string, unknown>): Promise<Mesh> {
  const dirs = await tempDirs('a', 'b', 'c', 'agents');
  cleanups.push(dirs.remove);
  const a = await startNode(dirs.a, { session });
  const [b, c] = await Promise.all([
    startNode(dirs.b, { transport: { bootstrap: [a.addr] }, session }),
    startNode(dirs.c, { transport: { bootstrap: [a.addr] }, session }),
  ]);
  await waitForRoute(b, c);
  await waitForRoute(c, b);
  const observer = await track(plainPeer());
  observer.subscribe(COORDINATION_TOPIC, META_TOPIC);
  await observer.dial(c.addr);
  return { a, b, c, agents: dirs.agents, observer };
}

const claimOf = (agentId: string) => (m: { text: string }) =>
  jsonLine(m.text)?.type === 'task_claim' &&
  (jsonLine(m.text)?.data as { agent_id?: string } | undefined)?.agent_id === agentId;

/**
 * agent-001 claims through B (in the background, waiting long), once its claim is seen at C
 * agent-002 claims through C; both print the plan. Returns the session id.
 */
async function claimBoth(mesh: Mesh): Promise<string> {
  const apiTask = await writeTask(mesh.agents, 'auth-api', AUTH_API);
  const clientTask = await writeTask(mesh.agents, 'auth-client', AUTH_CLIENT);
  const claim1 = spawnChorale(
    ['agent', 'claim', '--task', apiTask, '--connect', mesh.b.addr, '--wait', '60s', '--json'],
    { cwd: mesh.agents },
  );
  // The claim has crossed B and A: agent-002's claim will find it registered everywhere.
  await mesh.observer.message(COORDINATION_TOPIC, claimOf('agent-001'), 30_000);
  const claim2 = spawnChorale(
    ['agent', 'claim', '--task', clientTask, '--connect', mesh.c.addr, '--wait', '30s', '--json'],
    { cwd: mesh.agents },
  );
  const isPlan = json((e) => e.event === 'coordination_plan');
  const [plan1, plan2] = await Promise.all([
    claim1.waitForLine(isPlan, { timeoutMs: 30_000 }),
    claim2.waitForLine(isPlan, { timeoutMs: 30_000 }),
  ]);
  const p1 = jsonLine(plan1) as Record<string, unknown>;
  const p2 = jsonLine(plan2) as Record<string, unknown>;
  expect(p1.session_id).toMatch(/^dep_1_42_\d+$/);
  expect(p2.session_id).toBe(p1.session_id);
  expect(Object.keys(p1.participants as object).sort()).toEqual(['agent-001', 'agent-002']);
  expect(String(p1.plan)).toContain('API_Contract');
  // Each agent was told about the dependency that concerns it, then left on the plan.
  for (const claim of [claim1, claim2]) {
    const detected = await claim.waitForLine(json((e) => e.event === 'dependency_detected'));
    expect((jsonLine(detected) as { agents_involved: string[] }).agents_involved.sort()).toEqual([
      'agent-001',
      'agent-002',
    ]);
    expect(await claim.closed).toEqual({ code: 0, signal: null });
  }
  return String(p1.session_id);
}

function reply(mesh: Mesh, sessionId: string, agentId: string, via: ChoraleNode, text: string) {
  return spawnChorale(
    [
      'agent',
      'reply',
      '--session',
      sessionId,
      '--agent',
      agentId,
      '--type',
      'agreement',
      text,
      '--connect',
      via.addr,
      '--wait',
      '45s',
      '--json',
    ],
    { cwd: mesh.agents },
  );
}

/** Both replies print the session's resolution and exit. */
async function expectResolution(sessionId: string, ...replies: ReturnType<typeof reply>[]) {
  for (const r of replies) {
    const line = await r.waitForLine(
      json((e) => e.event === 'resolution'),
      { timeoutMs: 30_000 },
    );
    expect(jsonLine(line)).toMatchObject({
      session_id: sessionId,
      resolution: 'Consensus reached among participants',
    });
    expect(await r.closed).toEqual({ code: 0, signal: null });
  }
}

/** The node's sink holds the session's resolved SLURP event. */
async function expectRecorded(node: ChoraleNode, sessionId: string) {
  const event = await waitForFileLine(node.slurpPath, (e) => e.session_id === sessionId);
  expect(event).toMatchObject({
    session_id: sessionId,
    outcome_type: 'resolved',
    consensus_reached: true,
    consensus_strength: 0.9,
  });
  expect((event.participants as string[]).sort()).toEqual(['agent-001', 'agent-002']);
  const agreed = (event.messages as { from_agent_id: string; content: string }[]).filter(
    (m) => m.from_agent_id !== 'meta_coordinator',
  );
  expect(agreed.map((m) => m.from_agent_id).sort()).toEqual(['agent-001', 'agent-002']);
}

describe('a mesh of three chorale nodes and two CLI agents', () => {
  it('detects the dependency across nodes, plans once for both agents, and resolves on their agreements everywhere', async () => {
    const mesh = await threeNodes();
    const sessionId = await claimBoth(mesh);

    const r1 = reply(mesh, sessionId, 'agent-001', mesh.b, 'I agree with the proposed sequence.');
    const r2 = reply(mesh, sessionId, 'agent-002', mesh.a, 'Sounds good, I will wait for the API.');
    await expectResolution(sessionId, r1, r2);
    for (const node of [mesh.a, mesh.b, mesh.c]) await expectRecorded(node, sessionId);

    // One plan on the mesh for the session, whichever node wrote it.
    const plans = mesh.observer.received.filter(
      (m) =>
        (jsonLine(m.text)?.data as { message_type?: string })?.message_type === 'coordination_plan',
    );
    expect(plans).toHaveLength(1);

    // SIGTERM: each node leaves the mesh and says so.
    for (const node of [mesh.b, mesh.c, mesh.a]) {
      const exit = await node.process.stop('SIGTERM');
      expect(exit).toEqual({ code: 0, signal: null });
      expect(node.process.stdout.seen.at(-1)).toBe('stopped');
    }
  });

  it('carries on when a node is killed mid-way: the session still resolves and the survivors record it', async () => {
    const mesh = await threeNodes({ planTakeoverDelay: '2s' });
    const sessionId = await claimBoth(mesh);

    expect(await mesh.b.process.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    // agent-001 claimed through B; it answers through C now (same agent key, same peer id).
    const r1 = reply(mesh, sessionId, 'agent-001', mesh.c, 'I agree with the proposed sequence.');
    const r2 = reply(mesh, sessionId, 'agent-002', mesh.a, 'Looks good to me.');
    await expectResolution(sessionId, r1, r2);
    for (const node of [mesh.a, mesh.c]) await expectRecorded(node, sessionId);
  });
});
