import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Clock, MetaCoordinator, SessionStore, Transport } from '@chorale/core';
import type { Incident, NodeMetrics } from './metrics.js';
import type { Check, Readiness } from './schemas.js';

export interface HealthSource {
  coordinator: MetaCoordinator;
  transport: Transport;
  store: SessionStore;
  planners: readonly { name: string }[];
  sinks: readonly { name: string }[];
  /** The folder the node writes to (sinks, stores). */
  dataDir?: string;
}

/** A failure counts against readiness for this long after it happened. Default 5 minutes. */
export const DEFAULT_HEALTH_WINDOW_MS = 5 * 60_000;
/** How long the store may take to answer before it counts as failing. */
const STORE_TIMEOUT_MS = 2_000;

function recent(incident: Incident | undefined, now: number, windowMs: number): boolean {
  return incident !== undefined && now - incident.at <= windowMs;
}

/** Whether `b` happened after `a` (both may be missing). */
function after(b: Incident | undefined, a: Incident | undefined): boolean {
  return b !== undefined && (a === undefined || b.at >= a.at);
}

/**
 * The readiness checks: transport started, store answering and writable, planner chain usable,
 * sinks writing. A check is `degraded` when the node still works but a part is failing (an LLM
 * planner failing while the template planner writes the plans, a sink failing); `fail` when
 * the node cannot do its work.
 */
export async function readiness(
  source: HealthSource,
  metrics: NodeMetrics,
  clock: Clock,
  windowMs = DEFAULT_HEALTH_WINDOW_MS,
): Promise<Readiness> {
  const now = clock.now();
  const checks: Check[] = [
    transportCheck(source),
    await storeCheck(source, metrics, now, windowMs),
    plannerCheck(source, metrics, now, windowMs),
    sinkCheck(source, metrics, now, windowMs),
  ];
  const status = checks.some((c) => c.status === 'fail')
    ? 'fail'
    : checks.some((c) => c.status === 'degraded')
      ? 'degraded'
      : 'ok';
  return { ready: status !== 'fail', status, checks };
}

function transportCheck(source: HealthSource): Check {
  if (!source.coordinator.running)
    return { name: 'transport', status: 'fail', detail: 'the coordinator is not running' };
  try {
    const peers = source.transport.peers().length;
    return {
      name: 'transport',
      status: 'ok',
      detail: `${source.transport.name} started as ${source.transport.peerId}, ${peers} peer(s)`,
    };
  } catch (error) {
    return { name: 'transport', status: 'fail', detail: (error as Error).message };
  }
}

async function storeCheck(
  source: HealthSource,
  metrics: NodeMetrics,
  now: number,
  windowMs: number,
): Promise<Check> {
  const name = 'store';
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      source.store.sessionIds(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${STORE_TIMEOUT_MS} ms`)),
          STORE_TIMEOUT_MS,
        );
        timer.unref();
      }),
    ]);
    if (source.dataDir) await access(source.dataDir, constants.W_OK);
  } catch (error) {
    return { name, status: 'fail', detail: `${source.store.name}: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
  if (recent(metrics.lastStoreFailure, now, windowMs)) {
    return {
      name,
      status: 'fail',
      detail: `${source.store.name}: a write failed: ${metrics.lastStoreFailure!.detail}`,
    };
  }
  return { name, status: 'ok', detail: `${source.store.name} answers and is writable` };
}

function plannerCheck(
  source: HealthSource,
  metrics: NodeMetrics,
  now: number,
  windowMs: number,
): Check {
  const name = 'planners';
  const chain = source.planners.map((p) => p.name).join(' → ');
  if (source.planners.length === 0)
    return { name, status: 'fail', detail: 'no planner configured' };
  if (
    recent(metrics.lastNoPlan, now, windowMs) &&
    after(metrics.lastNoPlan, metrics.lastCleanPlan)
  ) {
    return { name, status: 'fail', detail: `${chain}: ${metrics.lastNoPlan!.detail}` };
  }
  if (
    recent(metrics.lastPlannerFailure, now, windowMs) &&
    after(metrics.lastPlannerFailure, metrics.lastCleanPlan)
  ) {
    return {
      name,
      status: 'degraded',
      detail: `${chain}: the last plan came after failures: ${metrics.lastPlannerFailure!.detail}`,
    };
  }
  return { name, status: 'ok', detail: chain };
}

function sinkCheck(
  source: HealthSource,
  metrics: NodeMetrics,
  now: number,
  windowMs: number,
): Check {
  const name = 'sinks';
  if (source.sinks.length === 0) return { name, status: 'ok', detail: 'no sink configured' };
  const names = source.sinks.map((s) => s.name).join(', ');
  if (recent(metrics.lastSinkFailure, now, windowMs)) {
    return {
      name,
      status: 'degraded',
      detail: `${names}: a SLURP event write failed: ${metrics.lastSinkFailure!.detail}`,
    };
  }
  return { name, status: 'ok', detail: names };
}
