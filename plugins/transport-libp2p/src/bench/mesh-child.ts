/**
 * One node of `bench:mesh` in its own process, driven by the parent over IPC. Latency is
 * measured here, on receipt, against the publisher's send time carried in the message (both
 * processes read the machine's monotonic clock, `process.hrtime`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Libp2pTransport } from '../transport.js';
import { sizedClaim } from './sized-claim.js';

export type ToChild =
  | { op: 'start'; bootstrap: string[]; topic: string; size: number }
  | { op: 'wait-mesh'; peers: number }
  | { op: 'publish'; seq: number }
  /** Reply `burst-received` once `count` throughput messages in all have arrived. */
  | { op: 'expect-burst'; count: number }
  | { op: 'burst'; count: number }
  | { op: 'stop' };

export type FromChild =
  | { op: 'started'; peerId: string; addr: string }
  | { op: 'meshed' }
  | { op: 'sample'; seq: number; ms: number }
  | { op: 'burst-sent' }
  | { op: 'burst-received' }
  | { op: 'stopped' }
  | { op: 'error'; message: string };

/** CLOCK_MONOTONIC in ms: on Linux one clock for every process of the machine, so send and receive times compare across processes. */
const now = () => Number(process.hrtime.bigint()) / 1e6;
const send = (m: FromChild) => process.send?.(m);

let node: Libp2pTransport | undefined;
let dir: string | undefined;
let topic = 'chorale-bench/v1';
let size = 1024;
/** Sequence numbers from here on are throughput messages, counted rather than timed. */
const BURST_BASE = 1_000_000;
/** Throughput messages received so far, and the cumulative count the parent waits for. */
let burstCount = 0;
let burstTarget = 0;
let burstSent = 0;

function checkBurst(): void {
  if (burstTarget > 0 && burstCount >= burstTarget) {
    burstTarget = 0;
    send({ op: 'burst-received' });
  }
}

async function handle(m: ToChild): Promise<void> {
  switch (m.op) {
    case 'start': {
      topic = m.topic;
      size = m.size;
      dir = await mkdtemp(join(tmpdir(), 'chorale-bench-'));
      node = new Libp2pTransport({
        options: { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, bootstrap: m.bootstrap },
        components: { dataDir: dir, baseDir: dir },
      });
      await node.start();
      node.subscribe(topic, (env) => {
        const received = now();
        if (env.message.type !== 'task_claim') return;
        const [, seq, sentAt] = env.message.task.title.split(' ');
        if (Number(seq) >= BURST_BASE) {
          burstCount += 1;
          checkBurst();
          return;
        }
        send({ op: 'sample', seq: Number(seq), ms: received - Number(sentAt) });
      });
      const addr = node.multiaddrs().find((a) => a.startsWith('/ip4/127.0.0.1/')) ?? '';
      send({ op: 'started', peerId: node.peerId, addr });
      return;
    }
    case 'wait-mesh': {
      const n = node as Libp2pTransport;
      while (n.meshPeers(topic).length < m.peers || n.topicPeers(topic).length < m.peers) {
        await new Promise((r) => setTimeout(r, 2));
      }
      send({ op: 'meshed' });
      return;
    }
    case 'publish': {
      const n = node as Libp2pTransport;
      await n.publish(
        topic,
        sizedClaim(m.seq, n.peerId, size, `bench ${m.seq} ${now().toFixed(3)}`),
      );
      return;
    }
    case 'expect-burst':
      burstTarget = m.count;
      checkBurst();
      return;
    case 'burst': {
      const n = node as Libp2pTransport;
      for (let i = 1; i <= m.count; i++) {
        burstSent += 1;
        await n.publish(
          topic,
          sizedClaim(
            BURST_BASE + burstSent,
            n.peerId,
            size,
            `bench ${BURST_BASE + burstSent} ${now().toFixed(3)}`,
          ),
        );
        if (i % 50 === 0) await new Promise((r) => setImmediate(r));
      }
      send({ op: 'burst-sent' });
      return;
    }
    case 'stop':
      await node?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
      send({ op: 'stopped' });
      process.disconnect?.();
      return;
  }
}

process.on('message', (m: ToChild) => {
  handle(m).catch((error: unknown) =>
    send({ op: 'error', message: String((error as Error).stack ?? error) }),
  );
});
// The parent going away ends the child too.
process.on('disconnect', () => {
  void node?.stop().finally(() => process.exit(0));
});
