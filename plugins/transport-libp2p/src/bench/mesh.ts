/**
 * `pnpm bench:mesh [--json] [--nodes 5] [--messages 500] [--burst 2000] [--in-process]`
 *
 * Starts a mesh of Chorale libp2p nodes on 127.0.0.1 (mDNS off, each node bootstrapping to the
 * ones started before it), one OS process per node (or all in this process with
 * `--in-process`), then measures:
 * - mesh formation: from the last node's start until every node has every other node in its
 *   gossipsub mesh for the topic;
 * - publish → deliver latency of 1 KiB envelopes once formed, at every other node, one message
 *   at a time (p50 / p99 / max);
 * - sustained messages per second: a burst published as fast as `publish` resolves, counted
 *   until every other node has every message;
 * - task claim → coordination plan at the other agent, when a coordinator is wired in
 *   (see `measureClaimToPlan`).
 * All loops are bounded; the script stops by itself and prints one JSON object with `--json`.
 */

import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MetaCoordinator, type Transport } from '@chorale/core';
import { DependencyDetector } from '@chorale/detector';
import { templatePlanner } from '@chorale/planner-template';
import { DEFAULT_TOPICS, type Envelope, type TaskContext } from '@chorale/protocol';
import { standardRules } from '@chorale/rules-standard';
import { Libp2pTransport } from '../transport.js';
import type { FromChild, ToChild } from './mesh-child.js';
import { sizedClaim } from './sized-claim.js';

export interface Stats {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ??
    Number.NaN;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
    mean: round(sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length)),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function startMesh(count: number, dirs: string[]): Promise<Libp2pTransport[]> {
  const nodes: Libp2pTransport[] = [];
  for (let i = 0; i < count; i++) {
    const dir = await mkdtemp(join(tmpdir(), 'chorale-bench-'));
    dirs.push(dir);
    const bootstrap = nodes.map(
      (n) => n.multiaddrs().find((a) => a.startsWith('/ip4/127.0.0.1/')) as string,
    );
    const node = new Libp2pTransport({
      options: { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, bootstrap },
      components: { dataDir: dir, baseDir: dir },
    });
    await node.start();
    nodes.push(node);
  }
  return nodes;
}

