/**
 * The JSON of the HTTP API, as zod schemas: the routes validate requests with them and OpenAPI
 * (`GET /openapi.json`) is generated from them. Field names are snake_case like the wire format
 * CHORUS agents speak; times are RFC 3339 strings.
 *
 * Routes (all under `/api` need `Authorization: Bearer <token>` when the node has a token):
 *
 * | Method and path                                   | Request            | Response (2xx)            |
 * | ------------------------------------------------- | ------------------ | ------------------------- |
 * | `GET /api/node`                                   |                    | {@link nodeInfo}          |
 * | `GET /api/tasks`                                  |                    | {@link taskList}          |
 * | `POST /api/tasks` (claim)                         | {@link taskClaim}  | 201 {@link claimResult}   |
 * | `DELETE /api/tasks/:project_id/:task_id`          |                    | {@link releaseResult}     |
 * | `GET /api/dependencies`                           |                    | {@link dependencyList}    |
 * | `GET /api/sessions?status=&limit=`                | {@link sessionQuery} | {@link sessionList}     |
 * | `GET /api/sessions/:id`                           |                    | {@link sessionDetail}     |
 * | `POST /api/sessions/:id/messages`                 | {@link messageBody} | 201 {@link messageResult} |
 * | `POST /api/sessions/:id/resolve`                  | {@link decisionBody} | {@link sessionDetail}   |
 * | `POST /api/sessions/:id/escalate`                 | {@link decisionBody} | {@link sessionDetail}   |
 * | `POST /api/sessions/:id/close`                    | {@link decisionBody} | {@link sessionDetail}   |
 * | `GET /api/events`                                 |                    | `text/event-stream`, see {@link sseEvents} |
 * | `GET /healthz`                                    |                    | {@link liveness}          |
 * | `GET /readyz`                                     |                    | {@link readiness} (503 when not ready) |
 * | `GET /metrics`                                    |                    | Prometheus text format    |
 * | `GET /openapi.json`                               |                    | OpenAPI 3 document        |
 * | `GET /`                                           |                    | the dashboard             |
 *
 * Every 4xx/5xx answer is {@link errorBody}; a validation error names the field in `field`.
 */
import {
  COORDINATION_MESSAGE_TYPES,
  parseRfc3339,
  SESSION_STATUSES,
  SESSION_TYPES,
} from '@chorale/protocol';
import { z } from 'zod';

const time = z.string().describe('RFC 3339 timestamp');
const taskId = z.union([z.number().int().nonnegative(), z.string().min(1).max(256)]);

// ---------------------------------------------------------------------------------------------
// Errors

