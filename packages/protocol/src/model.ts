/**
 * The values that travel between agents and coordinators, in the shape TypeScript code uses
 * (camelCase, times as epoch milliseconds). `wire.ts` maps them to and from the snake_case
 * JSON that CHORUS agents write.
 */

/** CHORUS uses integers; Chorale accepts strings too (issue keys, UUIDs). */
export type TaskId = number | string;

export interface TaskContext {
  taskId: TaskId;
  projectId: TaskId;
  repository: string;
  title: string;
  description: string;
  keywords: string[];
  agentId: string;
  /** Epoch ms; absent when a summary of the task came without it. */
  claimedAt?: number;
}

export interface Participant {
  agentId: string;
  peerId: string;
  repository: string;
  capabilities: string[];
  lastSeen: number;
  active: boolean;
}

export const COORDINATION_MESSAGE_TYPES = [
  'proposal',
  'question',
  'agreement',
  'concern',
  'response',
] as const;
export type CoordinationMessageType = (typeof COORDINATION_MESSAGE_TYPES)[number];

export interface CoordinationMessage {
  messageId: string;
  fromAgentId: string;
  fromPeerId: string;
  content: string;
  messageType: CoordinationMessageType;
  timestamp: number;
  /** The plan revision this message answers, when it says so. */
  planRevision?: number;
  metadata: Record<string, unknown>;
}

export interface TaskDependency {
  task1: TaskContext;
  task2: TaskContext;
  /** The name of the rule that matched, e.g. `API_Contract`. */
  relationship: string;
  /** 0..1 */
  confidence: number;
  reason: string;
  detectedAt: number;
  /**
   * `task1_first` when the rule knows that task1 must be done first (definition before
   * implementation, schema before its users, spec before implementation); `either` when it
   * cannot tell (task1 is then the task known earlier). Absent from older peers.
   */
  order?: DependencyOrder;
  /** What the detector saw; the plan prompt quotes it. Absent from older peers. */
  evidence?: DependencyEvidence;
}

export type DependencyOrder = 'task1_first' | 'either';

export interface DependencyEvidence {
  /** The words, phrases or identifiers that matched in task1. */
  task1Terms: string[];
  /** The words, phrases or identifiers that matched in task2. */
  task2Terms: string[];
  /** Explicit references between the tasks (`org/repo#123`, issue URLs). */
  references: string[];
  /** One line per signal that adds to the confidence, e.g. "rare shared identifier AddLink". */
  signals: string[];
}

export const SESSION_TYPES = ['dependency', 'conflict', 'planning'] as const;
export type SessionType = (typeof SESSION_TYPES)[number];

export const SESSION_STATUSES = ['active', 'resolved', 'escalated', 'closed'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** The five sections of a coordination plan, where a planner can tell them apart. */
export interface PlanSections {
  sequence: string[];
  informationSharing: string[];
  coordinationPoints: string[];
  potentialConflicts: string[];
  successCriteria: string[];
}

// ---------------------------------------------------------------------------------------------
// Messages. `type` is the CHORUS `message_type` (or `task_claim` for a claim).

export interface TaskClaim {
  type: 'task_claim';
  task: TaskContext;
}

export interface DependencyDetected {
  type: 'dependency_detected';
  dependency: TaskDependency;
  coordinationRequest: string;
  agentsInvolved: string[];
  repositories: string[];
  hopCount: number;
  maxHops: number;
}

export interface CoordinationPlan {
  type: 'coordination_plan';
  sessionId: string;
  plan: string;
  /** 1 for the first plan; each counter-proposal adds one. */
  planRevision: number;
  sections?: PlanSections;
  /** Which planner wrote the plan and why the planners before it did not. */
  provenance?: PlanProvenance;
  tasksInvolved: TaskContext[];
  participants: Record<string, Participant>;
  message: string;
}

/** Where a plan came from: the planner chain's record. */
export interface PlanProvenance {
  /** The planner plugin that produced the plan, e.g. `anthropic`, `template`. */
  planner: string;
  /** The model it used, where there is one. */
  model?: string;
  usage?: { inputTokens: number; outputTokens: number };
  latencyMs?: number;
  /** True when the plan came from the plan cache (no LLM call). */
  cached?: boolean;
  /** The planners tried before this one, with why each gave no plan (error, deadline, unusable output, budget spent). */
  failures: { planner: string; error: string }[];
}

export interface CoordinationResponse {
  type: 'coordination_response';
  sessionId: string;
  agentId: string;
  response: string;
  /** Explicit kind of reply; without it the text is classified. */
  responseType?: CoordinationMessageType;
  planRevision?: number;
  timestamp: number;
}

export interface SessionMessage {
  type: 'session_message';
  sessionId: string;
  fromAgent: string;
  content: string;
  responseType?: CoordinationMessageType;
  planRevision?: number;
  timestamp: number;
}

export interface Escalation {
  type: 'escalation';
  sessionId: string;
  escalationReason: string;
  sessionSummary: string;
  participants: Record<string, Participant>;
  tasksInvolved: TaskContext[];
  requiresHuman: boolean;
}

export interface Resolution {
  type: 'resolution';
  sessionId: string;
  resolution: string;
  summary: string;
}

/** An agent asks for a session that no rule would open: joint planning or a conflict. */
export interface CoordinationRequest {
  type: 'coordination_request';
  sessionType: 'planning' | 'conflict';
  agentId: string;
  tasks: TaskContext[];
  reason: string;
}

export interface EscalationRequest {
  type: 'escalation_request';
  sessionId: string;
  agentId: string;
  reason: string;
}

export type HmmmMessage =
  | DependencyDetected
  | CoordinationPlan
  | CoordinationResponse
  | SessionMessage
  | Escalation
  | Resolution
  | CoordinationRequest
  | EscalationRequest;

export type Message = TaskClaim | HmmmMessage;
export type MessageType = Message['type'];

export const HMMM_MESSAGE_TYPES = [
  'dependency_detected',
  'coordination_plan',
  'coordination_response',
  'session_message',
  'escalation',
  'resolution',
  'coordination_request',
  'escalation_request',
] as const satisfies readonly HmmmMessage['type'][];

/** A message with the CHORUS envelope around it. */
export interface Envelope<M extends Message = Message> {
  /** Peer id (or agent id) of the sender, as the sender wrote it. */
  from: string;
  timestamp: number;
  hopCount: number;
  message: M;
}

/** The decision record of a closed session (CHORUS `HmmmDiscussionContext`). */
export interface SlurpEvent {
  discussionId: string;
  sessionId: string;
  participants: string[];
  startTime: number;
  endTime: number;
  messages: CoordinationMessage[];
  consensusReached: boolean;
  /** 0.9 resolved, 0.3 escalated, 0.5 otherwise. */
  consensusStrength: number;
  outcomeType: 'resolved' | 'escalated' | 'closed';
  projectPath: string;
  relatedTasks: string[];
  metadata: {
    sessionType: SessionType;
    sessionStatus: SessionStatus;
    resolution: string;
    escalationReason: string;
    messageCount: number;
    participantCount: number;
    [key: string]: unknown;
  };
}

export const DEFAULT_TOPICS = {
  coordination: 'CHORUS/coordination/v1',
  metaDiscussion: 'hmmm/meta-discussion/v1',
} as const;

/** The topic a message travels on by default. */
export function topicOf(
  message: Message,
  topics: { coordination: string; metaDiscussion: string } = DEFAULT_TOPICS,
): string {
  return message.type === 'task_claim' ? topics.coordination : topics.metaDiscussion;
}
