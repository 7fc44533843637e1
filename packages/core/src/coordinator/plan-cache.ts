import { createHash } from 'node:crypto';
import type { TaskContext } from '@chorale/protocol';
import type { Clock } from '../contracts/components.js';
import type { Plan, Planner, PlanRequest } from '../contracts/planner.js';

export interface PlanCacheOptions {
  /** How long a plan is reused, in ms. Default 1 h. */
  ttl: number;
  /** Plans kept at most; the least recently used goes first. 0 turns the cache off. Default 1000. */
  maxEntries: number;
}

export const DEFAULT_PLAN_CACHE: PlanCacheOptions = { ttl: 3_600_000, maxEntries: 1_000 };

/** What makes two requests the same plan: the tasks' content and agents, the relationship, the planner and its model. */
function taskIdentity(task: TaskContext) {
  return [task.repository, task.title, task.description, task.keywords, task.agentId];
}

/**
 * The cache key of a request for a planner: a SHA-256 over the planner's name and model, the
 * session type, the relationship and order, the reason, and each task's repository, title,
 * description, keywords and agent (in the request's order, which the prompt follows). Ids and
 * times are left out: the same dependency claimed again, or seen by another session, hits.
 */
export function planCacheKey(planner: Planner, request: PlanRequest): string {
  const identity = [
    planner.name,
    planner.model ?? '',
    request.sessionType,
    request.dependency?.relationship ?? '',
    request.dependency?.order ?? '',
    request.reason,
    request.tasks.map(taskIdentity),
  ];
  return createHash('sha256').update(JSON.stringify(identity)).digest('base64url');
}

/**
 * Plans of token-spending planners, kept in memory for `ttl` (on the injected clock) and
 * bounded to `maxEntries` (least recently used out first). A hit spends no token.
 */
export class PlanCache {
  readonly options: PlanCacheOptions;
  readonly #clock: Clock;
  /** Insertion order is recency order: a hit moves its entry to the end. */
  readonly #entries = new Map<string, { plan: Plan; expires: number }>();
  #hits = 0;
  #misses = 0;

  constructor(options: Partial<PlanCacheOptions>, clock: Clock) {
    this.options = { ...DEFAULT_PLAN_CACHE, ...options };
    this.#clock = clock;
  }

  get(key: string): Plan | undefined {
    const entry = this.#entries.get(key);
    if (!entry || entry.expires <= this.#clock.now()) {
      if (entry) this.#entries.delete(key);
      this.#misses++;
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.#hits++;
    return structuredClone(entry.plan);
  }

  set(key: string, plan: Plan): void {
    if (this.options.maxEntries <= 0) return;
    this.#entries.delete(key);
    const { text, sections, model, usage, latencyMs } = plan;
    const kept: Plan = {
      text,
      ...(sections ? { sections: structuredClone(sections) } : {}),
      ...(model ? { model } : {}),
      ...(usage ? { usage: { ...usage } } : {}),
      ...(latencyMs === undefined ? {} : { latencyMs }),
    };
    this.#entries.set(key, {
      plan: kept,
      expires: this.#clock.now() + this.options.ttl,
    });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.options.maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  /** Entries held (expired ones leave on their next lookup or when pushed out). */
  get size(): number {
    return this.#entries.size;
  }

  stats(): { hits: number; misses: number; size: number } {
    return { hits: this.#hits, misses: this.#misses, size: this.#entries.size };
  }
}
