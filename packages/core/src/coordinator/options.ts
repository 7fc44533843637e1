import { DEFAULT_TOPICS } from '@chorale/protocol';
import { DEFAULT_PLAN_CACHE, type PlanCacheOptions } from './plan-cache.js';
import { DEFAULT_TOKEN_BUDGET, type TokenBudgetOptions } from './token-budget.js';

const MINUTE = 60_000;

/** The knobs of the session engine, with the reference's defaults. */
export interface CoordinatorOptions {
  /** A session still open after this long is escalated (by its timer). Default 30 min. */
  maxSessionDuration: number;
  /** Participants per session. Default 5. */
  maxParticipants: number;
  /** A session with this many messages (the plan included) is escalated. Default 10. */
  escalationThreshold: number;
  /** Messages with a `hop_count` above this are dropped. Default 3. */
  coordinationHops: number;
  /** How often closed and stale sessions leave the active set. Default 10 min. */
  cleanupInterval: number;
  /** An active session with no activity for this long is closed by the cleanup. Default 2 h. */
  inactiveAfter: number;
  /** Deadline of each planner in the chain. Default 30 s. */
  plannerTimeout: number;
  /**
   * How long a node that does not lead a session (the claiming agent is connected to another
   * coordinator) waits for the lead's plan before planning itself. Default 10 s.
   */
  planTakeoverDelay: number;
  /**
   * Plans of token-spending planners (`usesTokens`) reused for the same request (same tasks'
   * content, relationship, planner and model) within `ttl`. Default 1 h, 1000 plans;
   * `maxEntries: 0` turns it off.
   */
  plannerCache: PlanCacheOptions;
  /**
   * Tokens the planners may spend per session and per sliding hour; when spent, the chain
   * skips token-spending planners (the template planner still plans). 0 is no limit.
   * Default 20 000 per session, 500 000 per hour.
   */
  tokenBudget: TokenBudgetOptions;
  /**
   * Redact secrets (keys, tokens, passwords, private keys) from plan requests, published
   * messages and SLURP events. Default true.
   */
  redaction: boolean;
  topics: { coordination: string; metaDiscussion: string };
  /** Name the coordinator's own messages (the plan) are written under. */
  agentId: string;
}

export const DEFAULT_COORDINATOR_OPTIONS: CoordinatorOptions = {
  maxSessionDuration: 30 * MINUTE,
  maxParticipants: 5,
  escalationThreshold: 10,
  coordinationHops: 3,
  cleanupInterval: 10 * MINUTE,
  inactiveAfter: 120 * MINUTE,
  plannerTimeout: 30_000,
  planTakeoverDelay: 10_000,
  plannerCache: { ...DEFAULT_PLAN_CACHE },
  tokenBudget: { ...DEFAULT_TOKEN_BUDGET },
  redaction: true,
  topics: { ...DEFAULT_TOPICS },
  agentId: 'meta_coordinator',
};