/** Resolves once `check()` holds, looking again every `everyMs`; rejects after `limitMs`. */
async function until(
  check: () => boolean,
  limitMs: number,
  what: string,
  everyMs = 2,
): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`${what}: not reached within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function measureLatency(
  nodes: Libp2pTransport[],
  topic: string,
  messages: number,
  size: number,
): Promise<{ all: number[]; first: number[] }> {
  const samples: number[] = [];
  const first: number[] = [];
  const sentAt = new Map<number, number>();
  let pending: { seq: number; left: number; done: () => void } | undefined;
  const unsubscribe = nodes.map((node) =>
    node.subscribe(topic, (env) => {
      const now = performance.now();
      if (env.message.type !== 'task_claim') return;
      const seq = Number(env.message.task.taskId);
      const t0 = sentAt.get(seq);
      if (t0 === undefined || pending?.seq !== seq) return;
      samples.push(now - t0);
      if (pending.left === nodes.length - 1) first.push(now - t0);
      pending.left -= 1;
      if (pending.left === 0) pending.done();
    }),
  );
  for (let seq = 1; seq <= messages; seq++) {
    const publisher = nodes[seq % nodes.length] as Libp2pTransport;
    const envelope = sizedClaim(seq, publisher.peerId, size);
    const delivered = new Promise<void>((done) => {
      pending = { seq, left: nodes.length - 1, done };
    });
    sentAt.set(seq, performance.now());
    await publisher.publish(topic, envelope);
    await withTimeout(delivered, 5_000, `latency message ${seq}`);
  }
  for (const off of unsubscribe) off();
  return { all: samples, first };
}

async function measureThroughput(
  nodes: Libp2pTransport[],
  topic: string,
  burst: number,
  size: number,
): Promise<{ messages: number; seconds: number; perSecond: number }> {
  const publisher = nodes[0] as Libp2pTransport;
  const receivers = nodes.slice(1);
  const counts = new Map<Libp2pTransport, number>(receivers.map((r) => [r, 0]));
  const offs = receivers.map((r) =>
    r.subscribe(topic, () => counts.set(r, (counts.get(r) ?? 0) + 1)),
  );
  const start = performance.now();
  for (let seq = 1; seq <= burst; seq++) {
    await publisher.publish(topic, sizedClaim(1_000_000 + seq, publisher.peerId, size));
    // Let the receivers' streams drain now and then, as a real publisher would not flood its own loop.
    if (seq % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  await until(
    () => receivers.every((r) => (counts.get(r) ?? 0) >= burst),
    60_000,
    'throughput burst',
    5,
  );
  const seconds = (performance.now() - start) / 1000;
  for (const off of offs) off();
  return {
    messages: burst,
    seconds: Math.round(seconds * 1000) / 1000,
    perSecond: Math.round(burst / seconds),
  };
}

// ---------------------------------------------------------------------------------------------
// CLAIM → PLAN
//
// `startCoordinator(transport)` starts a MetaCoordinator (template planner, standard rules)
// attached to the given transport and subscribed to DEFAULT_TOPICS, and return something to
// stop it. Each round, agent A (on node 1) claims an API-definition task, then agent B (on
// node 2) claims the matching implementation task in another repository; we time from B's
// publish until A receives the `coordination_plan` naming B's task on the meta-discussion topic.

export type StartCoordinator = (transport: Transport) => Promise<{ stop(): Promise<void> }>;

function task(id: number, repository: string, title: string, agentId: string): TaskContext {
  return {
    taskId: id,
    projectId: 1,
    repository,
    title,
    description: title,
    keywords: [],
    agentId,
    claimedAt: Date.now(),
  };
}

export async function measureClaimToPlan(
  nodes: Libp2pTransport[],
  startCoordinator: StartCoordinator,
  rounds: number,
): Promise<number[]> {
  const [coordinatorNode, agentANode, agentBNode] = nodes;
  if (!coordinatorNode || !agentANode || !agentBNode) {
    throw new Error('claim→plan needs at least 3 nodes');
  }
  const { coordination, metaDiscussion } = DEFAULT_TOPICS;
  const key = (t: TaskContext) => `${t.repository}#${t.taskId}`;
  // Plans seen by agent A, and claims seen by the coordinator's node, by task.
  const planWaiters = new Map<string, () => void>();
  const claimWaiters = new Map<string, () => void>();
  const offPlans = agentANode.subscribe(metaDiscussion, (env) => {
    if (env.message.type !== 'coordination_plan') return;
    for (const t of env.message.tasksInvolved) planWaiters.get(key(t))?.();
  });
  const offClaims = coordinatorNode.subscribe(coordination, (env) => {
    if (env.message.type === 'task_claim') claimWaiters.get(key(env.message.task))?.();
  });
  const seen = (waiters: Map<string, () => void>, k: string) =>
    new Promise<void>((resolve) => waiters.set(k, resolve));

  const samples: number[] = [];
  let coordinator: { stop(): Promise<void> } | undefined;
  try {
    await agentANode.waitForTopicPeers(coordination);
    await agentBNode.waitForTopicPeers(coordination);
    await coordinatorNode.waitForTopicPeers(metaDiscussion);
    // Round 0 warms up (JIT) and is not counted. Each round has a fresh coordinator, so it
    // holds only that round's two tasks: one dependency, one session, one plan.
    for (let round = 0; round <= rounds; round++) {
      await coordinator?.stop();
      coordinator = await startCoordinator(coordinatorNode);
      const apiTask = task(
        2 * round,
        `bench/api-${round}`,
        `Define user authentication API ${round}`,
        `bench-a-${round}`,
      );
      const implTask = task(
        2 * round + 1,
        `bench/web-${round}`,
        `Implement authentication endpoint ${round}`,
        `bench-b-${round}`,
      );
      // A's claim first, and known to the coordinator, so the clock starts with B's claim only.
      const aArrived = seen(claimWaiters, key(apiTask));
      await agentANode.publish(coordination, claimOf(agentANode, apiTask));
      await withTimeout(aArrived, 10_000, `claim of round ${round} at the coordinator`);
      const planned = seen(planWaiters, key(implTask));
      const t0 = performance.now();
      await agentBNode.publish(coordination, claimOf(agentBNode, implTask));
      await withTimeout(planned, 10_000, `claim→plan round ${round}`);
      if (round > 0) samples.push(performance.now() - t0);
      planWaiters.clear();
      claimWaiters.clear();
    }
  } finally {
    offPlans();
    offClaims();
    await coordinator?.stop();
  }
  return samples;
}

function claimOf(node: Libp2pTransport, t: TaskContext): Envelope {
  return {
    from: node.peerId,
    timestamp: Date.now(),
    hopCount: 0,
    message: { type: 'task_claim', task: t },
  };
}

// ---------------------------------------------------------------------------------------------

export interface MeshBenchResult {
  /** `processes`: one OS process per node (the default, as nodes run in practice); `in-process`: all nodes share one event loop. */
  mode: 'processes' | 'in-process';
  nodes: number;
  envelopeBytes: number;
  meshFormationMs: number;
  latencyMs: Stats;
  /** Per message, the first of the other nodes to have it: the latency without the other receivers' turn on the shared event loop. */
  firstDeliveryMs: Stats;
  throughput: { messages: number; seconds: number; perSecond: number };
  claimToPlanMs: Stats | null;
  targets: { deliveryP50Ms: 3; deliveryP99Ms: 20; claimToPlanP50Ms: 20 };
  node: string;
}

