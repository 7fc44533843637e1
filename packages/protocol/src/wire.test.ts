import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.js';
import {
  COORDINATION_MESSAGE_TYPES,
  type CoordinationMessage,
  type Envelope,
  type Message,
  type Participant,
  type SlurpEvent,
  type TaskContext,
} from './model.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  decodeEnvelope,
  decodeEnvelopeValue,
  encodeCoordinationMessage,
  encodeEnvelope,
  encodeMessage,
  encodeSlurpEvent,
  encodeTaskContext,
  envelopeToJson,
  parseJson,
  parseMessage,
  parseTaskContext,
} from './wire.js';

const T0 = Date.UTC(2025, 8, 30, 10, 0, 0);
const ISO0 = '2025-09-30T10:00:00Z';

const task42: TaskContext = {
  taskId: 42,
  projectId: 1,
  repository: 'backend-api',
  title: 'Define user authentication API',
  description: 'Create OpenAPI spec for user auth endpoints',
  keywords: ['api', 'authentication', 'openapi'],
  agentId: 'agent-001',
  claimedAt: T0,
};
const task43: TaskContext = {
  taskId: 'FE-43',
  projectId: 'frontend',
  repository: 'frontend-app',
  title: 'Implement authentication endpoint',
  description: '',
  keywords: [],
  agentId: 'agent-002',
};
const participant: Participant = {
  agentId: 'agent-001',
  peerId: '12D3KooWPeer',
  repository: 'backend-api',
  capabilities: ['go', 'openapi'],
  lastSeen: T0 + 1_000,
  active: true,
};
const sections = {
  sequence: ['agent-001 publishes the spec', 'agent-002 implements against it'],
  informationSharing: ['OpenAPI document'],
  coordinationPoints: ['spec review'],
  potentialConflicts: ['breaking field renames'],
  successCriteria: ['contract tests pass'],
};

const messages: Record<string, Message> = {
  task_claim: { type: 'task_claim', task: task42 },
  'task_claim with string ids and no claimed_at': { type: 'task_claim', task: task43 },
  dependency_detected: {
    type: 'dependency_detected',
    dependency: {
      task1: task42,
      task2: task43,
      relationship: 'API_Contract',
      confidence: 0.8,
      reason: 'API definition and implementation dependency',
      detectedAt: T0 + 5,
    },
    coordinationRequest: 'Cross-repository dependency detected...',
    agentsInvolved: ['agent-001', 'agent-002'],
    repositories: ['backend-api', 'frontend-app'],
    hopCount: 1,
    maxHops: 3,
  },
  'dependency_detected with order and evidence': {
    type: 'dependency_detected',
    dependency: {
      task1: task42,
      task2: task43,
      relationship: 'Explicit_Reference',
      confidence: 1,
      reason: 'frontend-app#43 names backend-api#42',
      detectedAt: T0,
      order: 'task1_first',
      evidence: {
        task1Terms: ['authentication', 'api'],
        task2Terms: ['authentication', 'endpoint'],
        references: ['backend-api#42'],
        signals: ['explicit reference backend-api#42'],
      },
    },
    coordinationRequest: '',
    agentsInvolved: [],
    repositories: [],
    hopCount: 0,
    maxHops: 3,
  },
  'coordination_plan with provenance': {
    type: 'coordination_plan',
    sessionId: 's1',
    plan: 'plan text',
    planRevision: 1,
    provenance: {
      planner: 'template',
      failures: [{ planner: 'anthropic', error: 'HTTP 500 from the Messages API' }],
    },
    tasksInvolved: [],
    participants: {},
    message: '',
  },
  'coordination_plan with a cached LLM provenance': {
    type: 'coordination_plan',
    sessionId: 's1',
    plan: 'plan text',
    planRevision: 1,
    provenance: {
      planner: 'anthropic',
      model: 'claude-sonnet-4-5',
      usage: { inputTokens: 812, outputTokens: 455 },
      latencyMs: 1234,
      cached: true,
      failures: [],
    },
    tasksInvolved: [],
    participants: {},
    message: '',
  },
  'coordination_plan without sections': {
    type: 'coordination_plan',
    sessionId: 'dep_1_42_1727692800',
    plan: 'COORDINATION PLAN:\n1. SEQUENCE:\n...',
    planRevision: 1,
    tasksInvolved: [task42, task43],
    participants: { 'agent-001': participant },
    message: 'Coordination plan generated for dependency: API_Contract',
  },
  'coordination_plan with sections': {
    type: 'coordination_plan',
    sessionId: 'dep_1_42_1727692800',
    plan: 'revised plan',
    planRevision: 2,
    sections,
    tasksInvolved: [],
    participants: {},
    message: '',
  },
  coordination_response: {
    type: 'coordination_response',
    sessionId: 's1',
    agentId: 'agent-001',
    response: 'I agree with the proposed sequence.',
    responseType: 'agreement',
    planRevision: 2,
    timestamp: T0 + 300_000,
  },
  'coordination_response without kind or revision': {
    type: 'coordination_response',
    sessionId: 's1',
    agentId: 'agent-001',
    response: 'Sounds good',
    timestamp: T0,
  },
  session_message: {
    type: 'session_message',
    sessionId: 's1',
    fromAgent: 'agent-002',
    content: 'Can we schedule a quick sync to review the API spec?',
    responseType: 'question',
    planRevision: 1,
    timestamp: T0 + 600_000,
  },
  escalation: {
    type: 'escalation',
    sessionId: 's1',
    escalationReason: 'Message limit exceeded - human intervention needed',
    sessionSummary: 'Session s1 (dependency): 2 participants, 12 messages, duration 35m',
    participants: {
      'agent-001': participant,
      'agent-002': { ...participant, agentId: 'agent-002' },
    },
    tasksInvolved: [task42],
    requiresHuman: true,
  },
  resolution: {
    type: 'resolution',
    sessionId: 's1',
    resolution: 'Consensus reached among participants',
    summary: 'Session s1 (dependency): 2 participants, 8 messages, duration 15m',
  },
  coordination_request: {
    type: 'coordination_request',
    sessionType: 'planning',
    agentId: 'agent-003',
    tasks: [task42, task43],
    reason: 'joint release planning',
  },
  escalation_request: {
    type: 'escalation_request',
    sessionId: 's1',
    agentId: 'agent-002',
    reason: 'we are going in circles',
  },
};

