import { describe, expect, it } from 'vitest';
import type { Message } from './api-types.js';
import {
  activeSessions,
  applyLiveEvent,
  EMPTY_STATE,
  escalationQueue,
  history,
  sessionOf,
  withDetail,
} from './state.js';
import { api42, client43, dependency, detail, summary } from './test-fixtures.js';

const message = (id: string, content = 'Agreed'): Message => ({
  message_id: id,
  from_agent_id: 'agent-001',
  from_peer_id: 'peer',
  content,
  message_type: 'agreement',
  timestamp: '2025-09-30T10:01:00.000Z',
  metadata: {},
});

describe('applyLiveEvent', () => {
  it('adds a claimed task once and removes it when released', () => {
    let state = applyLiveEvent(EMPTY_STATE, { event: 'task_claimed', data: { task: api42 } });
    state = applyLiveEvent(state, {
      event: 'task_claimed',
      data: { task: { ...api42, title: 'renamed' } },
    });
    state = applyLiveEvent(state, { event: 'task_claimed', data: { task: client43 } });
    expect(state.tasks.map((t) => t.title)).toEqual(['renamed', client43.title]);
    state = applyLiveEvent(state, { event: 'task_released', data: { task: api42 } });
    expect(state.tasks).toEqual([client43]);
  });

  it('keeps one dependency per pair and relationship', () => {
    let state = applyLiveEvent(EMPTY_STATE, {
      event: 'dependency_detected',
      data: { dependency: dependency() },
    });
    state = applyLiveEvent(state, {
      event: 'dependency_detected',
      data: { dependency: dependency({ confidence: 0.9 }) },
    });
    state = applyLiveEvent(state, {
      event: 'dependency_detected',
      data: { dependency: dependency({ relationship: 'Schema_Change' }) },
    });
    expect(state.dependencies.map((d) => [d.relationship, d.confidence])).toEqual([
      ['API_Contract', 0.9],
      ['Schema_Change', 0.8],
    ]);
  });

  it('moves a session from the escalation queue to the history when it is resolved', () => {
    const escalated = summary({
      session_id: 's1',
      status: 'escalated',
      closed_at: '2025-09-30T10:05:00.000Z',
      escalation_reason: 'Message limit reached',
    });
    let state = withDetail(EMPTY_STATE, detail({ ...escalated, messages: [message('m1')] }));
    expect(escalationQueue(state).map((s) => s.session_id)).toEqual(['s1']);
    expect(history(state)).toEqual([]);

    const resolved = {
      ...escalated,
      status: 'resolved' as const,
      resolution: 'Ship the nullable column first',
      decided_by: 'alice',
      closed_at: '2025-09-30T10:09:00.000Z',
    };
    state = applyLiveEvent(state, {
      event: 'resolution',
      data: { session: resolved, reason: resolved.resolution },
    });
    expect(escalationQueue(state)).toEqual([]);
    expect(history(state).map((s) => [s.session_id, s.decided_by])).toEqual([['s1', 'alice']]);
    // the loaded session takes the new status and keeps its messages
    expect(state.details.s1?.status).toBe('resolved');
    expect(state.details.s1?.messages).toHaveLength(1);
  });

  it('appends a message to a loaded session once, even when the event comes twice', () => {
    let state = withDetail(EMPTY_STATE, detail({ session_id: 's1' }));
    const event = {
      event: 'message' as const,
      data: { session: summary({ session_id: 's1', message_count: 1 }), message: message('m1') },
    };
    state = applyLiveEvent(applyLiveEvent(state, event), event);
    expect(state.details.s1?.messages.map((m) => m.message_id)).toEqual(['m1']);
    expect(state.sessions.s1?.message_count).toBe(1);
  });

  it('records a message of a session it has not loaded in the summary only', () => {
    const state = applyLiveEvent(EMPTY_STATE, {
      event: 'message',
      data: { session: summary({ session_id: 's2', message_count: 3 }), message: message('m9') },
    });
    expect(state.sessions.s2?.message_count).toBe(3);
    expect(state.details.s2).toBeUndefined();
  });

  it('adds the plan of a coordination_plan event to a loaded session', () => {
    let state = withDetail(EMPTY_STATE, detail({ session_id: 's1' }));
    const plan = {
      revision: 1,
      author: 'meta_coordinator',
      planner: 'template',
      text: 'Do the API first',
      at: '2025-09-30T10:00:01.000Z',
    };
    const planMessage = { ...message('p1', plan.text), message_type: 'proposal' as const };
    const event = {
      event: 'coordination_plan' as const,
      data: {
        session: summary({ session_id: 's1', plan_revision: 1 }),
        message: planMessage,
        plan,
      },
    };
    state = applyLiveEvent(applyLiveEvent(state, event), event);
    expect(state.details.s1?.plan).toEqual(plan);
    expect(state.details.s1?.plans).toHaveLength(1);
    expect(state.details.s1?.messages.map((m) => m.message_id)).toEqual(['p1']);
  });
});

describe('lists', () => {
  it('orders the queue oldest escalation first, active newest first, history latest end first', () => {
    let state = EMPTY_STATE;
    for (const s of [
      summary({ session_id: 'a1', created_at: '2025-09-30T10:00:00.000Z' }),
      summary({ session_id: 'a2', created_at: '2025-09-30T11:00:00.000Z' }),
      summary({ session_id: 'e1', status: 'escalated', closed_at: '2025-09-30T12:00:00.000Z' }),
      summary({ session_id: 'e2', status: 'escalated', closed_at: '2025-09-30T09:00:00.000Z' }),
      summary({ session_id: 'r1', status: 'resolved', closed_at: '2025-09-30T09:00:00.000Z' }),
      summary({ session_id: 'c1', status: 'closed', closed_at: '2025-09-30T13:00:00.000Z' }),
    ]) {
      state = applyLiveEvent(state, { event: 'session_opened', data: { session: s } });
    }
    expect(activeSessions(state).map((s) => s.session_id)).toEqual(['a2', 'a1']);
    expect(escalationQueue(state).map((s) => s.session_id)).toEqual(['e2', 'e1']);
    expect(history(state).map((s) => s.session_id)).toEqual(['c1', 'r1']);
  });

  it('names the session of session events only', () => {
    expect(sessionOf({ event: 'task_claimed', data: { task: api42 } })).toBeUndefined();
    expect(
      sessionOf({ event: 'closed', data: { session: summary({ session_id: 'x' }), reason: 'r' } }),
    ).toBe('x');
  });
});
