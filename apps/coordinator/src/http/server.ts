import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Clock,
  type Logger,
  NotParticipantError,
  SessionClosedError,
  SessionNotFoundError,
  silentLogger,
  systemClock,
} from '@chorale/core';
import { ChoraleError, parseTaskContext, type TaskContext } from '@chorale/protocol';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { ChoraleNode } from '../compose.js';
import { dependencyJson, sessionDetailJson, sessionSummaryJson, taskJson } from './encode.js';
import { ApiError, HttpConfigError } from './errors.js';
import { openEventStream } from './events.js';
import { DEFAULT_HEALTH_WINDOW_MS, readiness } from './health.js';
import { checkListen } from './listen.js';
import { NodeMetrics } from './metrics.js';
import {
  claimResult,
  decisionBody,
  dependencyList,
  errorBody,
  liveness,
  messageBody,
  messageResult,
  nodeInfo,
  readiness as readinessSchema,
  releaseResult,
  sessionDetail,
  sessionList,
  sessionParams,
  sessionQuery,
  taskClaim,
  taskList,
  taskParams,
} from './schemas.js';

/** What the HTTP server serves: a composed node (see `createNode`). */
export type HttpNode = Pick<
  ChoraleNode,
  'config' | 'coordinator' | 'transport' | 'detector' | 'planners' | 'sinks' | 'store'
>;

export interface HttpServerOptions {
  /** `host:port`; port 0 picks a free one. */
  listen: string;
  /** Bearer token every `/api` route needs; required when `listen` is not a loopback address. */
  token?: string | undefined;
  /** The node's version, shown by `/api/node` and `chorale_info`. */
  version: string;
  clock?: Clock;
  logger?: Logger;
  /** The built dashboard (`@chorale/dashboard`'s `dashboardAssetsDir`), served at `/`. */
  dashboardDir?: string | undefined;
  /** Largest request body accepted, in bytes (413 above). Default 256 KiB. */
  bodyLimit?: number;
  /** Between two heartbeat comments on `/api/events`. Default 15 s. */
  heartbeatMs?: number;
  /** How long a planner, sink or store failure counts against readiness. Default 5 min. */
  healthWindowMs?: number;
}

export interface HttpServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly metrics: NodeMetrics;
  /** Closes the event streams, stops listening and detaches from the coordinator. */
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 256 * 1024;

/** Compares in time that does not depend on where the strings differ. */
function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Compare equal lengths always, so the time does not tell the token's length either.
  const padded = Buffer.alloc(b.length);
  a.copy(padded);
  return timingSafeEqual(padded, b) && a.length === b.length;
}