function envelopeOf(message: Message, hopCount = 0): Envelope {
  return { from: '12D3KooWSender', timestamp: T0 + 7, hopCount, message };
}

/** The error of a failed parse, failing the test when the parse succeeded. */
function refusal(result: { ok: true } | { ok: false; error: ProtocolError }): ProtocolError {
  if (result.ok) throw new Error('expected the input to be refused');
  expect(result.error).toBeInstanceOf(ProtocolError);
  return result.error;
}

function accepted<T>(result: { ok: true; value: T } | { ok: false; error: ProtocolError }): T {
  if (!result.ok) throw new Error(`expected the input to parse: ${result.error.message}`);
  return result.value;
}

function meta(data: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'meta_discussion', from: 'peer', timestamp: ISO0, data, ...extra });
}

describe('encodeEnvelope → decodeEnvelope', () => {
  it.each(Object.entries(messages))('round-trips %s', (_name, message) => {
    const envelope = envelopeOf(message, 2);
    const bytes = encodeEnvelope(envelope);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(accepted(decodeEnvelope(bytes))).toEqual(envelope);
    // and from a string, and from the parsed value
    const json = new TextDecoder().decode(bytes);
    expect(accepted(decodeEnvelope(json))).toEqual(envelope);
    expect(accepted(decodeEnvelopeValue(JSON.parse(json)))).toEqual(envelope);
  });

  it('writes the CHORUS envelope: task_claim, or meta_discussion with data.message_type', () => {
    const claim = envelopeToJson(envelopeOf(messages.task_claim!));
    expect(claim).toEqual({
      type: 'task_claim',
      from: '12D3KooWSender',
      timestamp: '2025-09-30T10:00:00.007Z',
      hop_count: 0,
      data: {
        task_id: 42,
        project_id: 1,
        repository: 'backend-api',
        title: 'Define user authentication API',
        description: 'Create OpenAPI spec for user auth endpoints',
        keywords: ['api', 'authentication', 'openapi'],
        agent_id: 'agent-001',
        claimed_at: '2025-09-30T10:00:00.000Z',
      },
    });
    expect(claim.data).not.toHaveProperty('message_type');

    const resolution = envelopeToJson(envelopeOf(messages.resolution!));
    expect(resolution.type).toBe('meta_discussion');
    expect(resolution.data).toEqual({
      message_type: 'resolution',
      session_id: 's1',
      resolution: 'Consensus reached among participants',
      summary: 'Session s1 (dependency): 2 participants, 8 messages, duration 15m',
    });
  });

  it('writes snake_case fields for every HMMM message', () => {
    expect(Object.keys(encodeMessage(messages.escalation!)).sort()).toEqual(
      [
        'escalation_reason',
        'message_type',
        'participants',
        'requires_human',
        'session_id',
        'session_summary',
        'tasks_involved',
      ].sort(),
    );
    const plan = encodeMessage(messages['coordination_plan with sections']!);
    expect(plan.sections).toEqual({
      sequence: sections.sequence,
      information_sharing: sections.informationSharing,
      coordination_points: sections.coordinationPoints,
      potential_conflicts: sections.potentialConflicts,
      success_criteria: sections.successCriteria,
    });
    expect(encodeMessage(messages['coordination_plan without sections']!)).not.toHaveProperty(
      'sections',
    );
    const response = encodeMessage(messages['coordination_response without kind or revision']!);
    expect(response).not.toHaveProperty('response_type');
    expect(response).not.toHaveProperty('plan_revision');
    expect(encodeTaskContext(task43)).not.toHaveProperty('claimed_at');
  });

  it('accepts an HMMM type as the envelope type itself', () => {
    const json = envelopeToJson(envelopeOf(messages.resolution!));
    const value = accepted(decodeEnvelopeValue({ ...json, type: 'resolution' }));
    expect(value.message).toEqual(messages.resolution);
  });
});