/** A child process running one node (see mesh-child.ts). */
class ChildNode {
  readonly proc: ChildProcess;
  readonly #listeners = new Set<(m: FromChild) => void>();
  #failure: Error | undefined;

  constructor(path: string) {
    this.proc = fork(path, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.proc.on('message', (m: FromChild) => {
      if (m.op === 'error') this.#failure = new Error(`bench node failed: ${m.message}`);
      for (const l of [...this.#listeners]) l(m);
    });
    this.proc.on('exit', (code) => {
      this.#failure ??= new Error(`bench node exited with code ${code}`);
      for (const l of [...this.#listeners]) l({ op: 'error', message: this.#failure.message });
    });
  }

  on(listener: (m: FromChild) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  send(m: ToChild): void {
    this.proc.send(m);
  }

  /** Sends `m` and resolves with the first reply of kind `op`. */
  request<K extends FromChild['op']>(
    m: ToChild | undefined,
    op: K,
    ms = 30_000,
  ): Promise<Extract<FromChild, { op: K }>> {
    const reply = new Promise<Extract<FromChild, { op: K }>>((resolve, reject) => {
      if (this.#failure) return reject(this.#failure);
      const off = this.on((r) => {
        if (r.op === 'error') {
          off();
          reject(new Error(r.message));
        } else if (r.op === op) {
          off();
          resolve(r as Extract<FromChild, { op: K }>);
        }
      });
    });
    if (m) this.send(m);
    return withTimeout(reply, ms, `waiting for ${op}`);
  }
}

async function runProcesses(
  count: number,
  size: number,
  messages: number,
  burst: number,
): Promise<Omit<MeshBenchResult, 'claimToPlanMs' | 'targets' | 'node'>> {
  const topic = 'chorale-bench/v1';
  const path = fileURLToPath(new URL('./mesh-child.js', import.meta.url));
  const children: ChildNode[] = [];
  try {
    const addrs: string[] = [];
    for (let i = 0; i < count; i++) {
      const child = new ChildNode(path);
      children.push(child);
      const started = await child.request(
        { op: 'start', bootstrap: [...addrs], topic, size },
        'started',
      );
      addrs.push(started.addr);
    }
    const allStarted = performance.now();
    await Promise.all(
      children.map((c) => c.request({ op: 'wait-mesh', peers: count - 1 }, 'meshed')),
    );
    const formed = performance.now();

    const warmUp = 50;
    const bySeq = new Map<number, number[]>();
    let waiting: { seq: number; done: () => void } | undefined;
    const offs = children.map((c) =>
      c.on((m) => {
        if (m.op !== 'sample') return;
        const list = bySeq.get(m.seq) ?? [];
        list.push(m.ms);
        bySeq.set(m.seq, list);
        if (waiting?.seq === m.seq && list.length === count - 1) waiting.done();
      }),
    );
    for (let seq = 1; seq <= warmUp + messages; seq++) {
      const delivered = new Promise<void>((done) => {
        waiting = { seq, done };
      });
      (children[seq % count] as ChildNode).send({ op: 'publish', seq });
      await withTimeout(delivered, 5_000, `latency message ${seq}`);
    }
    for (const off of offs) off();
    const all: number[] = [];
    const first: number[] = [];
    for (const [seq, list] of bySeq) {
      if (seq <= warmUp) continue;
      all.push(...list);
      first.push(Math.min(...list));
    }

    // Sustained rate, closed loop: windows of `window` messages, each fully delivered to every
    // other node before the next (an open-loop burst overruns gossipsub's outbound buffers, which
    // then drop messages: that measures loss, not a sustainable rate).
    const receivers = children.slice(1);
    const window = 100;
    const start = performance.now();
    for (let sent = 0; sent < burst; sent += window) {
      const n = Math.min(window, burst - sent);
      for (const r of receivers) r.send({ op: 'expect-burst', count: sent + n });
      const received = Promise.all(
        receivers.map((r) => r.request(undefined, 'burst-received', 30_000)),
      );
      (children[0] as ChildNode).send({ op: 'burst', count: n });
      await received;
    }
    const seconds = (performance.now() - start) / 1000;
    return {
      mode: 'processes',
      nodes: count,
      envelopeBytes: size,
      meshFormationMs: Math.round(formed - allStarted),
      latencyMs: stats(all),
      firstDeliveryMs: stats(first),
      throughput: {
        messages: burst,
        seconds: Math.round(seconds * 1000) / 1000,
        perSecond: Math.round(burst / seconds),
      },
    };
  } finally {
    await Promise.allSettled(children.map((c) => c.request({ op: 'stop' }, 'stopped', 10_000)));
    for (const c of children) c.proc.kill();
  }
}

/** The claim→plan figure, on an in-process mesh of three nodes, when a coordinator is wired in. */
async function claimToPlanFigure(
  startCoordinator: StartCoordinator | undefined,
): Promise<Stats | null> {
  if (!startCoordinator) return null;
  const dirs: string[] = [];
  let nodes: Libp2pTransport[] = [];
  try {
    nodes = await startMesh(3, dirs);
    return stats(await measureClaimToPlan(nodes, startCoordinator, 20));
  } finally {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    await Promise.allSettled(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

export async function runMeshBench(
  options: {
    nodes?: number;
    messages?: number;
    burst?: number;
    size?: number;
    startCoordinator?: StartCoordinator;
    mode?: 'processes' | 'in-process';
  } = {},
): Promise<MeshBenchResult> {
  const count = options.nodes ?? 5;
  const size = options.size ?? 1024;
  if ((options.mode ?? 'processes') === 'processes') {
    const delivery = await runProcesses(
      count,
      size,
      options.messages ?? 500,
      options.burst ?? 2_000,
    );
    return {
      ...delivery,
      claimToPlanMs: await claimToPlanFigure(options.startCoordinator),
      targets: { deliveryP50Ms: 3, deliveryP99Ms: 20, claimToPlanP50Ms: 20 },
      node: process.version,
    };
  }
  const topic = 'chorale-bench/v1';
  const dirs: string[] = [];
  let nodes: Libp2pTransport[] = [];
  try {
    nodes = await startMesh(count, dirs);
    const allStarted = performance.now();
    for (const node of nodes) node.subscribe(topic, () => {});
    await until(
      () => nodes.every((n) => n.topicPeers(topic).length >= count - 1),
      30_000,
      'topic peers',
    );
    await until(
      () => nodes.every((n) => n.meshPeers(topic).length >= count - 1),
      30_000,
      'mesh formation',
    );
    const formed = performance.now();

    // Warm up (JIT, stream buffers), then measure.
    await measureLatency(nodes, topic, 50, size);
    const latency = await measureLatency(nodes, topic, options.messages ?? 500, size);
    const throughput = await measureThroughput(nodes, topic, options.burst ?? 2_000, size);
    const claimToPlan = await claimToPlanFigure(options.startCoordinator);
    return {
      mode: 'in-process',
      nodes: count,
      envelopeBytes: size,
      meshFormationMs: Math.round(formed - allStarted),
      latencyMs: stats(latency.all),
      firstDeliveryMs: stats(latency.first),
      throughput,
      claimToPlanMs: claimToPlan,
      targets: { deliveryP50Ms: 3, deliveryP99Ms: 20, claimToPlanP50Ms: 20 },
      node: process.version,
    };
  } finally {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    await Promise.allSettled(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

function argValue(args: string[], name: string): number | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} expects a positive number`);
  return v;
}

function table(r: MeshBenchResult): string {
  const line = (k: string, v: string) => `${k.padEnd(34)} ${v}`;
  const s = (x: Stats) => `p50 ${x.p50} ms  p99 ${x.p99} ms  max ${x.max} ms  (n=${x.count})`;
  return [
    `Chorale libp2p mesh benchmark: ${r.nodes} nodes on 127.0.0.1, ${r.mode === 'processes' ? 'one process per node' : 'all in one process'}, Node ${r.node}`,
    line('mesh formed (all in every mesh)', `${r.meshFormationMs} ms`),
    line(`publish → deliver, ${r.envelopeBytes} B`, s(r.latencyMs)),
    line('  first receiver of each message', s(r.firstDeliveryMs)),
    line(
      'sustained throughput',
      `${r.throughput.perSecond} msg/s (${r.throughput.messages} to ${r.nodes - 1} nodes in ${r.throughput.seconds} s)`,
    ),
    line(
      'task claim → plan at other agent',
      r.claimToPlanMs ? s(r.claimToPlanMs) : 'not measured (no coordinator wired in)',
    ),
    line('targets', 'delivery p50 < 3 ms, p99 < 20 ms; claim→plan p50 < 20 ms'),
  ].join('\n');
}

/** A MetaCoordinator with the standard rules and the template planner, on the given node. */
const startCoordinator: StartCoordinator = async (transport) => {
  const coordinator = new MetaCoordinator({
    transport,
    detector: new DependencyDetector({ rules: [standardRules()] }),
    planners: [templatePlanner()],
  });
  await coordinator.start();
  return { stop: () => coordinator.stop() };
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const result = await runMeshBench({
    startCoordinator,
    nodes: argValue(args, '--nodes'),
    messages: argValue(args, '--messages'),
    burst: argValue(args, '--burst'),
    mode: args.includes('--in-process') ? 'in-process' : 'processes',
  });
  process.stdout.write(
    args.includes('--json') ? `${JSON.stringify(result)}\n` : `${table(result)}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`bench:mesh failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
