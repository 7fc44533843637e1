import { describe, expect, it } from 'vitest';
import type { SessionEvent } from './events.js';
import { toSlurpEvent } from './slurp.js';
import { foldSession, formatDuration, summarizeSession } from './state.js';
import { apiDependency, apiTask, clientTask, message } from './test-fixtures.js';

const base = { sessionId: 'dep_1_42_1', at: 1_000 };
const log: SessionEvent[] = [
  {
    ...base,
    id: 'e0',
    seq: 0,
    kind: 'created',
    sessionType: 'dependency',
    tasks: [apiTask, clientTask],
    dependency: apiDependency,
    dependencyKey: 'k',
    reason: 'r',
  },
  {
    ...base,
    id: 'e1',
    seq: 1,
    kind: 'participant_joined',
    participant: {
      agentId: 'agent-001',
      peerId: 'p1',
      repository: 'backend-api',
      capabilities: [],
      lastSeen: 1_000,
      active: true,
    },
  },
  {
    ...base,
    id: 'e2',
    seq: 2,
    kind: 'plan_added',
    revision: 1,
    author: 'meta_coordinator',
    message: message('meta_coordinator', 'proposal', { planRevision: 1 }),
  },
  {
    ...base,
    id: 'e3',
    seq: 3,
    at: 61_000,
    kind: 'message_added',
    message: message('agent-001', 'agreement'),
  },
  {
    ...base,
    id: 'e4',
    seq: 4,
    at: 2_101_000,
    kind: 'escalated',
    reason: 'Message limit exceeded - human intervention needed',
  },
];

describe('foldSession', () => {
  it('rebuilds the state from the log', () => {
    const s = foldSession(log)!;
    expect(s).toMatchObject({
      status: 'escalated',
      planRevision: 1,
      lastActivity: 61_000,
      closedAt: 2_101_000,
      eventCount: 5,
    });
    expect(s.messages.map((m) => m.messageType)).toEqual(['proposal', 'agreement']);
    expect(s.participants['agent-001']?.lastSeen).toBe(61_000);
  });

  it('is undefined for an empty log and refuses a log without its start', () => {
    expect(foldSession([])).toBeUndefined();
    expect(() => foldSession(log.slice(1))).toThrow(/before "created"/);
  });

  it('summarizes like the reference and maps to a SLURP event', () => {
    const s = foldSession(log)!;
    expect(summarizeSession(s, 0)).toBe(
      'Session dep_1_42_1 (dependency): 1 participants, 2 messages, duration 35m',
    );
    expect(toSlurpEvent(s, 0)).toMatchObject({
      outcomeType: 'escalated',
      consensusStrength: 0.3,
      startTime: 1_000,
      endTime: 2_101_000,
      metadata: {
        relationship: 'API_Contract',
        escalationReason: 'Message limit exceeded - human intervention needed',
      },
    });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [35 * 60_000, '35m'],
    [125 * 60_000, '2h5m'],
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