describe('the reference examples (PubSub Message Types) in a meta_discussion envelope', () => {
  // The JSON of chorus-pkg-coordination.md, with its placeholders (`taskContext1`,
  // `/* participant info */`) filled in with what Go writes.
  const goTask = {
    task_id: 42,
    project_id: 1,
    repository: 'backend-api',
    title: 'Define user authentication API',
    description: 'Create OpenAPI spec for user auth endpoints',
    keywords: ['api', 'authentication', 'openapi'],
    agent_id: 'agent-001',
    claimed_at: '2025-09-30T09:59:00.123456789+02:00',
  };

  it('dependency_detected, whose task summaries lack description and claimed_at', () => {
    const value = accepted(
      decodeEnvelope(
        meta({
          message_type: 'dependency_detected',
          dependency: {
            task1: {
              task_id: 42,
              project_id: 1,
              repository: 'backend-api',
              title: 'Define user authentication API',
              agent_id: 'agent-001',
            },
            task2: {
              task_id: 43,
              project_id: 2,
              repository: 'frontend-app',
              title: 'Implement login page',
              agent_id: 'agent-002',
            },
            relationship: 'API_Contract',
            confidence: 0.8,
            reason: 'API definition and implementation dependency',
            detected_at: '2025-09-30T10:00:00Z',
          },
          coordination_request: 'Cross-repository dependency detected...',
          agents_involved: ['agent-001', 'agent-002'],
          repositories: ['backend-api', 'frontend-app'],
          hop_count: 0,
          max_hops: 3,
        }),
      ),
    );
    expect(value.message).toEqual({
      type: 'dependency_detected',
      dependency: {
        task1: {
          taskId: 42,
          projectId: 1,
          repository: 'backend-api',
          title: 'Define user authentication API',
          description: '',
          keywords: [],
          agentId: 'agent-001',
        },
        task2: {
          taskId: 43,
          projectId: 2,
          repository: 'frontend-app',
          title: 'Implement login page',
          description: '',
          keywords: [],
          agentId: 'agent-002',
        },
        relationship: 'API_Contract',
        confidence: 0.8,
        reason: 'API definition and implementation dependency',
        detectedAt: T0,
      },
      coordinationRequest: 'Cross-repository dependency detected...',
      agentsInvolved: ['agent-001', 'agent-002'],
      repositories: ['backend-api', 'frontend-app'],
      hopCount: 0,
      maxHops: 3,
    });
  });

  it('coordination_plan, whose participants carry only agent_id and repository', () => {
    const value = accepted(
      decodeEnvelope(
        meta({
          message_type: 'coordination_plan',
          session_id: 'dep_1_42_1727692800',
          plan: 'COORDINATION PLAN:\n1. SEQUENCE:\n...',
          tasks_involved: [goTask, { ...goTask, task_id: 43, keywords: null }],
          participants: {
            'agent-001': { agent_id: 'agent-001', repository: 'backend-api' },
            'agent-002': { agent_id: 'agent-002', repository: 'frontend-app' },
          },
          message: 'Coordination plan generated for dependency: API_Contract',
        }),
      ),
    );
    const plan = value.message;
    if (plan.type !== 'coordination_plan') throw new Error(plan.type);
    expect(plan.planRevision).toBe(1);
    expect(plan.sections).toBeUndefined();
    expect(plan.tasksInvolved.map((t) => t.taskId)).toEqual([42, 43]);
    expect(plan.tasksInvolved[0]!.claimedAt).toBe(Date.UTC(2025, 8, 30, 7, 59, 0, 123));
    expect(plan.tasksInvolved[1]!.keywords).toEqual([]);
    expect(plan.participants['agent-002']).toEqual({
      agentId: 'agent-002',
      peerId: '',
      repository: 'frontend-app',
      capabilities: [],
      lastSeen: 0,
      active: true,
    });
    expect(plan.message).toBe('Coordination plan generated for dependency: API_Contract');
  });

  it('coordination_response', () => {
    const value = accepted(
      decodeEnvelope(
        meta({
          message_type: 'coordination_response',
          session_id: 'dep_1_42_1727692800',
          agent_id: 'agent-001',
          response: 'I agree with the proposed sequence. API spec will be ready by EOD.',
          timestamp: '2025-09-30T10:05:00Z',
        }),
      ),
    );
    expect(value.message).toEqual({
      type: 'coordination_response',
      sessionId: 'dep_1_42_1727692800',
      agentId: 'agent-001',
      response: 'I agree with the proposed sequence. API spec will be ready by EOD.',
      timestamp: T0 + 300_000,
    });
  });

  it('session_message', () => {
    const value = accepted(
      decodeEnvelope(
        meta({
          message_type: 'session_message',
          session_id: 'dep_1_42_1727692800',
          from_agent: 'agent-002',
          content: 'Can we schedule a quick sync to review the API spec?',
          timestamp: '2025-09-30T10:10:00Z',
        }),
      ),
    );
    expect(value.message).toEqual({
      type: 'session_message',
      sessionId: 'dep_1_42_1727692800',
      fromAgent: 'agent-002',
      content: 'Can we schedule a quick sync to review the API spec?',
      timestamp: T0 + 600_000,
    });
  });

  it('escalation', () => {
    const value = accepted(
      decodeEnvelope(
        meta({
          message_type: 'escalation',
          session_id: 'dep_1_42_1727692800',
          escalation_reason: 'Message limit exceeded - human intervention needed',
          session_summary:
            'Session dep_1_42_1727692800 (dependency): 2 participants, 12 messages, duration 35m',
          participants: {
            'agent-001': {
              agent_id: 'agent-001',
              peer_id: '12D3KooWPeer',
              repository: 'backend-api',
              capabilities: null,
              last_seen: '2025-09-30T10:00:00Z',
              active: false,
            },
          },
          tasks_involved: [goTask],
          requires_human: true,
        }),
      ),
    );
    const escalation = value.message;
    if (escalation.type !== 'escalation') throw new Error(escalation.type);
    expect(escalation.escalationReason).toBe('Message limit exceeded - human intervention needed');
    expect(escalation.requiresHuman).toBe(true);
    expect(escalation.participants['agent-001']).toEqual({
      agentId: 'agent-001',
      peerId: '12D3KooWPeer',
      repository: 'backend-api',
      capabilities: [],
      lastSeen: T0,
      active: false,
    });
    expect(escalation.tasksInvolved).toHaveLength(1);
  });

  it('escalation with only the required fields gets the defaults', () => {
    const value = accepted(
      decodeEnvelope(meta({ message_type: 'escalation', session_id: 's', escalation_reason: 'r' })),
    );
    expect(value.message).toEqual({
      type: 'escalation',
      sessionId: 's',
      escalationReason: 'r',
      sessionSummary: '',
      participants: {},
      tasksInvolved: [],
      requiresHuman: true,
    });
  });

  it('resolution', () => {
    const value = accepted(
      decodeEnvelope(
        meta({
          message_type: 'resolution',
          session_id: 'dep_1_42_1727692800',
          resolution: 'Consensus reached among participants',
          summary:
            'Session dep_1_42_1727692800 (dependency): 2 participants, 8 messages, duration 15m',
        }),
      ),
    );
    expect(value.message).toEqual({
      type: 'resolution',
      sessionId: 'dep_1_42_1727692800',
      resolution: 'Consensus reached among participants',
      summary: 'Session dep_1_42_1727692800 (dependency): 2 participants, 8 messages, duration 15m',
    });
  });
});

