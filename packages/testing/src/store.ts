/**
 * Conformance suite for session stores. Every store runs it (the in-memory one in this
 * package's tests, a durable one in its plugin's `compliance.test.ts`):
 *
 * ```ts
 * import { testStore } from '@chorale/testing/store';
 * testStore(() => new MemorySessionStore());
 * ```
 *
 * The suite closes the store after each test.
 */
import type { SessionEvent, SessionStore } from '@chorale/core';
import type { TaskContext } from '@chorale/protocol';
import { afterEach, describe, expect, it } from 'vitest';

export type StoreSetup = () => SessionStore | Promise<SessionStore>;

const T0 = Date.parse('2025-09-30T10:00:00Z');

const TASK_A: TaskContext = {
  taskId: 42,
  projectId: 1,
  repository: 'backend-api',
  title: 'Define user authentication API',
  description: 'Create OpenAPI spec for user auth endpoints',
  keywords: ['api', 'authentication', 'openapi'],
  agentId: 'agent-001',
  claimedAt: T0,
};
const TASK_B: TaskContext = {
  taskId: 43,
  projectId: 2,
  repository: 'frontend-app',
  title: 'Implement authentication endpoint',
  description: 'Login page calls the new endpoint',
  keywords: ['frontend'],
  agentId: 'agent-002',
  claimedAt: T0 + 1000,
};

/** The log of a resolved dependency session: created, two participants, plan, two agreements, resolved. */
export function sampleSessionLog(sessionId = 'dep_1_42_1727690400'): SessionEvent[] {
  const base = (seq: number) => ({
    id: `${sessionId}:evt_${seq}`,
    sessionId,
    seq,
    at: T0 + seq * 1000,
  });
  const agreement = (seq: number, agent: string) => ({
    ...base(seq),
    kind: 'message_added' as const,
    message: {
      messageId: `msg_${seq}`,
      fromAgentId: agent,
      fromPeerId: `peer-${agent}`,
      content: 'Sounds good, I agree.',
      messageType: 'agreement' as const,
      timestamp: T0 + seq * 1000,
      planRevision: 1,
      metadata: { note: 'ünïcødé', nested: { n: 1 } },
    },
  });
  return [
    {
      ...base(0),
      kind: 'created',
      sessionType: 'dependency',
      tasks: [TASK_A, TASK_B],
      dependency: {
        task1: TASK_A,
        task2: TASK_B,
        relationship: 'API_Contract',
        confidence: 0.8,
        reason: 'API definition and implementation dependency',
        detectedAt: T0,
      },
      dependencyKey: '1:42|2:43|API_Contract',
      reason: 'API definition and implementation dependency',
    },
    ...[TASK_A, TASK_B].map((t, i) => ({
      ...base(1 + i),
      kind: 'participant_joined' as const,
      participant: {
        agentId: t.agentId,
        peerId: `peer-${t.agentId}`,
        repository: t.repository,
        capabilities: ['code'],
        lastSeen: T0,
        active: true,
      },
    })),
    {
      ...base(3),
      kind: 'plan_added',
      revision: 1,
      author: 'meta_coordinator',
      planner: 'template',
      sections: {
        sequence: ['API first'],
        informationSharing: ['spec'],
        coordinationPoints: ['review'],
        potentialConflicts: ['changes'],
        successCriteria: ['tests pass'],
      },
      message: {
        messageId: 'msg_plan',
        fromAgentId: 'meta_coordinator',
        fromPeerId: 'coordinator',
        content: 'COORDINATION PLAN:\n1. SEQUENCE:\n- API first',
        messageType: 'proposal',
        timestamp: T0 + 3000,
        planRevision: 1,
        metadata: {},
      },
    },
    agreement(4, 'agent-001'),
    agreement(5, 'agent-002'),
    { ...base(6), kind: 'resolved', reason: 'Consensus reached among participants' },
  ];
}

/** Registers the session store conformance tests. */
export function testStore(setup: StoreSetup): void {
  describe('session store conformance', () => {
    let store: SessionStore | undefined;
    const get = async (): Promise<SessionStore> => {
      store = await setup();
      return store;
    };
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    it('declares specificationVersion v1 and a name', async () => {
      const s = await get();
      expect(s.specificationVersion).toBe('v1');
      expect(typeof s.name).toBe('string');
      expect(s.name.length).toBeGreaterThan(0);
    });

    it('loads an appended log back, equal and in seq order', async () => {
      const s = await get();
      const log = sampleSessionLog();
      for (const event of log) await s.append(event);
      expect(await s.load(log[0]!.sessionId)).toEqual(log);
    });

    it('loads in seq order whatever the order of appends', async () => {
      const s = await get();
      const log = sampleSessionLog();
      for (const i of [3, 0, 6, 1, 5, 2, 4]) await s.append(log[i]!);
      const loaded = await s.load(log[0]!.sessionId);
      expect(loaded.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(loaded).toEqual(log);
    });

    it('is idempotent by event id', async () => {
      const s = await get();
      const log = sampleSessionLog();
      for (const event of log) await s.append(event);
      await s.append(log[2]!);
      await s.append(structuredClone(log[4]!));
      await Promise.all(log.map((e) => s.append(e)));
      expect(await s.load(log[0]!.sessionId)).toHaveLength(log.length);
    });

    it('keeps sessions apart and lists their ids', async () => {
      const s = await get();
      const a = sampleSessionLog('session-a');
      const b = sampleSessionLog('session-b').slice(0, 3);
      for (let i = 0; i < a.length; i++) {
        await s.append(a[i]!);
        if (b[i]) await s.append(b[i]!);
      }
      expect(await s.load('session-a')).toEqual(a);
      expect(await s.load('session-b')).toEqual(b);
      expect([...(await s.sessionIds())].sort()).toEqual(['session-a', 'session-b']);
    });

    it('loads an unknown session as an empty log', async () => {
      const s = await get();
      expect(await s.load('no-such-session')).toEqual([]);
      expect(await s.sessionIds()).toEqual([]);
      await s.append(sampleSessionLog('known')[0]!);
      expect(await s.load('unknown')).toEqual([]);
    });

    it('is not changed by changes to appended or loaded events', async () => {
      const s = await get();
      const [created] = sampleSessionLog('isolated');
      const event = structuredClone(created!);
      await s.append(event);
      (event as { reason: string }).reason = 'changed after append';
      const [loaded] = await s.load('isolated');
      expect(loaded).toEqual(created);
      (loaded as { reason: string }).reason = 'changed after load';
      expect(await s.load('isolated')).toEqual([created]);
    });
  });
}