export const errorBody = z
  .object({
    /** The HTTP status, repeated. */
    status: z.number().int(),
    /** Stable code: `invalid_body`, `invalid_query`, `invalid_params`, `unauthorized`, `not_found`, `session_closed`, `not_participant`, `payload_too_large`, `internal`... */
    code: z.string(),
    message: z.string(),
    /** The offending field (dotted path) of a validation error, e.g. `agent_id` or `keywords.2`. */
    field: z.string().optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBody>;

// ---------------------------------------------------------------------------------------------
// Tasks and dependencies (the wire's shapes)

export const task = z
  .object({
    task_id: taskId,
    project_id: taskId,
    repository: z.string(),
    title: z.string(),
    description: z.string(),
    keywords: z.array(z.string()),
    agent_id: z.string(),
    claimed_at: time.optional(),
  })
  .meta({ id: 'Task' });
export type Task = z.infer<typeof task>;

/**
 * A claim: a TaskContext as agents write it (snake_case). `claimed_at` is RFC 3339 or unix
 * seconds and defaults to now; `description` and `keywords` are optional.
 */
export const taskClaim = z
  .object({
    task_id: taskId,
    project_id: taskId,
    repository: z.string().min(1).max(512),
    title: z.string().max(1_000),
    description: z.string().max(32_000).optional(),
    keywords: z.array(z.string().max(200)).max(200).nullish(),
    agent_id: z.string().min(1).max(256),
    claimed_at: z
      .union([z.string(), z.number().nonnegative()])
      .refine((v) => typeof v === 'number' || parseRfc3339(v) !== undefined, {
        error: 'expected an RFC 3339 timestamp or unix seconds',
      })
      .optional(),
  })
  .meta({ id: 'TaskClaim' });
export type TaskClaim = z.input<typeof taskClaim>;

export const dependency = z
  .object({
    task1: task,
    task2: task,
    relationship: z.string(),
    confidence: z.number(),
    reason: z.string(),
    detected_at: time,
    order: z.enum(['task1_first', 'either']).optional(),
    evidence: z
      .object({
        task1_terms: z.array(z.string()),
        task2_terms: z.array(z.string()),
        references: z.array(z.string()),
        signals: z.array(z.string()),
      })
      .optional(),
    /** The session opened for it, when this node knows one. */
    session_id: z.string().optional(),
  })
  .meta({ id: 'Dependency' });
export type Dependency = z.infer<typeof dependency>;

export const taskList = z.object({ tasks: z.array(task) });
export type TaskList = z.infer<typeof taskList>;

export const claimResult = z.object({
  task,
  /** Dependencies this claim revealed (a session opens for each). */
  dependencies: z.array(dependency),
});
export type ClaimResult = z.infer<typeof claimResult>;

export const taskParams = z.object({
  project_id: z.string().min(1),
  task_id: z.string().min(1),
});

export const releaseResult = z.object({ released: task });
export type ReleaseResult = z.infer<typeof releaseResult>;

export const dependencyList = z.object({ dependencies: z.array(dependency) });
export type DependencyList = z.infer<typeof dependencyList>;

// ---------------------------------------------------------------------------------------------
// Sessions

export const participant = z
  .object({
    agent_id: z.string(),
    peer_id: z.string(),
    repository: z.string(),
    capabilities: z.array(z.string()),
    last_seen: time,
    active: z.boolean(),
  })
  .meta({ id: 'Participant' });
export type Participant = z.infer<typeof participant>;

export const message = z
  .object({
    message_id: z.string(),
    from_agent_id: z.string(),
    from_peer_id: z.string(),
    content: z.string(),
    message_type: z.enum(COORDINATION_MESSAGE_TYPES),
    timestamp: time,
    plan_revision: z.number().int().optional(),
    metadata: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Message' });
export type Message = z.infer<typeof message>;

export const planSections = z
  .object({
    sequence: z.array(z.string()),
    information_sharing: z.array(z.string()),
    coordination_points: z.array(z.string()),
    potential_conflicts: z.array(z.string()),
    success_criteria: z.array(z.string()),
  })
  .meta({ id: 'PlanSections' });
export type PlanSections = z.infer<typeof planSections>;

/** Where a plan came from: the planner chain's record. */
export const provenance = z
  .object({
    planner: z.string(),
    model: z.string().optional(),
    usage: z.object({ input_tokens: z.number(), output_tokens: z.number() }).optional(),
    latency_ms: z.number().optional(),
    cached: z.boolean().optional(),
    /** Planners tried before this one, with why each gave no plan. */
    failures: z.array(z.object({ planner: z.string(), error: z.string() })),
  })
  .meta({ id: 'Provenance' });
export type Provenance = z.infer<typeof provenance>;

export const plan = z
  .object({
    revision: z.number().int(),
    /** `meta_coordinator` for the coordinator's plan, else the agent that counter-proposed. */
    author: z.string(),
    /** The planner plugin that wrote it (`remote` when adopted from another node). */
    planner: z.string().optional(),
    text: z.string(),
    sections: planSections.optional(),
    provenance: provenance.optional(),
    at: time,
  })
  .meta({ id: 'Plan' });
export type Plan = z.infer<typeof plan>;

export const sessionStatus = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof sessionStatus>;

/** How an operator ended a session (resolve, escalate or close through the API or CLI). */
export const decision = z
  .object({
    outcome: z.enum(['resolved', 'escalated', 'closed']),
    reason: z.string(),
    /** Who decided, as given in the request; absent for automatic outcomes. */
    by: z.string().optional(),
    at: time,
  })
  .meta({ id: 'Decision' });
export type Decision = z.infer<typeof decision>;

export const sessionSummary = z
  .object({
    session_id: z.string(),
    type: z.enum(SESSION_TYPES),
    status: sessionStatus,
    /** Agent ids. */
    participants: z.array(z.string()),
    repositories: z.array(z.string()),
    /** Why the session was opened (the rule's reason or the request's). */
    reason: z.string(),
    /** The dependency's relationship (rule name), for dependency sessions. */
    relationship: z.string().optional(),
    created_at: time,
    last_activity: time,
    closed_at: time.optional(),
    message_count: z.number().int(),
    plan_revision: z.number().int(),
    /** Resolution text (resolved or closed sessions). */
    resolution: z.string(),
    escalation_reason: z.string(),
    /** Who ended it by hand, when an operator did. */
    decided_by: z.string().optional(),
  })
  .meta({ id: 'SessionSummary' });
export type SessionSummary = z.infer<typeof sessionSummary>;

export const sessionDetail = sessionSummary
  .extend({
    participant_details: z.array(participant),
    tasks: z.array(task),
    dependency: dependency.optional(),
    /** The plan under discussion (latest revision); null before the first plan. */
    plan: plan.nullable(),
    /** Every revision, oldest first. */
    plans: z.array(plan),
    /** Plans and replies in order. */
    messages: z.array(message),
    /** Agents whose agreement is still missing for consensus on the current plan. */
    waiting_on: z.array(z.string()),
    decision: decision.optional(),
  })
  .meta({ id: 'SessionDetail' });
export type SessionDetail = z.infer<typeof sessionDetail>;

export const sessionQuery = z.object({
  /** Only sessions with this status; all when absent. */
  status: sessionStatus.optional(),
  /** At most this many, most recent activity first. Default 200. */
  limit: z.coerce.number().int().min(1).max(10_000).default(200),
});
export type SessionQuery = z.input<typeof sessionQuery>;

export const sessionList = z.object({ sessions: z.array(sessionSummary) });
export type SessionList = z.infer<typeof sessionList>;

export const sessionParams = z.object({ id: z.string().min(1).max(512) });

/**
 * A reply in a session. `agent_id` must be a participant (see the session's `participants`);
 * `type` is the kind of reply (`agreement`, `concern`, `question`, `response`, or `proposal`
 * for a counter-proposal); without it the content is classified like an agent's reply.
 */
export const messageBody = z
  .object({
    agent_id: z.string().min(1).max(256),
    type: z.enum(COORDINATION_MESSAGE_TYPES).optional(),
    content: z.string().min(1).max(32_000),
  })
  .meta({ id: 'MessageBody' });
export type MessageBody = z.infer<typeof messageBody>;

export const messageResult = z.object({ session: sessionDetail });
export type MessageResult = z.infer<typeof messageResult>;

/** A human decision: recorded in the session and in its SLURP event. */
export const decisionBody = z
  .object({
    reason: z.string().min(1).max(4_000),
    by: z.string().min(1).max(256),
  })
  .meta({ id: 'DecisionBody' });
export type DecisionBody = z.infer<typeof decisionBody>;

// ---------------------------------------------------------------------------------------------
// Node, health

export const nodeInfo = z
  .object({
    peer_id: z.string(),
    addresses: z.array(z.string()),
    /** Peers currently connected. */
    peers: z.array(z.string()),
    version: z.string(),
    started_at: time,
    uptime_seconds: z.number(),
    plugins: z.object({
      transport: z.string(),
      planners: z.array(z.string()),
      rule_packs: z.array(z.string()),
      sinks: z.array(z.string()),
      store: z.string(),
    }),
  })
  .meta({ id: 'NodeInfo' });
export type NodeInfo = z.infer<typeof nodeInfo>;

export const liveness = z.object({ status: z.literal('ok') });

export const check = z.object({
  name: z.enum(['transport', 'store', 'planners', 'sinks']),
  status: z.enum(['ok', 'degraded', 'fail']),
  detail: z.string(),
});
export type Check = z.infer<typeof check>;

/** `ready` is false (and the answer 503) when a check fails; `degraded` checks are still ready. */
export const readiness = z
  .object({
    ready: z.boolean(),
    status: z.enum(['ok', 'degraded', 'fail']),
    checks: z.array(check),
  })
  .meta({ id: 'Readiness' });
export type Readiness = z.infer<typeof readiness>;

// ---------------------------------------------------------------------------------------------
// Server-Sent Events (`GET /api/events`)

/**
 * The events of `GET /api/events`: the SSE `event:` field is the key, `data:` the JSON. A comment
 * line (`: heartbeat`) comes every 15 seconds. Each event also carries an `id:` (a counter).
 */
export const sseEvents = {
  task_claimed: z.object({ task }),
  task_released: z.object({ task }),
  dependency_detected: z.object({ dependency }),
  session_opened: z.object({ session: sessionSummary }),
  coordination_plan: z.object({ session: sessionSummary, message, plan: plan.optional() }),
  message: z.object({ session: sessionSummary, message }),
  resolution: z.object({ session: sessionSummary, reason: z.string() }),
  escalation: z.object({ session: sessionSummary, reason: z.string() }),
  closed: z.object({ session: sessionSummary, reason: z.string() }),
  /** A SLURP event written to the sinks (the wire's snake_case decision record). */
  slurp: z.object({ event: z.record(z.string(), z.unknown()) }),
  drop: z.object({ reason: z.string(), detail: z.string() }),
} as const;
export type SseEventName = keyof typeof sseEvents;
export type SseEvent = {
  [K in SseEventName]: { event: K; data: z.infer<(typeof sseEvents)[K]> };
}[SseEventName];