describe('what Go agents write', () => {
  const claim = {
    task_id: 42,
    project_id: 1,
    repository: 'backend-api',
    title: 'Define user authentication API',
    agent_id: 'agent-001',
  };

  it('reads a timestamp with nanoseconds and a zone offset', () => {
    const value = accepted(
      decodeEnvelope(
        JSON.stringify({
          type: 'task_claim',
          from: 'peer',
          timestamp: '2025-07-17T10:00:00.123456789+10:00',
          data: { ...claim, claimed_at: '2025-07-17T10:00:00.987654321-02:00' },
        }),
      ),
    );
    expect(value.timestamp).toBe(Date.UTC(2025, 6, 17, 0, 0, 0, 123));
    if (value.message.type !== 'task_claim') throw new Error(value.message.type);
    expect(value.message.task.claimedAt).toBe(Date.UTC(2025, 6, 17, 12, 0, 0, 987));
  });

  it('reads an envelope without hop_count (omitempty) as hop 0, and without from', () => {
    const value = accepted(
      decodeEnvelope(JSON.stringify({ type: 'task_claim', timestamp: ISO0, data: claim })),
    );
    expect(value.hopCount).toBe(0);
    expect(value.from).toBe('');
  });

  it('reads the bzzz task claim, taking the repository from github_url', () => {
    const value = accepted(
      decodeEnvelope(
        JSON.stringify({
          type: 'task_claim',
          from: 'peer',
          timestamp: ISO0,
          data: {
            task_id: 17,
            task_title: 'Add login endpoint',
            task_type: 'feature',
            agent_id: 'bzzz-agent-7',
            claimed_at: 1_759_226_400,
            github_url: 'https://github.com/acme/backend-api/issues/17',
          },
        }),
      ),
    );
    expect(value.message).toEqual({
      type: 'task_claim',
      task: {
        taskId: 17,
        projectId: 'acme/backend-api',
        repository: 'acme/backend-api',
        title: 'Add login endpoint',
        description: '',
        keywords: ['feature'],
        agentId: 'bzzz-agent-7',
        claimedAt: T0,
      },
    });
  });

  it.each([
    ['https://github.com/acme/api.git', 'acme/api'],
    ['https://github.com/acme/api', 'acme/api'],
    ['http://git.example.test/team/svc?tab=issues', 'team/svc'],
    ['not a url', 'not a url'],
  ])('bzzz github_url %s gives the repository %s', (url, repository) => {
    const task = accepted(
      parseTaskContext({ task_id: 1, task_title: 't', agent_id: 'a', github_url: url }),
    );
    expect(task.repository).toBe(repository);
    expect(task.keywords).toEqual([]);
    expect(task.claimedAt).toBeUndefined();
  });

  it('keeps a bzzz project_id and fractional unix seconds', () => {
    const task = accepted(
      parseTaskContext({
        task_id: '17',
        task_title: 't',
        agent_id: 'a',
        github_url: 'https://github.com/acme/api/issues/17',
        project_id: 9,
        claimed_at: 1_759_226_400.25,
      }),
    );
    expect(task.projectId).toBe(9);
    expect(task.taskId).toBe('17');
    expect(task.claimedAt).toBe(T0 + 250);
  });

  it('prefers the TaskContext shape when repository is present', () => {
    const task = accepted(
      parseTaskContext({ ...claim, github_url: 'https://github.com/other/repo/issues/1' }),
    );
    expect(task.repository).toBe('backend-api');
  });

  it.each([
    [42, 1],
    ['42', '1'],
    ['PROJ-42', 'b3c5a0de-4a8e-4b59-9d51-8a7c8a4c7a10'],
    [0, 0],
    [Number.MAX_SAFE_INTEGER, 7],
  ])('accepts task_id %j and project_id %j as they are', (taskId, projectId) => {
    const task = accepted(parseTaskContext({ ...claim, task_id: taskId, project_id: projectId }));
    expect(task.taskId).toBe(taskId);
    expect(task.projectId).toBe(projectId);
  });

  it.each([-1, 1.5, Number.MAX_SAFE_INTEGER + 1, '', true, null, [1], { id: 1 }])(
    'refuses task_id %j',
    (taskId) => {
      const error = refusal(parseTaskContext({ ...claim, task_id: taskId }));
      expect(error.reason).toBe('invalid_message');
      expect(error.message).toContain('task_id');
    },
  );

  it('keeps claimed_at absent when it was absent, and reads unix seconds', () => {
    expect(accepted(parseTaskContext(claim))).not.toHaveProperty('claimedAt');
    expect(accepted(parseTaskContext({ ...claim, claimed_at: 0 })).claimedAt).toBe(0);
  });

  it('reads unix seconds up to the end of year 9999 and no further', () => {
    const last = accepted(parseTaskContext({ ...claim, claimed_at: 253_402_300_799 }));
    expect(last.claimedAt).toBe(Date.UTC(9999, 11, 31, 23, 59, 59));
    const error = refusal(parseTaskContext({ ...claim, claimed_at: 253_402_300_800 }));
    expect(error.reason).toBe('invalid_message');
    expect(error.message).toContain('claimed_at');
  });
});

