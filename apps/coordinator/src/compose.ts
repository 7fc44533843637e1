import { mkdir } from 'node:fs/promises';
import { type ResolvedConfig, resolvePlugins } from '@chorale/config';
import {
  type Clock,
  type Components,
  type IdSource,
  type Logger,
  MetaCoordinator,
  type Planner,
  randomIds,
  type SessionStore,
  type SlurpSink,
  systemClock,
  type Transport,
} from '@chorale/core';
import { DependencyDetector } from '@chorale/detector';
import { namingConfigFile } from './errors.js';
import { OWN_DIR } from './own-dir.js';

/** A coordinator with its configured plugins, ready to start. */
export interface ChoraleNode {
  config: ResolvedConfig;
  coordinator: MetaCoordinator;
  transport: Transport;
  detector: DependencyDetector;
  planners: Planner[];
  sinks: SlurpSink[];
  store: SessionStore;
  start(): Promise<void>;
  /** Leaves the network and closes sinks and store. Idempotent. */
  close(): Promise<void>;
}

export async function createComponents(
  config: ResolvedConfig,
  logger: Logger,
  clock: Clock = systemClock,
  ids: IdSource = randomIds,
): Promise<Components> {
  await mkdir(config.dataDir, { recursive: true });
  return { clock, ids, logger, dataDir: config.dataDir, baseDir: config.baseDir };
}

/**
 * Composes a node from the config: the transport (or the one given, e.g. the in-memory bus of
 * the demo), the detector with the configured rule packs, the planner chain, sinks and store.
 */
export async function createNode(
  config: ResolvedConfig,
  options: { logger: Logger; transport?: Transport; clock?: Clock; ids?: IdSource },
): Promise<ChoraleNode> {
  const components = await createComponents(config, options.logger, options.clock, options.ids);
  const plugins = await namingConfigFile(config, () =>
    resolvePlugins(config, components, {
      resolveFrom: [OWN_DIR],
      transport: options.transport === undefined,
    }),
  );
  const transport = options.transport ?? plugins.transport;
  if (!transport) throw new Error('no transport configured');
  const detector = new DependencyDetector({ rules: plugins.rulePacks, clock: components.clock });
  const coordinator = new MetaCoordinator({
    transport,
    detector,
    planners: plugins.planners,
    sinks: plugins.sinks,
    store: plugins.store,
    clock: components.clock,
    ids: components.ids,
    logger: options.logger,
    options: {
      ...config.session,
      coordinationHops: config.detector.coordinationHops,
      topics: config.topics,
      plannerCache: config.plannerCache,
      tokenBudget: config.tokenBudget,
      redaction: config.redaction,
    },
  });
  let closed = false;
  return {
    config,
    coordinator,
    transport,
    detector,
    planners: plugins.planners,
    sinks: plugins.sinks,
    store: plugins.store,
    async start() {
      await transport.start();
      await coordinator.start();
    },
    async close() {
      if (closed) return;
      closed = true;
      await coordinator.stop();
      await transport.stop();
      await Promise.allSettled([...plugins.sinks.map((s) => s.close()), plugins.store.close()]);
    },
  };
}

/** What a running node reports in its log: one line per step of every session (drops are logged by the coordinator). */
export function logActivity(coordinator: MetaCoordinator, logger: Logger): void {
  coordinator.on('task_claimed', (t) =>
    logger.info({ agent: t.agentId, task: `${t.repository}#${t.taskId}` }, 'task claimed'),
  );
  coordinator.on('session_opened', (s) =>
    logger.info(
      { session: s.sessionId, type: s.type, participants: Object.keys(s.participants) },
      'session opened',
    ),
  );
  coordinator.on('coordination_plan', (s, m, provenance) =>
    logger.info(
      {
        session: s.sessionId,
        revision: m.planRevision,
        author: m.fromAgentId,
        ...(provenance
          ? {
              planner: provenance.planner,
              ...(provenance.cached ? { cached: true } : {}),
              ...(provenance.failures.length > 0
                ? { failed: provenance.failures.map((f) => `${f.planner}: ${f.error}`) }
                : {}),
            }
          : {}),
      },
      'plan',
    ),
  );
  coordinator.on('message', (s, m) =>
    logger.info({ session: s.sessionId, agent: m.fromAgentId, type: m.messageType }, 'reply'),
  );
  coordinator.on('resolution', (s, reason) =>
    logger.info({ session: s.sessionId, reason }, 'session resolved'),
  );
  coordinator.on('escalation', (s, reason) =>
    logger.warn({ session: s.sessionId, reason }, 'session escalated'),
  );
  coordinator.on('closed', (s, reason) =>
    logger.info({ session: s.sessionId, reason }, 'session closed'),
  );
}
