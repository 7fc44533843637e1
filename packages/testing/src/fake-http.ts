import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake server received. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/messages`. */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The body parsed as JSON; `undefined` when it was not JSON. */
  body: unknown;
  rawBody: string;
}

/**
 * What the fake server answers to one request:
 * - `json`: a status (200 unless given), the body written as JSON, extra headers;
 * - `raw`: the body written as it is (a malformed body, an HTML error page);
 * - `hold`: no answer at all, until the client gives up or the server closes. A reply slower
 *   than any deadline, without a timer.
 */
export type FakeReply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'raw'; status?: number; body: string; headers?: Record<string, string> }
  | { kind: 'hold' };

export interface FakeHttpServer {
  /** Base URL, `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  /** Every request received on the provider's route, in order. */
  readonly requests: RecordedRequest[];
  /** Replies for the next requests, one per request, in order. */
  enqueue(...replies: FakeReply[]): void;
  /** The reply for every request once the queue is empty. */
  respondWith(reply: FakeReply): void;
  /** Resolves once `count` requests have arrived (at once if they already have). */
  waitForRequests(count: number): Promise<void>;
  /**
   * Resolves once the client has closed the connection of request `index` (0-based) before
   * an answer was written: how a test sees that an abort really cancelled the HTTP request.
   */
  waitForClientGone(index: number): Promise<void>;
  /** Stops listening and drops every open connection (held replies included). */
  close(): Promise<void>;
}

interface Route {
  method: string;
  path: string;
}

/**
 * A real HTTP server on 127.0.0.1 (random port) that answers one route with scripted replies
 * and 404 elsewhere. The provider fakes (`fake-anthropic`, `fake-ollama`) are built on it.
 */
export async function startFakeHttpServer(
  route: Route,
  defaultReply: FakeReply,
  notFound: (path: string) => unknown,
): Promise<FakeHttpServer> {
  const requests: RecordedRequest[] = [];
  const queue: FakeReply[] = [];
  let fallback = defaultReply;
  const arrivalWaiters: { count: number; resolve: () => void }[] = [];
  const gone: { promise: Promise<void>; resolve: () => void }[] = [];

  const goneSlot = (index: number) => {
    while (gone.length <= index) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      gone.push({ promise, resolve });
    }
    return gone[index]!;
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    if (req.method !== route.method || path.split('?')[0] !== route.path) {
      writeJson(res, 404, notFound(path));
      return;
    }
    const index = requests.length;
    requests.push({
      method: req.method,
      path,
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.join(', ') : (v ?? ''),
        ]),
      ),
      body: parseJson(rawBody),
      rawBody,
    });
    res.on('close', () => {
      if (!res.writableFinished) goneSlot(index).resolve();
    });
    for (const waiter of arrivalWaiters.filter((w) => requests.length >= w.count)) {
      arrivalWaiters.splice(arrivalWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const reply = queue.shift() ?? fallback;
    switch (reply.kind) {
      case 'hold':
        return;
      case 'json':
        writeJson(res, reply.status ?? 200, reply.body, reply.headers);
        return;
      case 'raw':
        res.writeHead(reply.status ?? 200, {
          'content-type': 'application/json',
          ...reply.headers,
        });
        res.end(reply.body);
        return;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    respondWith: (reply) => {
      fallback = reply;
    },
    waitForRequests: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => arrivalWaiters.push({ count, resolve })),
    waitForClientGone: (index) => goneSlot(index).promise,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
