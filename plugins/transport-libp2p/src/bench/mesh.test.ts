import { rm } from 'node:fs/promises';
import type { Transport } from '@chorale/core';
import { DEFAULT_TOPICS, type TaskContext } from '@chorale/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { addrOf, choraleNode, tempDir } from '../__fixtures__/nodes.js';
import type { Libp2pTransport } from '../transport.js';
import { measureClaimToPlan, stats } from './mesh.js';

describe('stats', () => {
  it('computes nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(stats(samples)).toEqual({ count: 100, p50: 50, p99: 99, max: 100, mean: 50.5 });
    expect(stats([3]).p99).toBe(3);
  });
});

/** Stands in for the MetaCoordinator: plans as soon as an API task and an implementation task are both claimed. */
async function fakeCoordinator(transport: Transport) {
  const tasks: TaskContext[] = [];
  const off = transport.subscribe(DEFAULT_TOPICS.coordination, (env) => {
    if (env.message.type !== 'task_claim') return;
    const task = env.message.task;
    const partner = tasks.find((t) => /API/.test(t.title) && /Implement/.test(task.title));
    tasks.push(task);
    if (!partner) return;
    void transport.publish(DEFAULT_TOPICS.metaDiscussion, {
      from: transport.peerId,
      timestamp: Date.now(),
      hopCount: 0,
      message: {
        type: 'coordination_plan',
        sessionId: `s-${task.taskId}`,
        plan: 'API first',
        planRevision: 1,
        tasksInvolved: [partner, task],
        participants: {},
        message: '',
      },
    });
  });
  return { stop: async () => off() };
}

const nodes: Libp2pTransport[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}, 20_000);

describe('measureClaimToPlan', () => {
  it('times each claim until the plan reaches the other agent', async () => {
    for (let i = 0; i < 3; i++) {
      const dir = await tempDir();
      dirs.push(dir.path);
      const node = choraleNode(dir.path, { bootstrap: nodes.map(addrOf) });
      await node.start();
      nodes.push(node);
    }
    const samples = await measureClaimToPlan(nodes, fakeCoordinator, 3);
    expect(samples).toHaveLength(3);
    for (const ms of samples) {
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThan(10_000);
    }
  }, 20_000);
});
