import type { Participant } from '@chorale/protocol';
import { describe, expect, it } from 'vitest';
import { evaluateConsensus } from './consensus.js';
import type { CoordinationSession } from './state.js';
import { message } from './test-fixtures.js';

function participant(agentId: string): Participant {
  return { agentId, peerId: '', repository: '', capabilities: [], lastSeen: 0, active: true };
}

function session(messages: CoordinationSession['messages'], planRevision = 1): CoordinationSession {
  return {
    sessionId: 's',
    type: 'dependency',
    participants: { a: participant('a'), b: participant('b') },
    tasksInvolved: [],
    messages,
    status: 'active',
    createdAt: 0,
    lastActivity: 0,
    resolution: '',
    escalationReason: '',
    reason: '',
    planRevision,
    eventCount: 0,
  };
}

const plan = (revision = 1, from = 'meta_coordinator') =>
  message(from, 'proposal', { planRevision: revision });

describe('evaluateConsensus', () => {
  it('is reached when every participant agrees with the current plan', () => {
    expect(
      evaluateConsensus(session([plan(), message('a', 'agreement'), message('b', 'agreement')]))
        .reached,
    ).toBe(true);
  });

  it('never counts the plan itself as a vote', () => {
    const state = evaluateConsensus(session([plan()]));
    expect(state.reached).toBe(false);
    expect(state.waitingOn).toEqual(['a', 'b']);
  });

  it('is not reached before a plan exists', () => {
    expect(
      evaluateConsensus(session([message('a', 'agreement'), message('b', 'agreement')], 0)).reached,
    ).toBe(false);
  });

  it('counts one vote per participant: one agent agreeing twice is not consensus', () => {
    const state = evaluateConsensus(
      session([plan(), message('a', 'agreement'), message('a', 'agreement')]),
    );
    expect(state.reached).toBe(false);
    expect(state.agreed).toEqual(['a']);
  });

  it("uses each participant's latest word", () => {
    expect(
      evaluateConsensus(
        session([
          plan(),
          message('a', 'agreement'),
          message('b', 'agreement'),
          message('a', 'concern'),
        ]),
      ).reached,
    ).toBe(false);
    expect(
      evaluateConsensus(
        session([
          plan(),
          message('a', 'concern'),
          message('b', 'agreement'),
          message('a', 'agreement'),
        ]),
      ).reached,
    ).toBe(true);
  });

  it('a question or concern after an agreement blocks consensus', () => {
    const blocked = session([
      plan(),
      message('a', 'agreement'),
      message('b', 'agreement'),
      message('x', 'question'),
    ]);
    expect(evaluateConsensus(blocked).reached).toBe(false);
  });

  it('a new proposal resets the votes; its author agrees by proposing', () => {
    const s = session(
      [plan(1), message('a', 'agreement'), message('b', 'proposal', { planRevision: 2 })],
      2,
    );
    expect(evaluateConsensus(s)).toMatchObject({ reached: false, agreed: ['b'], waitingOn: ['a'] });
    s.messages.push(message('a', 'agreement'));
    expect(evaluateConsensus(s).reached).toBe(true);
  });

  it('an agreement with another revision does not count', () => {
    const s = session(
      [
        plan(1),
        message('b', 'proposal', { planRevision: 2 }),
        message('a', 'agreement', { planRevision: 1 }),
      ],
      2,
    );
    expect(evaluateConsensus(s).reached).toBe(false);
  });
});
