import type {
  CoordinationMessage,
  Envelope,
  PlanProvenance,
  SlurpEvent,
  TaskContext,
  TaskDependency,
} from '@chorale/protocol';
import type { RedactionFinding } from '../redaction/redact.js';
import type { CoordinationSession } from '../session/state.js';

/** Why the coordinator dropped a valid message (the transport counts invalid ones). */
export type CoordinatorDropReason =
  | 'hop_limit'
  | 'unknown_session'
  | 'session_closed'
  | 'not_participant'
  | 'detector_error'
  | 'publish_failed'
  | 'store_failed'
  | 'sink_failed'
  | 'listener_error';

/**
 * Where a secret was redacted: in a plan request (before any planner), in a planner's answer
 * (before it is recorded), in a published message, or in a SLURP event (before the sinks).
 */
export type RedactionTarget = 'prompt' | 'plan' | 'publish' | 'slurp';

/** What the coordinator reports to monitors (CLI output, dashboard, metrics, tests). */
export interface CoordinatorEvents {
  task_claimed: [task: TaskContext];
  dependency_detected: [dependency: TaskDependency];
  session_opened: [session: CoordinationSession];
  /** A plan or counter-proposal was recorded; `provenance` for plans from the planner chain (or adopted with one). */
  coordination_plan: [
    session: CoordinationSession,
    plan: CoordinationMessage,
    provenance: PlanProvenance | undefined,
  ];
  message: [session: CoordinationSession, message: CoordinationMessage];
  resolution: [session: CoordinationSession, reason: string];
  escalation: [session: CoordinationSession, reason: string];
  closed: [session: CoordinationSession, reason: string];
  slurp: [event: SlurpEvent];
  /** Every envelope received (`in`, after validation) or published (`out`). */
  wire: [envelope: Envelope, direction: 'in' | 'out'];
  drop: [reason: CoordinatorDropReason, detail: string];
  /** Secrets were replaced in text on its way to a planner, into a plan, onto the mesh or to the sinks. */
  redaction: [target: RedactionTarget, findings: RedactionFinding[]];
  /** One run of the detector on a claim: how long it took (wall time, ms) and what it found. */
  detector_run: [durationMs: number, dependencies: number];
}
