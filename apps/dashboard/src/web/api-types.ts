/**
 * The JSON of the node's HTTP API, as the page reads it. These mirror the zod schemas of
 * `apps/coordinator/src/http/schemas.ts` (snake_case, times as RFC 3339 strings); the page
 * cannot import them because the coordinator depends on this package to serve it.
 */

export const MESSAGE_TYPES = ['proposal', 'question', 'agreement', 'concern', 'response'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export type SessionStatus = 'active' | 'resolved' | 'escalated' | 'closed';
export type Decision = 'resolve' | 'escalate' | 'close';

export type TaskId = number | string;

export interface Task {
  task_id: TaskId;
  project_id: TaskId;
  repository: string;
  title: string;
  description: string;
  keywords: string[];
  agent_id: string;
  claimed_at?: string;
}

export interface Dependency {
  task1: Task;
  task2: Task;
  relationship: string;
  confidence: number;
  reason: string;
  detected_at: string;
  order?: 'task1_first' | 'either';
  session_id?: string;
}

export interface Participant {
  agent_id: string;
  peer_id: string;
  repository: string;
  capabilities: string[];
  last_seen: string;
  active: boolean;
}

export interface Message {
  message_id: string;
  from_agent_id: string;
  from_peer_id: string;
  content: string;
  message_type: MessageType;
  timestamp: string;
  plan_revision?: number;
  metadata: Record<string, unknown>;
}

export interface PlanSections {
  sequence: string[];
  information_sharing: string[];
  coordination_points: string[];
  potential_conflicts: string[];
  success_criteria: string[];
}

export interface Provenance {
  planner: string;
  model?: string;
  usage?: { input_tokens: number; output_tokens: number };
  latency_ms?: number;
  cached?: boolean;
  failures: { planner: string; error: string }[];
}

export interface Plan {
  revision: number;
  author: string;
  planner?: string;
  text: string;
  sections?: PlanSections;
  provenance?: Provenance;
  at: string;
}

export interface SessionSummary {
  session_id: string;
  type: 'dependency' | 'conflict' | 'planning';
  status: SessionStatus;
  participants: string[];
  repositories: string[];
  reason: string;
  relationship?: string;
  created_at: string;
  last_activity: string;
  closed_at?: string;
  message_count: number;
  plan_revision: number;
  resolution: string;
  escalation_reason: string;
  decided_by?: string;
}

export interface SessionDetail extends SessionSummary {
  participant_details: Participant[];
  tasks: Task[];
  dependency?: Dependency;
  plan: Plan | null;
  plans: Plan[];
  messages: Message[];
  waiting_on: string[];
  decision?: {
    outcome: 'resolved' | 'escalated' | 'closed';
    reason: string;
    by?: string;
    at: string;
  };
}

export interface NodeInfo {
  peer_id: string;
  addresses: string[];
  peers: string[];
  version: string;
  started_at: string;
  uptime_seconds: number;
  plugins: {
    transport: string;
    planners: string[];
    rule_packs: string[];
    sinks: string[];
    store: string;
  };
}

export interface ErrorBody {
  status: number;
  code: string;
  message: string;
  field?: string;
}

/** The events of `GET /api/events` the page uses: the SSE `event:` name and its `data:` JSON. */
export interface EventPayloads {
  task_claimed: { task: Task };
  task_released: { task: Task };
  dependency_detected: { dependency: Dependency };
  session_opened: { session: SessionSummary };
  coordination_plan: { session: SessionSummary; message: Message; plan?: Plan };
  message: { session: SessionSummary; message: Message };
  resolution: { session: SessionSummary; reason: string };
  escalation: { session: SessionSummary; reason: string };
  closed: { session: SessionSummary; reason: string };
}
export type EventName = keyof EventPayloads;
export type LiveEvent = { [K in EventName]: { event: K; data: EventPayloads[K] } }[EventName];

export const EVENT_NAMES = [
  'task_claimed',
  'task_released',
  'dependency_detected',
  'session_opened',
  'coordination_plan',
  'message',
  'resolution',
  'escalation',
  'closed',
] as const satisfies readonly EventName[];
