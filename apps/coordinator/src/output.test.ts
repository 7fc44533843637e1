import type { Envelope, TaskContext } from '@chorale/protocol';
import { describe, expect, it } from 'vitest';
import { describeProvenance, envelopeEvent, prettyEnvelope } from './output.js';

const task: TaskContext = {
  taskId: 42,
  projectId: 1,
  repository: 'backend-api',
  title: 'Define user authentication API',
  description: 'OpenAPI spec',
  keywords: ['api'],
  agentId: 'agent-001',
  claimedAt: Date.parse('2025-09-30T10:00:00Z'),
};

const at = Date.parse('2025-09-30T10:05:00.250Z');
const envelope = (message: Envelope['message']): Envelope => ({
  from: '12D3KooWpeer',
  timestamp: at,
  hopCount: 0,
  message,
});

describe('envelopeEvent', () => {
  it('task_claim: event, from, RFC 3339 timestamp, then the TaskContext in snake_case', () => {
    expect(envelopeEvent(envelope({ type: 'task_claim', task }))).toEqual({
      event: 'task_claim',
      from: '12D3KooWpeer',
      timestamp: '2025-09-30T10:05:00.250Z',
      task_id: 42,
      project_id: 1,
      repository: 'backend-api',
      title: 'Define user authentication API',
      description: 'OpenAPI spec',
      keywords: ['api'],
      agent_id: 'agent-001',
      claimed_at: '2025-09-30T10:00:00.000Z',
    });
  });

  it('escalation: the CHORUS data fields, no message_type (the event names it)', () => {
    const event = envelopeEvent(
      envelope({
        type: 'escalation',
        sessionId: 'dep_1_42_1',
        escalationReason: 'Message limit exceeded - human intervention needed',
        sessionSummary: 'Session dep_1_42_1 (dependency): 2 participants, 10 messages',
        participants: {},
        tasksInvolved: [task],
        requiresHuman: true,
      }),
    );
    expect(event).toMatchObject({
      event: 'escalation',
      session_id: 'dep_1_42_1',
      escalation_reason: 'Message limit exceeded - human intervention needed',
      requires_human: true,
      tasks_involved: [expect.objectContaining({ task_id: 42, agent_id: 'agent-001' })],
    });
    expect(event).not.toHaveProperty('message_type');
    expect(Object.keys(event).slice(0, 3)).toEqual(['event', 'from', 'timestamp']);
  });

  it("coordination_response: the response's own timestamp is the event's, with response_type", () => {
    const event = envelopeEvent(
      envelope({
        type: 'coordination_response',
        sessionId: 's1',
        agentId: 'agent-002',
        response: 'Sounds good',
        responseType: 'agreement',
        timestamp: Date.parse('2025-09-30T10:06:00Z'),
      }),
    );
    expect(event).toMatchObject({
      event: 'coordination_response',
      from: '12D3KooWpeer',
      session_id: 's1',
      agent_id: 'agent-002',
      response: 'Sounds good',
      response_type: 'agreement',
    });
    // the message's own time wins over the envelope's: it is when the agent said it
    expect(event.timestamp).toBe('2025-09-30T10:06:00.000Z');
  });

  it('is JSON: a round trip through JSON.stringify changes nothing', () => {
    const event = envelopeEvent(
      envelope({ type: 'resolution', sessionId: 's1', resolution: 'Consensus', summary: 'ok' }),
    );
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
    expect(event).toEqual({
      event: 'resolution',
      from: '12D3KooWpeer',
      timestamp: '2025-09-30T10:05:00.250Z',
      session_id: 's1',
      resolution: 'Consensus',
      summary: 'ok',
    });
  });
});

describe('prettyEnvelope', () => {
  it('one readable line for a claim, naming the agent and the task', () => {
    const line = prettyEnvelope(envelope({ type: 'task_claim', task }));
    expect(line).toContain('agent-001');
    expect(line).toContain('backend-api#42');
    expect(line).toContain('"Define user authentication API"');
    expect(line).not.toContain('\n');
  });
});

describe('describeProvenance', () => {
  it('names the planner, its model, tokens and latency, and why the planners before it failed', () => {
    expect(
      describeProvenance({
        planner: 'anthropic',
        model: 'claude-x',
        usage: { inputTokens: 1200, outputTokens: 300 },
        latencyMs: 2_140,
        failures: [],
      }),
    ).toBe('by anthropic (claude-x, 1200+300 tokens, 2.1 s)');
    expect(
      describeProvenance({
        planner: 'template',
        latencyMs: 3,
        failures: [
          { planner: 'anthropic', error: 'the Anthropic API answered 500' },
          { planner: 'ollama', error: 'token budget spent' },
        ],
      }),
    ).toBe(
      'by template (3 ms); anthropic failed: the Anthropic API answered 500; ollama failed: token budget spent',
    );
    expect(
      describeProvenance({ planner: 'anthropic', cached: true, latencyMs: 0, failures: [] }),
    ).toBe('by anthropic (cached)');
  });
});
