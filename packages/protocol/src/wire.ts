import { z } from 'zod';
import { type ParseResult, ProtocolError } from './errors.js';
import {
  COORDINATION_MESSAGE_TYPES,
  type CoordinationMessage,
  type Envelope,
  HMMM_MESSAGE_TYPES,
  type HmmmMessage,
  type Message,
  type Participant,
  type PlanProvenance,
  type PlanSections,
  type SlurpEvent,
  type TaskContext,
  type TaskDependency,
} from './model.js';
import { formatRfc3339, MAX_RFC3339_MS, parseRfc3339 } from './time.js';

// ---------------------------------------------------------------------------------------------
// Field schemas

const text = (max: number) => z.string().max(max);
const id = z.string().min(1).max(256);
const taskId = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), id], {
  error: (issue) =>
    issue.input === undefined
      ? 'required'
      : 'expected a non-negative integer or a non-empty string',
});

const rfc3339 = z.string().transform((value, ctx) => {
  const ms = parseRfc3339(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected an RFC 3339 timestamp, got "${value}"` });
    return z.NEVER;
  }
  return ms;
});
/** The last second of year 9999: later times could not be written as RFC 3339 again. */
const MAX_UNIX_SECONDS = Math.floor(MAX_RFC3339_MS / 1000);
/** RFC 3339, or unix seconds as the bzzz agents write `claimed_at`. */
const timestamp = z.union([
  rfc3339,
  z
    .number()
    .nonnegative()
    .max(MAX_UNIX_SECONDS)
    .transform((s) => Math.round(s * 1000)),
]);
const hopCount = z.number().int().nonnegative().max(1_000_000);
const messageKind = z.enum(COORDINATION_MESSAGE_TYPES);

const taskContextWire = z
  .object({
    task_id: taskId,
    project_id: taskId,
    repository: text(512).min(1),
    title: text(1_000),
    description: text(32_000).default(''),
    keywords: z.array(text(200)).max(200).nullish(),
    agent_id: id,
    claimed_at: timestamp.optional(),
  })
  .transform(
    (w): TaskContext => ({
      taskId: w.task_id,
      projectId: w.project_id,
      repository: w.repository,
      title: w.title,
      description: w.description,
      keywords: w.keywords ?? [],
      agentId: w.agent_id,
      ...(w.claimed_at === undefined ? {} : { claimedAt: w.claimed_at }),
    }),
  );

/** `owner/repo` from a GitHub (or any forge) URL, or the URL itself. */
function repositoryFromUrl(url: string): string {
  const match = /^[a-z]+:\/\/[^/]+\/([^/]+\/[^/#?]+)/i.exec(url);
  return match?.[1]?.replace(/\.git$/, '') ?? url;
}

/** The task claim of the bzzz agents: `{task_id, task_title, task_type, agent_id, claimed_at, github_url}`. */
const bzzzClaimWire = z
  .object({
    task_id: taskId,
    task_title: text(1_000),
    task_type: text(200).optional(),
    agent_id: id,
    claimed_at: timestamp.optional(),
    github_url: text(2_000).min(1),
    project_id: taskId.optional(),
  })
  .transform((w): TaskContext => {
    const repository = repositoryFromUrl(w.github_url);
    return {
      taskId: w.task_id,
      projectId: w.project_id ?? repository,
      repository,
      title: w.task_title,
      description: '',
      keywords: w.task_type ? [w.task_type] : [],
      agentId: w.agent_id,
      ...(w.claimed_at === undefined ? {} : { claimedAt: w.claimed_at }),
    };
  });

const participantWire = z
  .object({
    agent_id: id,
    peer_id: text(256).default(''),
    repository: text(512).default(''),
    capabilities: z.array(text(200)).max(100).nullish(),
    last_seen: timestamp.optional(),
    active: z.boolean().default(true),
  })
  .transform(
    (w): Participant => ({
      agentId: w.agent_id,
      peerId: w.peer_id,
      repository: w.repository,
      capabilities: w.capabilities ?? [],
      lastSeen: w.last_seen ?? 0,
      active: w.active,
    }),
  );
const participants = z.record(id, participantWire).refine((r) => Object.keys(r).length <= 1_000);

const dependencyWire = z
  .object({
    task1: taskContextWire,
    task2: taskContextWire,
    relationship: text(200).min(1),
    confidence: z.number().min(0).max(1),
    reason: text(2_000),
    detected_at: timestamp,
    order: z.enum(['task1_first', 'either']).optional(),
    evidence: z
      .object({
        task1_terms: z.array(text(200)).max(100).default([]),
        task2_terms: z.array(text(200)).max(100).default([]),
        references: z.array(text(500)).max(100).default([]),
        signals: z.array(text(500)).max(100).default([]),
      })
      .optional(),
  })
  .transform(
    (w): TaskDependency => ({
      task1: w.task1,
      task2: w.task2,
      relationship: w.relationship,
      confidence: w.confidence,
      reason: w.reason,
      detectedAt: w.detected_at,
      ...(w.order ? { order: w.order } : {}),
      ...(w.evidence
        ? {
            evidence: {
              task1Terms: w.evidence.task1_terms,
              task2Terms: w.evidence.task2_terms,
              references: w.evidence.references,
              signals: w.evidence.signals,
            },
          }
        : {}),
    }),
  );

const provenanceWire = z
  .object({
    planner: text(200).min(1),
    model: text(200).optional(),
    usage: z
      .object({
        input_tokens: z.number().int().nonnegative(),
        output_tokens: z.number().int().nonnegative(),
      })
      .optional(),
    latency_ms: z.number().nonnegative().optional(),
    cached: z.boolean().optional(),
    failures: z
      .array(z.object({ planner: text(200), error: text(2_000) }))
      .max(20)
      .default([]),
  })
  .transform(
    (w): PlanProvenance => ({
      planner: w.planner,
      ...(w.model === undefined ? {} : { model: w.model }),
      ...(w.usage
        ? { usage: { inputTokens: w.usage.input_tokens, outputTokens: w.usage.output_tokens } }
        : {}),
      ...(w.latency_ms === undefined ? {} : { latencyMs: w.latency_ms }),
      ...(w.cached === undefined ? {} : { cached: w.cached }),
      failures: w.failures,
    }),
  );

const sectionsWire = z
  .object({
    sequence: z.array(text(2_000)),
    information_sharing: z.array(text(2_000)),
    coordination_points: z.array(text(2_000)),
    potential_conflicts: z.array(text(2_000)),
    success_criteria: z.array(text(2_000)),
  })
  .transform(
    (w): PlanSections => ({
      sequence: w.sequence,
      informationSharing: w.information_sharing,
      coordinationPoints: w.coordination_points,
      potentialConflicts: w.potential_conflicts,
      successCriteria: w.success_criteria,
    }),
  );

// ---------------------------------------------------------------------------------------------
// HMMM messages (the `data` of a `meta_discussion` envelope)

const hmmmSchemas = {
  dependency_detected: z
    .object({
      dependency: dependencyWire,
      coordination_request: text(4_000).default(''),
      agents_involved: z.array(id).max(100).default([]),
      repositories: z.array(text(512)).max(100).default([]),
      hop_count: hopCount.default(0),
      max_hops: hopCount.default(3),
    })
    .transform(
      (w): HmmmMessage => ({
        type: 'dependency_detected',
        dependency: w.dependency,
        coordinationRequest: w.coordination_request,
        agentsInvolved: w.agents_involved,
        repositories: w.repositories,
        hopCount: w.hop_count,
        maxHops: w.max_hops,
      }),
    ),
  coordination_plan: z
    .object({
      session_id: id,
      plan: text(60_000),
      plan_revision: z.number().int().positive().default(1),
      sections: sectionsWire.optional(),
      generated_by: provenanceWire.optional(),
      tasks_involved: z.array(taskContextWire).max(100).default([]),
      participants: participants.default({}),
      message: text(4_000).default(''),
    })
    .transform(
      (w): HmmmMessage => ({
        type: 'coordination_plan',
        sessionId: w.session_id,
        plan: w.plan,
        planRevision: w.plan_revision,
        ...(w.sections ? { sections: w.sections } : {}),
        ...(w.generated_by ? { provenance: w.generated_by } : {}),
        tasksInvolved: w.tasks_involved,
        participants: w.participants,
        message: w.message,
      }),
    ),
  coordination_response: z
    .object({
      session_id: id,
      agent_id: id,
      response: text(32_000),
      response_type: messageKind.optional(),
      plan_revision: z.number().int().positive().optional(),
      timestamp: timestamp.optional(),
    })
    .transform(
      (w): HmmmMessage => ({
        type: 'coordination_response',
        sessionId: w.session_id,
        agentId: w.agent_id,
        response: w.response,
        ...(w.response_type ? { responseType: w.response_type } : {}),
        ...(w.plan_revision ? { planRevision: w.plan_revision } : {}),
        timestamp: w.timestamp ?? 0,
      }),
    ),
  session_message: z
    .object({
      session_id: id,
      from_agent: id,
      content: text(32_000),
      response_type: messageKind.optional(),
      plan_revision: z.number().int().positive().optional(),
      timestamp: timestamp.optional(),
    })
    .transform(
      (w): HmmmMessage => ({
        type: 'session_message',
        sessionId: w.session_id,
        fromAgent: w.from_agent,
        content: w.content,
        ...(w.response_type ? { responseType: w.response_type } : {}),
        ...(w.plan_revision ? { planRevision: w.plan_revision } : {}),
        timestamp: w.timestamp ?? 0,
      }),
    ),
  escalation: z
    .object({
      session_id: id,
      escalation_reason: text(4_000),
      session_summary: text(4_000).default(''),
      participants: participants.default({}),
      tasks_involved: z.array(taskContextWire).max(100).default([]),
      requires_human: z.boolean().default(true),
    })
    .transform(
      (w): HmmmMessage => ({
        type: 'escalation',
        sessionId: w.session_id,
        escalationReason: w.escalation_reason,
        sessionSummary: w.session_summary,
        participants: w.participants,
        tasksInvolved: w.tasks_involved,
        requiresHuman: w.requires_human,
      }),
    ),
  resolution: z
    .object({ session_id: id, resolution: text(4_000), summary: text(4_000).default('') })
    .transform(
      (w): HmmmMessage => ({
        type: 'resolution',
        sessionId: w.session_id,
        resolution: w.resolution,
        summary: w.summary,
      }),
    ),
  coordination_request: z
    .object({
      session_type: z.enum(['planning', 'conflict']),
      agent_id: id,
      tasks: z.array(taskContextWire).min(1).max(100),
      reason: text(4_000).default(''),
    })
    .transform(
      (w): HmmmMessage => ({
        type: 'coordination_request',
        sessionType: w.session_type,
        agentId: w.agent_id,
        tasks: w.tasks,
        reason: w.reason,
      }),
    ),
  escalation_request: z
    .object({ session_id: id, agent_id: id, reason: text(4_000).default('') })
    .transform(
      (w): HmmmMessage => ({
        type: 'escalation_request',
        sessionId: w.session_id,
        agentId: w.agent_id,
        reason: w.reason,
      }),
    ),
} satisfies Record<HmmmMessage['type'], z.ZodType<HmmmMessage, unknown>>;

const envelopeWire = z.object({
  type: z.string().min(1).max(100),
  from: z.string().max(256).default(''),
  timestamp: timestamp,
  data: z.record(z.string(), z.unknown()),
  hop_count: hopCount.default(0),
});

// ---------------------------------------------------------------------------------------------
// Decoding

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;

export interface DecodeOptions {
  /** Payloads larger than this are refused before parsing. Default 64 KiB. */
  maxBytes?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * JSON.parse that refuses prototype-polluting keys and absurd nesting.
 * Returns the value, or the reason it was refused.
 */
export function parseJson(
  raw: Uint8Array | string,
  options: DecodeOptions = {},
): ParseResult<unknown> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const size = typeof raw === 'string' ? encoder.encode(raw).byteLength : raw.byteLength;
  if (size > maxBytes) {
    return fail('too_large', `payload of ${size} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  let textValue: string;
  try {
    textValue = typeof raw === 'string' ? raw : decoder.decode(raw);
  } catch {
    return fail('not_json', 'payload is not valid UTF-8');
  }
  let value: unknown;
  try {
    // No reviver: V8 parses deep nesting iteratively, but a reviver recurses and overflows the
    // stack, which would report absurd nesting as "not JSON".
    value = JSON.parse(textValue);
  } catch (error) {
    return fail('not_json', `payload is not JSON: ${(error as Error).message}`);
  }
  return checkValue(value);
}

/** Refuses prototype-polluting keys and nesting deeper than `MAX_DEPTH` anywhere in a value. */
function checkValue(value: unknown): ParseResult<unknown> {
  const problem = inspect(value, 1);
  if (problem === 'too_deep') {
    return fail('invalid_envelope', `payload is nested deeper than ${MAX_DEPTH} levels`);
  }
  if (problem !== undefined) return fail('forbidden_key', `payload contains the key "${problem}"`);
  return { ok: true, value };
}

/** The first forbidden key, `too_deep`, or `undefined` when the value is fine. */
function inspect(value: unknown, level: number): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (level > MAX_DEPTH) return 'too_deep';
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const problem = inspect((value as Record<string, unknown>)[key], level + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function fail(
  reason: ProtocolError['reason'],
  message: string,
): { ok: false; error: ProtocolError } {
  return { ok: false, error: new ProtocolError(reason, message) };
}

/** Parses the `data` of a message of the given type (a `task_claim` or an HMMM message type). */
export function parseMessage(type: string, data: unknown): ParseResult<Message> {
  const checked = checkValue(data);
  if (!checked.ok) return checked;
  return parseCheckedMessage(type, data);
}

function parseCheckedMessage(type: string, data: unknown): ParseResult<Message> {
  if (type === 'task_claim') {
    const isBzzz =
      typeof data === 'object' && data !== null && 'github_url' in data && !('repository' in data);
    const result = (isBzzz ? bzzzClaimWire : taskContextWire).safeParse(data);
    return result.success
      ? { ok: true, value: { type: 'task_claim', task: result.data } }
      : fail('invalid_message', `task_claim: ${formatIssues(result.error)}`);
  }
  if (!(HMMM_MESSAGE_TYPES as readonly string[]).includes(type)) {
    return fail('unknown_type', `unknown message type "${type.slice(0, 100)}"`);
  }
  const result = hmmmSchemas[type as HmmmMessage['type']].safeParse(data);
  return result.success
    ? { ok: true, value: result.data }
    : fail('invalid_message', `${type}: ${formatIssues(result.error)}`);
}

/**
 * Decodes one envelope as it arrives from the wire. Never throws: bad input comes back as a
 * `ProtocolError` whose `reason` says why (for counting drops).
 */
export function decodeEnvelope(
  raw: Uint8Array | string,
  options: DecodeOptions = {},
): ParseResult<Envelope> {
  const json = parseJson(raw, options);
  if (!json.ok) return json;
  return decodeCheckedEnvelope(json.value);
}

/**
 * Like `decodeEnvelope`, for a value already parsed from JSON (with the same refusal of
 * forbidden keys and absurd nesting, since a plain `JSON.parse` lets them through).
 */
export function decodeEnvelopeValue(value: unknown): ParseResult<Envelope> {
  const checked = checkValue(value);
  if (!checked.ok) return checked;
  return decodeCheckedEnvelope(value);
}

function decodeCheckedEnvelope(value: unknown): ParseResult<Envelope> {
  const envelope = envelopeWire.safeParse(value);
  if (!envelope.success)
    return fail('invalid_envelope', `envelope: ${formatIssues(envelope.error)}`);
  const { type, from, timestamp: at, data, hop_count } = envelope.data;
  let messageType = type;
  if (type === 'meta_discussion' || (HMMM_MESSAGE_TYPES as readonly string[]).includes(type)) {
    const declared = data.message_type;
    if (declared !== undefined && typeof declared !== 'string') {
      return fail('invalid_message', 'data.message_type must be a string');
    }
    messageType = declared ?? type;
    if (messageType === 'task_claim') {
      return fail(
        'unknown_type',
        'a task_claim travels in a task_claim envelope, not in meta_discussion',
      );
    }
  }
  const message = parseCheckedMessage(messageType, data);
  if (!message.ok) return message;
  return { ok: true, value: { from, timestamp: at, hopCount: hop_count, message: message.value } };
}

// ---------------------------------------------------------------------------------------------
// Encoding

type Json = Record<string, unknown>;

export function encodeTaskContext(task: TaskContext): Json {
  return {
    task_id: task.taskId,
    project_id: task.projectId,
    repository: task.repository,
    title: task.title,
    description: task.description,
    keywords: task.keywords,
    agent_id: task.agentId,
    ...(task.claimedAt === undefined ? {} : { claimed_at: formatRfc3339(task.claimedAt) }),
  };
}

export function encodeParticipant(p: Participant): Json {
  return {
    agent_id: p.agentId,
    peer_id: p.peerId,
    repository: p.repository,
    capabilities: p.capabilities,
    last_seen: formatRfc3339(p.lastSeen),
    active: p.active,
  };
}

function encodeParticipants(record: Record<string, Participant>): Json {
  return Object.fromEntries(Object.entries(record).map(([k, p]) => [k, encodeParticipant(p)]));
}

export function encodeDependency(d: TaskDependency): Json {
  return {
    task1: encodeTaskContext(d.task1),
    task2: encodeTaskContext(d.task2),
    relationship: d.relationship,
    confidence: d.confidence,
    reason: d.reason,
    detected_at: formatRfc3339(d.detectedAt),
    ...(d.order ? { order: d.order } : {}),
    ...(d.evidence
      ? {
          evidence: {
            task1_terms: d.evidence.task1Terms,
            task2_terms: d.evidence.task2Terms,
            references: d.evidence.references,
            signals: d.evidence.signals,
          },
        }
      : {}),
  };
}

/** A plan's provenance as it travels in `coordination_plan.generated_by`. */
export function encodeProvenance(p: PlanProvenance): Json {
  return {
    planner: p.planner,
    ...(p.model === undefined ? {} : { model: p.model }),
    ...(p.usage
      ? { usage: { input_tokens: p.usage.inputTokens, output_tokens: p.usage.outputTokens } }
      : {}),
    ...(p.latencyMs === undefined ? {} : { latency_ms: p.latencyMs }),
    ...(p.cached === undefined ? {} : { cached: p.cached }),
    failures: p.failures.map((f) => ({ planner: f.planner, error: f.error })),
  };
}

/** A plan's five sections in the wire's snake_case. */
export function encodeSections(s: PlanSections): Json {
  return {
    sequence: s.sequence,
    information_sharing: s.informationSharing,
    coordination_points: s.coordinationPoints,
    potential_conflicts: s.potentialConflicts,
    success_criteria: s.successCriteria,
  };
}

/** The snake_case `data` of a message, with `message_type` for HMMM messages. */
export function encodeMessage(message: Message): Json {
  switch (message.type) {
    case 'task_claim':
      return encodeTaskContext(message.task);
    case 'dependency_detected':
      return {
        message_type: message.type,
        dependency: encodeDependency(message.dependency),
        coordination_request: message.coordinationRequest,
        agents_involved: message.agentsInvolved,
        repositories: message.repositories,
        hop_count: message.hopCount,
        max_hops: message.maxHops,
      };
    case 'coordination_plan':
      return {
        message_type: message.type,
        session_id: message.sessionId,
        plan: message.plan,
        plan_revision: message.planRevision,
        ...(message.sections ? { sections: encodeSections(message.sections) } : {}),
        ...(message.provenance ? { generated_by: encodeProvenance(message.provenance) } : {}),
        tasks_involved: message.tasksInvolved.map(encodeTaskContext),
        participants: encodeParticipants(message.participants),
        message: message.message,
      };
    case 'coordination_response':
      return {
        message_type: message.type,
        session_id: message.sessionId,
        agent_id: message.agentId,
        response: message.response,
        ...(message.responseType ? { response_type: message.responseType } : {}),
        ...(message.planRevision ? { plan_revision: message.planRevision } : {}),
        timestamp: formatRfc3339(message.timestamp),
      };
    case 'session_message':
      return {
        message_type: message.type,
        session_id: message.sessionId,
        from_agent: message.fromAgent,
        content: message.content,
        ...(message.responseType ? { response_type: message.responseType } : {}),
        ...(message.planRevision ? { plan_revision: message.planRevision } : {}),
        timestamp: formatRfc3339(message.timestamp),
      };
    case 'escalation':
      return {
        message_type: message.type,
        session_id: message.sessionId,
        escalation_reason: message.escalationReason,
        session_summary: message.sessionSummary,
        participants: encodeParticipants(message.participants),
        tasks_involved: message.tasksInvolved.map(encodeTaskContext),
        requires_human: message.requiresHuman,
      };
    case 'resolution':
      return {
        message_type: message.type,
        session_id: message.sessionId,
        resolution: message.resolution,
        summary: message.summary,
      };
    case 'coordination_request':
      return {
        message_type: message.type,
        session_type: message.sessionType,
        agent_id: message.agentId,
        tasks: message.tasks.map(encodeTaskContext),
        reason: message.reason,
      };
    case 'escalation_request':
      return {
        message_type: message.type,
        session_id: message.sessionId,
        agent_id: message.agentId,
        reason: message.reason,
      };
  }
}

/** The envelope as CHORUS writes it: `{type, from, timestamp, data, hop_count}`. */
export function envelopeToJson(envelope: Envelope): Json {
  return {
    type: envelope.message.type === 'task_claim' ? 'task_claim' : 'meta_discussion',
    from: envelope.from,
    timestamp: formatRfc3339(envelope.timestamp),
    data: encodeMessage(envelope.message),
    hop_count: envelope.hopCount,
  };
}

/** UTF-8 JSON bytes of an envelope, ready to publish. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return encoder.encode(JSON.stringify(envelopeToJson(envelope)));
}

export function encodeCoordinationMessage(m: CoordinationMessage): Json {
  return {
    message_id: m.messageId,
    from_agent_id: m.fromAgentId,
    from_peer_id: m.fromPeerId,
    content: m.content,
    message_type: m.messageType,
    timestamp: formatRfc3339(m.timestamp),
    ...(m.planRevision ? { plan_revision: m.planRevision } : {}),
    metadata: m.metadata,
  };
}

/** A SLURP event as the snake_case JSON the sinks write (CHORUS `HmmmDiscussionContext`). */
export function encodeSlurpEvent(e: SlurpEvent): Json {
  const {
    sessionType,
    sessionStatus,
    resolution,
    escalationReason,
    messageCount,
    participantCount,
    ...rest
  } = e.metadata;
  return {
    discussion_id: e.discussionId,
    session_id: e.sessionId,
    participants: e.participants,
    start_time: formatRfc3339(e.startTime),
    end_time: formatRfc3339(e.endTime),
    messages: e.messages.map(encodeCoordinationMessage),
    consensus_reached: e.consensusReached,
    consensus_strength: e.consensusStrength,
    outcome_type: e.outcomeType,
    project_path: e.projectPath,
    related_tasks: e.relatedTasks,
    metadata: {
      session_type: sessionType,
      session_status: sessionStatus,
      resolution,
      escalation_reason: escalationReason,
      message_count: messageCount,
      participant_count: participantCount,
      ...rest,
    },
  };
}

/** Parses one TaskContext as written in a task file or an HTTP body (snake_case, or a bzzz claim). */
export function parseTaskContext(value: unknown): ParseResult<TaskContext> {
  const message = parseMessage('task_claim', value);
  if (!message.ok) return message;
  return { ok: true, value: (message.value as { task: TaskContext }).task };
}
