import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@chorale/config';
import {
  MemoryBus,
  MetaCoordinator,
  type Planner,
  type SlurpSink,
  silentLogger,
} from '@chorale/core';
import { ManualClock } from '@chorale/testing';
import { createNode } from '../../compose.js';
import {
  type HttpNode,
  type HttpServer,
  type HttpServerOptions,
  startHttpServer,
} from '../server.js';

/** Two claims the standard rules link (an API and its client), as the wire writes them. */
export const API_CLAIM = {
  task_id: 42,
  project_id: 1,
  repository: 'backend-api',
  title: 'Define user authentication API',
  description: 'Create OpenAPI spec for user auth endpoints',
  keywords: ['api', 'authentication', 'openapi'],
  agent_id: 'agent-001',
  claimed_at: '2025-09-30T10:00:00Z',
};
export const CLIENT_CLAIM = {
  task_id: 43,
  project_id: 2,
  repository: 'frontend-app',
  title: 'Implement authentication endpoint',
  description: 'Call the new login and token refresh endpoints from the web client',
  agent_id: 'agent-002',
  claimed_at: '2025-09-30T10:00:00Z',
};

export interface TestNode {
  node: HttpNode;
  server: HttpServer;
  clock: ManualClock;
  bus: MemoryBus;
  url: string;
  /** fetch against the server, with the token when there is one. */
  call(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A real node (config, detector with the standard rules, template planner, memory store) on the
 * in-memory bus, with its HTTP server on 127.0.0.1 and a free port. The clock is manual.
 */
export async function startTestNode(
  init: {
    server?: Partial<HttpServerOptions>;
    /** Planners put before the template planner. */
    planners?: Planner[];
    sinks?: SlurpSink[];
  } = {},
): Promise<TestNode> {
  const dir = await mkdtemp(join(tmpdir(), 'chorale-http-'));
  const config = parseConfig({ sinks: [], dataDir: dir }, undefined, { cwd: dir });
  const clock = new ManualClock('2025-09-30T10:00:00Z');
  const bus = new MemoryBus();
  const built = await createNode(config, {
    logger: silentLogger,
    transport: bus.connect('node-peer'),
    clock,
  });
  // Extra planners (before the configured chain) and other sinks: the same parts around another coordinator.
  const node: HttpNode =
    init.planners || init.sinks
      ? {
          ...built,
          planners: [...(init.planners ?? []), ...built.planners],
          sinks: init.sinks ?? built.sinks,
          coordinator: new MetaCoordinator({
            transport: built.transport,
            detector: built.detector,
            planners: [...(init.planners ?? []), ...built.planners],
            sinks: init.sinks ?? built.sinks,
            store: built.store,
            clock,
            logger: silentLogger,
          }),
        }
      : built;
  await built.transport.start();
  await node.coordinator.start();
  const server = await startHttpServer(node, {
    listen: '127.0.0.1:0',
    version: '0.0.0-test',
    clock,
    ...init.server,
  });
  const token = init.server?.token;
  return {
    node,
    server,
    clock,
    bus,
    url: server.url,
    call(path, { json, headers, ...rest } = {}) {
      return fetch(`${server.url}${path}`, {
        ...rest,
        headers: {
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(headers as Record<string, string>),
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
    },
    async close() {
      await server.close();
      await node.coordinator.stop();
      await built.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