describe('refusals', () => {
  const good = encodeEnvelope(envelopeOf(messages.resolution!));
  const goodJson = JSON.parse(new TextDecoder().decode(good)) as {
    data: Record<string, unknown>;
  } & Record<string, unknown>;

  it('refuses a payload over 64 KiB by default, before parsing it', () => {
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(65_536);
    const padding = 'x'.repeat(DEFAULT_MAX_MESSAGE_BYTES);
    const big = meta({ message_type: 'resolution', session_id: 's', resolution: padding });
    const error = refusal(decodeEnvelope(big));
    expect(error.reason).toBe('too_large');
    expect(error.code).toBe('PROTOCOL_TOO_LARGE');
    // also when it is not even JSON: the size is checked first
    expect(refusal(decodeEnvelope(`{${padding}`)).reason).toBe('too_large');
    expect(refusal(decodeEnvelope(new Uint8Array(DEFAULT_MAX_MESSAGE_BYTES + 1))).reason).toBe(
      'too_large',
    );
  });

  it('counts bytes, not characters, against the limit', () => {
    // 30 000 three-byte characters are 90 000 bytes
    const text = meta({
      message_type: 'resolution',
      session_id: 's',
      resolution: '€'.repeat(30_000),
    });
    expect(text.length).toBeLessThan(DEFAULT_MAX_MESSAGE_BYTES);
    expect(refusal(decodeEnvelope(text)).reason).toBe('too_large');
  });

  it('takes a custom maxBytes, exactly at the boundary', () => {
    expect(accepted(decodeEnvelope(good, { maxBytes: good.byteLength })).message).toEqual(
      messages.resolution,
    );
    const error = refusal(decodeEnvelope(good, { maxBytes: good.byteLength - 1 }));
    expect(error.reason).toBe('too_large');
    expect(error.message).toContain(`${good.byteLength} bytes`);
    // a larger limit lets a payload above the default through
    const big = encodeEnvelope(
      envelopeOf({
        type: 'resolution',
        sessionId: 's',
        resolution: 'r',
        summary: 'y'.repeat(3_000),
      }),
    );
    expect(accepted(decodeEnvelope(big, { maxBytes: big.byteLength })).message.type).toBe(
      'resolution',
    );
    expect(refusal(decodeEnvelope(big, { maxBytes: 1_000 })).reason).toBe('too_large');
  });

  it.each([
    '',
    'not json',
    '{',
    '{"type":',
    "{'type':'task_claim'}",
    'undefined',
    'NaN',
    '{"a":1}x',
  ])('refuses non-JSON %j', (raw) => {
    expect(refusal(decodeEnvelope(raw)).reason).toBe('not_json');
  });

  it('refuses bytes that are not UTF-8', () => {
    const bytes = Uint8Array.from([
      ...new TextEncoder().encode('{"type":"'),
      0xff,
      0xfe,
      0x22,
      0x7d,
    ]);
    const error = refusal(decodeEnvelope(bytes));
    expect(error.reason).toBe('not_json');
    expect(error.message).toContain('UTF-8');
    // an overlong encoding of "/" and a lone continuation byte
    expect(refusal(decodeEnvelope(Uint8Array.from([0xc0, 0xaf]))).reason).toBe('not_json');
    expect(refusal(decodeEnvelope(Uint8Array.from([0x80]))).reason).toBe('not_json');
  });

  it.each([
    ['null', null],
    ['a number', 42],
    ['a string', 'task_claim'],
    ['an array', [goodJson]],
    ['no type', { ...goodJson, type: undefined }],
    ['an empty type', { ...goodJson, type: '' }],
    ['a numeric type', { ...goodJson, type: 7 }],
    ['no timestamp', { ...goodJson, timestamp: undefined }],
    ['a bad timestamp', { ...goodJson, timestamp: 'yesterday' }],
    ['a negative unix timestamp', { ...goodJson, timestamp: -1 }],
    ['an impossible date', { ...goodJson, timestamp: '2025-02-30T10:00:00Z' }],
    ['no data', { ...goodJson, data: undefined }],
    ['data as an array', { ...goodJson, data: [] }],
    ['data as a string', { ...goodJson, data: 'x' }],
    ['a numeric from', { ...goodJson, from: 5 }],
    ['a negative hop_count', { ...goodJson, hop_count: -1 }],
    ['a fractional hop_count', { ...goodJson, hop_count: 0.5 }],
    ['a string hop_count', { ...goodJson, hop_count: '1' }],
  ])('refuses an envelope with %s as invalid_envelope', (_name, value) => {
    expect(refusal(decodeEnvelopeValue(value)).reason).toBe('invalid_envelope');
    const raw = JSON.stringify(value);
    if (raw !== undefined) expect(refusal(decodeEnvelope(raw)).reason).toBe('invalid_envelope');
  });

  it('names the field that was wrong', () => {
    const error = refusal(decodeEnvelopeValue({ ...goodJson, hop_count: -1 }));
    expect(error.message).toContain('hop_count');
  });

  it.each([
    ['task_announcement', { type: 'task_announcement', data: { task_id: 1 } }],
    ['task_help_request', { type: 'task_help_request', data: {} }],
    [
      'meta_discussion without message_type',
      { type: 'meta_discussion', data: { session_id: 's' } },
    ],
    [
      'an unknown data.message_type',
      { type: 'meta_discussion', data: { message_type: 'consensus_vote', session_id: 's' } },
    ],
    [
      'a task_claim smuggled in meta_discussion',
      {
        type: 'meta_discussion',
        data: { message_type: 'task_claim', ...encodeTaskContext(task42) },
      },
    ],
  ])('refuses %s as unknown_type', (_name, partial) => {
    const error = refusal(decodeEnvelopeValue({ from: 'p', timestamp: ISO0, ...partial }));
    expect(error.reason).toBe('unknown_type');
    expect(error.code).toBe('PROTOCOL_UNKNOWN_TYPE');
  });

  it('refuses a message_type that is not a string', () => {
    const error = refusal(
      decodeEnvelopeValue({ ...goodJson, data: { ...goodJson.data, message_type: 3 } }),
    );
    expect(error.reason).toBe('invalid_message');
  });

  it('refuses an unknown type in parseMessage with a truncated name', () => {
    const error = refusal(parseMessage('x'.repeat(5_000), {}));
    expect(error.reason).toBe('unknown_type');
    expect(error.message.length).toBeLessThan(200);
  });

  const invalid: [string, string, Record<string, unknown>][] = [
    ['task_claim', 'no agent_id', { ...encodeTaskContext(task42), agent_id: undefined }],
    ['task_claim', 'an empty repository', { ...encodeTaskContext(task42), repository: '' }],
    ['task_claim', 'a numeric title', { ...encodeTaskContext(task42), title: 42 }],
    ['task_claim', 'keywords as a string', { ...encodeTaskContext(task42), keywords: 'api' }],
    ['task_claim', 'a bad claimed_at', { ...encodeTaskContext(task42), claimed_at: 'now' }],
    [
      'task_claim',
      'a claimed_at no Date can hold',
      { ...encodeTaskContext(task42), claimed_at: 1e300 },
    ],
    ['task_claim', 'a huge title', { ...encodeTaskContext(task42), title: 't'.repeat(1_001) }],
    [
      'task_claim',
      'a bzzz claim without task_title',
      { task_id: 1, agent_id: 'a', github_url: 'u' },
    ],
    ['dependency_detected', 'no dependency', { hop_count: 0 }],
    [
      'dependency_detected',
      'a confidence above 1',
      {
        dependency: {
          task1: encodeTaskContext(task42),
          task2: encodeTaskContext(task43),
          relationship: 'API_Contract',
          confidence: 1.5,
          reason: 'r',
          detected_at: ISO0,
        },
      },
    ],
    ['dependency_detected', 'a negative hop_count', { hop_count: -1 }],
    ['coordination_plan', 'no session_id', { plan: 'p' }],
    ['coordination_plan', 'plan_revision 0', { session_id: 's', plan: 'p', plan_revision: 0 }],
    [
      'coordination_plan',
      'incomplete sections',
      { session_id: 's', plan: 'p', sections: { sequence: ['a'] } },
    ],
    [
      'coordination_plan',
      'a participant without agent_id',
      { session_id: 's', plan: 'p', participants: { a: { repository: 'r' } } },
    ],
    ['coordination_response', 'no response', { session_id: 's', agent_id: 'a' }],
    [
      'coordination_response',
      'an unknown response_type',
      { session_id: 's', agent_id: 'a', response: 'ok', response_type: 'veto' },
    ],
    ['session_message', 'an empty from_agent', { session_id: 's', from_agent: '', content: 'c' }],
    [
      'escalation',
      'requires_human as a string',
      { session_id: 's', escalation_reason: 'r', requires_human: 'yes' },
    ],
    ['resolution', 'no resolution', { session_id: 's' }],
    [
      'coordination_request',
      'an unknown session_type',
      { session_type: 'dependency', agent_id: 'a', tasks: [encodeTaskContext(task42)] },
    ],
    ['coordination_request', 'no tasks', { session_type: 'planning', agent_id: 'a', tasks: [] }],
    ['escalation_request', 'no agent_id', { session_id: 's' }],
  ];
  it.each(invalid)('refuses %s with %s as invalid_message', (type, _name, data) => {
    const envelope =
      type === 'task_claim'
        ? { type, data }
        : { type: 'meta_discussion', data: { message_type: type, ...data } };
    const error = refusal(decodeEnvelopeValue({ from: 'p', timestamp: ISO0, ...envelope }));
    expect(error.reason).toBe('invalid_message');
    expect(error.message.startsWith(`${type}:`)).toBe(true);
    expect(refusal(parseMessage(type, data)).reason).toBe('invalid_message');
  });

  it('accepts every coordination message kind as response_type', () => {
    for (const kind of COORDINATION_MESSAGE_TYPES) {
      const message = accepted(
        parseMessage('session_message', {
          session_id: 's',
          from_agent: 'a',
          content: 'c',
          response_type: kind,
        }),
      );
      expect(message).toMatchObject({ responseType: kind });
    }
  });
});

