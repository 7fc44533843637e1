import type { Message } from '@chorale/protocol';
import { describe, expect, it } from 'vitest';
import { AgentBinding, agentIdOf } from './agent-binding.js';

const task = {
  taskId: 1,
  projectId: 1,
  repository: 'acme/api',
  title: 't',
  description: '',
  keywords: [],
  agentId: 'agent-001',
};

describe('agentIdOf', () => {
  it('names the agent each kind of message speaks for', () => {
    const cases: Array<[Message, string | undefined]> = [
      [{ type: 'task_claim', task }, 'agent-001'],
      [
        {
          type: 'coordination_response',
          sessionId: 's',
          agentId: 'agent-002',
          response: 'ok',
          timestamp: 0,
        },
        'agent-002',
      ],
      [
        {
          type: 'session_message',
          sessionId: 's',
          fromAgent: 'agent-003',
          content: 'hi',
          timestamp: 0,
        },
        'agent-003',
      ],
      [
        { type: 'escalation_request', sessionId: 's', agentId: 'agent-004', reason: '' },
        'agent-004',
      ],
      [
        {
          type: 'coordination_request',
          sessionType: 'planning',
          agentId: 'agent-005',
          tasks: [task],
          reason: '',
        },
        'agent-005',
      ],
      [{ type: 'resolution', sessionId: 's', resolution: 'done', summary: '' }, undefined],
      [
        {
          type: 'coordination_plan',
          sessionId: 's',
          plan: 'p',
          planRevision: 1,
          tasksInvolved: [task],
          participants: {},
          message: '',
        },
        undefined,
      ],
    ];
    for (const [message, expected] of cases)
      expect(agentIdOf(message), message.type).toBe(expected);
  });
});

describe('AgentBinding', () => {
  it('binds an agent to the first peer that speaks for it and refuses others', () => {
    const binding = new AgentBinding();
    expect(binding.claim('agent-001', 'peer-a')).toBe(true);
    expect(binding.claim('agent-001', 'peer-a')).toBe(true);
    expect(binding.claim('agent-001', 'peer-b')).toBe(false);
    expect(binding.peerOf('agent-001')).toBe('peer-a');
    expect(binding.claim('agent-002', 'peer-b')).toBe(true);
    expect(binding.size).toBe(2);
  });

  it('is bounded: the least recently seen binding is forgotten first', () => {
    const binding = new AgentBinding(2);
    binding.claim('agent-1', 'p1');
    binding.claim('agent-2', 'p2');
    binding.claim('agent-1', 'p1'); // agent-1 seen again: agent-2 is now the oldest
    binding.claim('agent-3', 'p3');
    expect(binding.size).toBe(2);
    expect(binding.peerOf('agent-2')).toBeUndefined();
    expect(binding.peerOf('agent-1')).toBe('p1');
    expect(binding.claim('agent-2', 'p9')).toBe(true);
    expect(binding.peerOf('agent-1')).toBeUndefined();
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new AgentBinding(0)).toThrow(RangeError);
    expect(() => new AgentBinding(1.5)).toThrow(RangeError);
  });
});
