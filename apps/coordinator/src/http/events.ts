import type { ServerResponse } from 'node:http';
import type {
  Clock,
  CoordinationSession,
  CoordinatorEvents,
  MetaCoordinator,
  TimerHandle,
} from '@chorale/core';
import { encodeSlurpEvent, type PlanProvenance, type TaskContext } from '@chorale/protocol';
import type { FastifyInstance } from 'fastify';
import { dependencyJson, messageJson, planJson, sessionSummaryJson, taskJson } from './encode.js';
import type { NodeMetrics } from './metrics.js';
import type { SseEvent } from './schemas.js';

/** The coordinator's events as the stream sends them (`wire` envelopes are left out: the other events say what they carried). */
const TRANSLATE: {
  [K in keyof CoordinatorEvents]?: (...args: CoordinatorEvents[K]) => SseEvent;
} = {
  task_claimed: (task) => ({ event: 'task_claimed', data: { task: taskJson(task) } }),
  dependency_detected: (dependency) => ({
    event: 'dependency_detected',
    data: { dependency: dependencyJson(dependency) },
  }),
  session_opened: (session) => ({
    event: 'session_opened',
    data: { session: sessionSummaryJson(session) },
  }),
  coordination_plan: (session, message, ...rest: unknown[]) => {
    const plan = planJson(session, message, rest[0] as PlanProvenance | undefined);
    return {
      event: 'coordination_plan',
      data: {
        session: sessionSummaryJson(session),
        message: messageJson(message),
        ...(plan ? { plan } : {}),
      },
    };
  },
  message: (session, message) => ({
    event: 'message',
    data: { session: sessionSummaryJson(session), message: messageJson(message) },
  }),
  resolution: (session, reason) => outcome('resolution', session, reason),
  escalation: (session, reason) => outcome('escalation', session, reason),
  closed: (session, reason) => outcome('closed', session, reason),
  slurp: (event) => ({ event: 'slurp', data: { event: encodeSlurpEvent(event) } }),
  drop: (reason, detail) => ({ event: 'drop', data: { reason, detail } }),
};

function outcome(
  event: 'resolution' | 'escalation' | 'closed',
  session: CoordinationSession,
  reason: string,
): SseEvent {
  return { event, data: { session: sessionSummaryJson(session), reason } };
}

function frame(id: number, { event, data }: SseEvent): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export interface EventStreams {
  /** Sends `task_released` to every stream (releases happen in the HTTP layer). */
  emitReleased(task: TaskContext): void;
  /** Ends every open stream. */
  close(): void;
}

/**
 * `GET /api/events`: Server-Sent Events, one per coordinator event as it happens, with a
 * heartbeat comment every `heartbeatMs` so proxies keep the connection. A stream's listeners are
 * removed when its client goes away.
 */
export function openEventStream(
  app: FastifyInstance,
  coordinator: MetaCoordinator,
  options: { clock: Clock; heartbeatMs: number; metrics: NodeMetrics },
): EventStreams {
  const streams = new Set<(event: SseEvent | 'end') => void>();

  app.get('/api/events', { schema: { hide: true } }, (request, reply) => {
    reply.hijack();
    const res: ServerResponse = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n: connected\n\n');
    let id = 0;
    let heartbeat: TimerHandle | undefined;
    const listeners: [keyof CoordinatorEvents, (...args: never[]) => void][] = [];
    const beat = () => {
      heartbeat = options.clock.setTimeout(() => {
        res.write(': heartbeat\n\n');
        beat();
      }, options.heartbeatMs);
    };
    const send = (event: SseEvent | 'end') => {
      if (event === 'end') return cleanup(true);
      res.write(frame(++id, event));
    };
    let done = false;
    const cleanup = (end: boolean) => {
      if (done) return;
      done = true;
      for (const [name, listener] of listeners) coordinator.off(name, listener as never);
      if (heartbeat !== undefined) options.clock.clearTimeout(heartbeat);
      streams.delete(send);
      options.metrics.eventStreamClosed();
      if (end) res.end();
    };
    for (const [name, translate] of Object.entries(TRANSLATE) as [
      keyof CoordinatorEvents,
      (...args: unknown[]) => SseEvent,
    ][]) {
      const listener = (...args: unknown[]) => send(translate(...args));
      coordinator.on(name, listener as never);
      listeners.push([name, listener]);
    }
    streams.add(send);
    options.metrics.eventStreamOpened();
    beat();
    request.raw.on('close', () => cleanup(false));
    res.on('error', () => cleanup(false));
  });

  return {
    emitReleased(task) {
      for (const send of streams) send({ event: 'task_released', data: { task: taskJson(task) } });
    },
    close() {
      for (const send of [...streams]) send('end');
    },
  };
}