describe('prototype-polluting keys and nesting', () => {
  const keys = ['__proto__', 'constructor', 'prototype'];

  it.each(keys)('refuses %s at the top level, in data and deep inside data', (key) => {
    const top = `{"type":"task_claim","timestamp":"${ISO0}","data":{},"${key}":{"polluted":true}}`;
    expect(refusal(decodeEnvelope(top)).reason).toBe('forbidden_key');
    const inData = meta({ message_type: 'resolution', session_id: 's', resolution: 'r' }).replace(
      '"session_id"',
      `"${key}":{"polluted":true},"session_id"`,
    );
    expect(refusal(decodeEnvelope(inData)).reason).toBe('forbidden_key');
    const nested = `{"type":"meta_discussion","timestamp":"${ISO0}","data":{"message_type":"coordination_plan","session_id":"s","plan":"p","participants":{"a":{"agent_id":"a","capabilities":[{"${key}":{"polluted":true}}]}}}}`;
    const error = refusal(decodeEnvelope(nested));
    expect(error.reason).toBe('forbidden_key');
    expect(error.message).toContain(key);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(keys)(
    'refuses %s as a participants key in a value parsed with plain JSON.parse',
    (key) => {
      const value = JSON.parse(
        `{"type":"meta_discussion","timestamp":"${ISO0}","data":{"message_type":"coordination_plan","session_id":"s","plan":"p","participants":{"${key}":{"agent_id":"evil"}}}}`,
      );
      expect(refusal(decodeEnvelopeValue(value)).reason).toBe('forbidden_key');
      expect(refusal(parseMessage('coordination_plan', value.data)).reason).toBe('forbidden_key');
    },
  );

  it('refuses forbidden keys in parseTaskContext and parseJson', () => {
    const value = JSON.parse(
      `{"task_id":1,"project_id":1,"repository":"r","title":"t","agent_id":"a","__proto__":{"x":1}}`,
    );
    expect(refusal(parseTaskContext(value)).reason).toBe('forbidden_key');
    expect(refusal(parseJson('[{"constructor":{"prototype":{}}}]')).reason).toBe('forbidden_key');
  });

  it('allows the words as values and inside longer keys', () => {
    const value = accepted(
      decodeEnvelope(
        meta({
          message_type: 'resolution',
          session_id: '__proto__',
          resolution: 'constructor',
          summary: 'prototype',
          constructor_name: 'x',
        }),
      ),
    );
    expect(value.message).toEqual({
      type: 'resolution',
      sessionId: '__proto__',
      resolution: 'constructor',
      summary: 'prototype',
    });
  });

  it('accepts 32 levels of nesting and refuses 33', () => {
    const nest = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    expect(accepted(parseJson(nest(32)))).toBeInstanceOf(Array);
    const error = refusal(parseJson(nest(33)));
    expect(error.reason).toBe('invalid_envelope');
    expect(error.message).toContain('nested deeper');
  });

  it('refuses absurd nesting without overflowing the stack', () => {
    for (const raw of [
      `${'['.repeat(30_000)}${']'.repeat(30_000)}`,
      `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
    ]) {
      const error = refusal(decodeEnvelope(raw));
      expect(error.reason).toBe('invalid_envelope');
      expect(error.message).toContain('nested deeper');
    }
    const deep = JSON.parse(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`);
    expect(
      refusal(decodeEnvelopeValue({ type: 'task_claim', timestamp: ISO0, data: deep })).reason,
    ).toBe('invalid_envelope');
  });

  it('refuses deep nesting inside data', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = [deep];
    const raw = meta({ message_type: 'resolution', session_id: 's', resolution: 'r', extra: deep });
    expect(refusal(decodeEnvelope(raw)).reason).toBe('invalid_envelope');
  });
});

describe('parseJson', () => {
  it('returns the parsed value', () => {
    expect(accepted(parseJson('{"a":[1,"two",null,true]}'))).toEqual({ a: [1, 'two', null, true] });
    expect(accepted(parseJson(new TextEncoder().encode('"héllo €"')))).toBe('héllo €');
  });
});

describe('parseTaskContext', () => {
  it('reads a snake_case TaskContext line as a task file holds it', () => {
    expect(accepted(parseTaskContext(encodeTaskContext(task42)))).toEqual(task42);
    expect(accepted(parseTaskContext(encodeTaskContext(task43)))).toEqual(task43);
  });

  it.each([null, 'task', 42, [], {}])('refuses %j', (value) => {
    expect(refusal(parseTaskContext(value)).reason).toBe('invalid_message');
  });
});

describe('encodeCoordinationMessage and encodeSlurpEvent', () => {
  const message: CoordinationMessage = {
    messageId: 'm1',
    fromAgentId: 'agent-001',
    fromPeerId: 'peer-1',
    content: 'I agree',
    messageType: 'agreement',
    timestamp: T0,
    planRevision: 1,
    metadata: { via: 'test' },
  };

  it('writes a CoordinationMessage in snake_case', () => {
    expect(encodeCoordinationMessage(message)).toEqual({
      message_id: 'm1',
      from_agent_id: 'agent-001',
      from_peer_id: 'peer-1',
      content: 'I agree',
      message_type: 'agreement',
      timestamp: '2025-09-30T10:00:00.000Z',
      plan_revision: 1,
      metadata: { via: 'test' },
    });
    const { planRevision: _, ...withoutRevision } = message;
    expect(encodeCoordinationMessage(withoutRevision)).not.toHaveProperty('plan_revision');
  });

  it('writes a SLURP event as CHORUS HmmmDiscussionContext, keeping extra metadata', () => {
    const event: SlurpEvent = {
      discussionId: 'd1',
      sessionId: 's1',
      participants: ['agent-001', 'agent-002'],
      startTime: T0,
      endTime: T0 + 60_000,
      messages: [message],
      consensusReached: true,
      consensusStrength: 0.9,
      outcomeType: 'resolved',
      projectPath: 'backend-api',
      relatedTasks: ['backend-api#42'],
      metadata: {
        sessionType: 'dependency',
        sessionStatus: 'resolved',
        resolution: 'Consensus reached among participants',
        escalationReason: '',
        messageCount: 3,
        participantCount: 2,
        relationship: 'API_Contract',
      },
    };
    expect(encodeSlurpEvent(event)).toEqual({
      discussion_id: 'd1',
      session_id: 's1',
      participants: ['agent-001', 'agent-002'],
      start_time: '2025-09-30T10:00:00.000Z',
      end_time: '2025-09-30T10:01:00.000Z',
      messages: [encodeCoordinationMessage(message)],
      consensus_reached: true,
      consensus_strength: 0.9,
      outcome_type: 'resolved',
      project_path: 'backend-api',
      related_tasks: ['backend-api#42'],
      metadata: {
        session_type: 'dependency',
        session_status: 'resolved',
        resolution: 'Consensus reached among participants',
        escalation_reason: '',
        message_count: 3,
        participant_count: 2,
        relationship: 'API_Contract',
      },
    });
  });
});