/** `keywords.2` from a zod path such as `/keywords/2`. */
function fieldOf(instancePath: string): string | undefined {
  const field = instancePath.replace(/^\//, '').replaceAll('/', '.');
  return field === '' ? undefined : field;
}

const CONTEXT_CODE: Record<string, string> = {
  body: 'invalid_body',
  querystring: 'invalid_query',
  params: 'invalid_params',
  headers: 'invalid_headers',
};

/**
 * Starts the node's HTTP server: the API under `/api`, `/metrics`, `/healthz`, `/readyz`,
 * `/openapi.json` and the dashboard at `/`. Refuses (HttpConfigError) to listen on a
 * non-loopback address without a token.
 */
export async function startHttpServer(
  node: HttpNode,
  options: HttpServerOptions,
): Promise<HttpServer> {
  const address = checkListen(options.listen, options.token);
  const token = options.token || undefined;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const startedAt = clock.now();
  const { coordinator, transport, detector } = node;

  const metrics = new NodeMetrics(node, { clock, version: options.version });
  await metrics.loadHistory();

  const app = Fastify({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    forceCloseConnections: true,
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const send = (status: number, code: string, message: string, field?: string) =>
      reply
        .status(status)
        .type('application/json')
        .send(JSON.stringify({ status, code, message, ...(field ? { field } : {}) }));
    if (hasZodFastifySchemaValidationErrors(error)) {
      const context = error.validationContext ?? 'body';
      const issue = error.validation[0]!;
      const field = fieldOf(issue.instancePath);
      return send(
        400,
        CONTEXT_CODE[context] ?? 'invalid_request',
        `${context === 'querystring' ? 'query' : context} ${field ?? '(root)'}: ${issue.message}`,
        field,
      );
    }
    if (error instanceof ApiError)
      return send(error.status, error.apiCode, error.message, error.field);
    if (error instanceof SessionNotFoundError) return send(404, 'not_found', error.message);
    if (error instanceof SessionClosedError) return send(409, 'session_closed', error.message);
    if (error instanceof NotParticipantError)
      return send(403, 'not_participant', error.message, 'agent_id');
    const status = error.statusCode ?? 500;
    if (status === 413) return send(413, 'payload_too_large', error.message);
    if (status === 415) return send(415, 'unsupported_media_type', error.message);
    if (status >= 400 && status < 500) return send(status, 'bad_request', error.message);
    logger.error(
      { error: error.message, method: request.method, url: request.url },
      'http request failed',
    );
    return send(500, 'internal', ChoraleError.isInstance(error) ? error.message : 'internal error');
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      status: 404,
      code: 'not_found',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    });
  });

  if (token) {
    app.addHook('onRequest', async (request) => {
      if (!request.url.startsWith('/api/') && request.url !== '/api') return;
      const header = request.headers.authorization ?? '';
      // A browser's EventSource cannot send headers: /api/events also takes `?token=`.
      const fromQuery =
        request.routeOptions.url === '/api/events'
          ? (request.query as { token?: unknown }).token
          : undefined;
      const given =
        /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ??
        (typeof fromQuery === 'string' && fromQuery !== '' ? fromQuery : undefined);
      if (!given || !sameToken(given, token)) {
        throw new ApiError(
          401,
          'unauthorized',
          given ? 'wrong bearer token' : 'this node needs "Authorization: Bearer <token>"',
        );
      }
    });
  }

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Chorale node API',
        description: 'Sessions, tasks, dependencies and live events of a Chorale coordinator node.',
        version: options.version,
      },
      ...(token
        ? {
            components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
            security: [{ bearer: [] }],
          }
        : {}),
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  const events = openEventStream(app, coordinator, {
    clock,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    metrics,
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: errorBody, 401: errorBody, 404: errorBody };

  api.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  api.get(
    '/api/node',
    { schema: { summary: 'This node', response: { 200: nodeInfo, 401: errorBody } } },
    () => ({
      peer_id: transport.peerId,
      addresses: transport.multiaddrs?.() ?? [],
      peers: transport.peers(),
      version: options.version,
      started_at: new Date(startedAt).toISOString(),
      uptime_seconds: Math.max(0, (clock.now() - startedAt) / 1000),
      plugins: {
        transport: transport.name,
        planners: node.planners.map((p) => p.name),
        rule_packs: node.config.rules.map((r) => r.name),
        sinks: node.sinks.map((s) => s.name),
        store: node.store.name,
      },
    }),
  );

  api.get(
    '/api/tasks',
    {
      schema: {
        summary: 'Claimed tasks this node knows',
        response: { 200: taskList, 401: errorBody },
      },
    },
    () => ({ tasks: detector.knownTasks().map(taskJson) }),
  );

  api.post(
    '/api/tasks',
    {
      schema: {
        summary: 'Claim a task: published to the mesh and checked for dependencies',
        body: taskClaim,
        response: { 201: claimResult, ...errors },
      },
    },
    async (request, reply) => {
      const parsed = parseTaskContext(request.body);
      if (!parsed.ok) {
        // The protocol names the message type first: `task_claim: keywords.1: ...`
        const message = parsed.error.message.replace(/^task_claim: /, '');
        const field = /^([\w.]+): /.exec(message)?.[1];
        throw new ApiError(400, 'invalid_body', `body ${message}`, field);
      }
      const dependencies = await coordinator.submitClaim(parsed.value);
      const task = findTask(detector.knownTasks(), parsed.value) ?? parsed.value;
      reply.status(201);
      return {
        task: taskJson(task),
        dependencies: dependencies.map((d) => dependencyJson(d, coordinator.sessionIdFor(d))),
      };
    },
  );

  api.delete(
    '/api/tasks/:project_id/:task_id',
    {
      schema: {
        summary: 'Release a claimed task: the detector forgets it',
        params: taskParams,
        response: { 200: releaseResult, ...errors },
      },
    },
    (request) => {
      const { project_id, task_id } = request.params;
      const task = findTask(detector.knownTasks(), { projectId: project_id, taskId: task_id });
      if (!task) {
        throw new ApiError(404, 'not_found', `no claimed task ${project_id}/${task_id}`);
      }
      coordinator.releaseTask(task);
      events.emitReleased(task);
      return { released: taskJson(task) };
    },
  );

  api.get(
    '/api/dependencies',
    {
      schema: {
        summary: 'Dependencies this node has sessions for, oldest first',
        response: { 200: dependencyList, 401: errorBody },
      },
    },
    async () => {
      const sessions = await coordinator.listSessions();
      return {
        dependencies: sessions
          .flatMap((s) => (s.dependency ? [{ dependency: s.dependency, id: s.sessionId }] : []))
          .sort((a, b) => a.dependency.detectedAt - b.dependency.detectedAt)
          .map(({ dependency, id }) => dependencyJson(dependency, id)),
      };
    },
  );

  api.get(
    '/api/sessions',
    {
      schema: {
        summary: 'Sessions, history included, most recent activity first',
        querystring: sessionQuery,
        response: { 200: sessionList, ...errors },
      },
    },
    async (request) => {
      const { status, limit } = request.query;
      const sessions = await coordinator.listSessions({ ...(status ? { status } : {}), limit });
      return { sessions: sessions.map(sessionSummaryJson) };
    },
  );

  const loadSession = async (id: string) => {
    const session = coordinator.getSession(id) ?? (await coordinator.loadSession(id));
    if (!session) throw new ApiError(404, 'not_found', `no session "${id}"`);
    return session;
  };

  api.get(
    '/api/sessions/:id',
    {
      schema: {
        summary: 'A session: participants, tasks, plans, messages, decision',
        params: sessionParams,
        response: { 200: sessionDetail, ...errors },
      },
    },
    async (request) => sessionDetailJson(await loadSession(request.params.id)),
  );

  api.post(
    '/api/sessions/:id/messages',
    {
      schema: {
        summary: 'Reply in an active session on behalf of a participant',
        params: sessionParams,
        body: messageBody,
        response: { 201: messageResult, 403: errorBody, 409: errorBody, ...errors },
      },
    },
    async (request, reply) => {
      const { agent_id, type, content } = request.body;
      const session = await coordinator.postMessage(request.params.id, {
        agentId: agent_id,
        content,
        ...(type ? { type } : {}),
      });
      reply.status(201);
      return { session: sessionDetailJson(session) };
    },
  );

  const decisions = {
    resolve: (id: string, reason: string, by: string) => coordinator.resolveSession(id, reason, by),
    escalate: (id: string, reason: string, by: string) =>
      coordinator.escalateSession(id, reason, by),
    close: (id: string, reason: string, by: string) => coordinator.closeSession(id, reason, by),
  };
  for (const [action, decide] of Object.entries(decisions)) {
    api.post(
      `/api/sessions/:id/${action}`,
      {
        schema: {
          summary: `${action[0]!.toUpperCase()}${action.slice(1)} an active session (a human decision, recorded in the session and its SLURP event)`,
          params: sessionParams,
          body: decisionBody,
          response: { 200: sessionDetail, 409: errorBody, ...errors },
        },
      },
      async (request) => {
        const { reason, by } = request.body;
        return sessionDetailJson(await decide(request.params.id, reason, by));
      },
    );
  }

  api.get('/healthz', { schema: { summary: 'Liveness', response: { 200: liveness } } }, () => ({
    status: 'ok' as const,
  }));

  api.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: one entry per check; 503 when a check fails',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      const result = await readiness(
        { ...node, dataDir: node.config.dataDir },
        metrics,
        clock,
        options.healthWindowMs ?? DEFAULT_HEALTH_WINDOW_MS,
      );
      reply.status(result.ready ? 200 : 503);
      return result;
    },
  );

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.contentType);
    return metrics.metrics();
  });

  // The dashboard (apps/dashboard, built to static files).
  if (options.dashboardDir && existsSync(join(options.dashboardDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: options.dashboardDir, prefix: '/' });
  } else {
    app.get('/', { schema: { hide: true } }, (_request, reply) => {
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send(
          `The dashboard is not built${options.dashboardDir ? ` (no index.html in ${options.dashboardDir})` : ''}: run "pnpm --filter @chorale/dashboard build". The API is at /api, metrics at /metrics.\n`,
        );
    });
  }

  try {
    await app.listen({ host: address.host, port: address.port });
  } catch (error) {
    metrics.close();
    events.close();
    throw new HttpConfigError(`cannot listen on ${options.listen}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : address.port;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  let closed = false;
  return {
    url: `http://${host}:${port}`,
    app,
    metrics,
    async close() {
      if (closed) return;
      closed = true;
      events.close();
      await app.close();
      metrics.close();
    },
  };
}

function findTask(
  tasks: readonly TaskContext[],
  key: Pick<TaskContext, 'projectId' | 'taskId'>,
): TaskContext | undefined {
  return tasks.find(
    (t) => String(t.projectId) === String(key.projectId) && String(t.taskId) === String(key.taskId),
  );
}
