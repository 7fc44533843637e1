import type {
  Participant,
  PlanSections,
  SessionType,
  TaskContext,
  TaskDependency,
} from '@chorale/protocol';
import type { SpecificationVersion } from './version.js';

export interface PlanRequest {
  sessionId: string;
  sessionType: SessionType;
  /** Present for `dependency` sessions. */
  dependency?: TaskDependency;
  tasks: TaskContext[];
  participants: Participant[];
  /** Why the session exists (the rule's reason, or the requester's words). */
  reason: string;
}

export interface Plan {
  /** The plan as text, in the five sections of the reference (sequence, ...). */
  text: string;
  /** The same plan split into its sections, where the planner can tell them apart. */
  sections?: PlanSections;
  /** The model that wrote it (LLM planners). */
  model?: string;
  /** Tokens spent (LLM planners); counted against the token budget. */
  usage?: { inputTokens: number; outputTokens: number };
  /** How long the planner took, in ms (LLM planners measure their own call). */
  latencyMs?: number;
}

/** Writes a coordination plan. Must honour the abort signal (the coordinator's deadline). */
export interface Planner {
  readonly specificationVersion: SpecificationVersion;
  readonly name: string;
  /** The model it asks (LLM planners); part of the plan cache's key. */
  readonly model?: string;
  /**
   * True for planners that spend LLM tokens: their plans are cached, and the chain skips them
   * when the token budget is spent. The template planner leaves it unset.
   */
  readonly usesTokens?: boolean;
  plan(request: PlanRequest, signal: AbortSignal): Promise<Plan>;
}
