import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, TOKEN_KEY, type TokenStorage } from './api.js';

class MemoryStorage implements TokenStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

interface Call {
  url: string;
  method: string;
  authorization: string | undefined;
  body: unknown;
}

/** A node that wants `Bearer right` (or no token when `token` is undefined). */
function fakeNode(token: string | undefined, answer: (call: Call) => Response) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    const call = {
      url,
      method: init.method ?? 'GET',
      authorization: headers.authorization,
      body: init.body ? JSON.parse(init.body as string) : undefined,
    };
    calls.push(call);
    if (token !== undefined && call.authorization !== `Bearer ${token}`)
      return Response.json(
        { status: 401, code: 'unauthorized', message: 'token' },
        { status: 401 },
      );
    return answer(call);
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

const ok = () => Response.json({ sessions: [] });

describe('ApiClient', () => {
  it('asks for the token on a 401, retries with it and keeps it for the tab', async () => {
    const node = fakeNode('right', ok);
    const storage = new MemoryStorage();
    const asked: boolean[] = [];
    const api = new ApiClient({
      fetch: node.fetch,
      storage,
      askToken: async (refused) => {
        asked.push(refused);
        return asked.length === 1 ? 'wrong' : 'right';
      },
    });
    expect(await api.sessions()).toEqual([]);
    expect(asked).toEqual([false, true]);
    expect(node.calls.map((c) => c.authorization)).toEqual([
      undefined,
      'Bearer wrong',
      'Bearer right',
    ]);
    expect(storage.getItem(TOKEN_KEY)).toBe('right');
    expect(api.eventsUrl()).toBe('/api/events?token=right');

    // a new page in the same tab starts with the kept token
    const again = new ApiClient({
      fetch: node.fetch,
      storage,
      askToken: () => Promise.reject(new Error('should not ask')),
    });
    await again.sessions();
    expect(node.calls.at(-1)?.authorization).toBe('Bearer right');
  });

  it('asks once for requests refused together', async () => {
    const node = fakeNode('t', ok);
    let asked = 0;
    const api = new ApiClient({
      fetch: node.fetch,
      storage: new MemoryStorage(),
      askToken: async () => {
        asked++;
        return 't';
      },
    });
    await Promise.all([api.sessions(), api.sessions(), api.sessions()]);
    expect(asked).toBe(1);
  });

  it('sends no token and no query parameter to a node without one', async () => {
    const node = fakeNode(undefined, ok);
    const api = new ApiClient({
      fetch: node.fetch,
      storage: new MemoryStorage(),
      askToken: () => Promise.reject(new Error('should not ask')),
      base: 'http://127.0.0.1:7700',
    });
    await api.sessions();
    expect(node.calls[0]?.url).toBe('http://127.0.0.1:7700/api/sessions?limit=500');
    expect(node.calls[0]?.authorization).toBeUndefined();
    expect(api.eventsUrl()).toBe('http://127.0.0.1:7700/api/events');
  });

  it('posts decisions and replies to the session routes, the id escaped', async () => {
    const node = fakeNode(undefined, (call) =>
      Response.json(
        call.url.endsWith('/messages') ? { session: { session_id: 'a/b' } } : { session_id: 'a/b' },
      ),
    );
    const api = new ApiClient({
      fetch: node.fetch,
      storage: new MemoryStorage(),
      askToken: async () => '',
    });
    await api.decide('a/b', 'resolve', { reason: 'Ship it', by: 'alice' });
    const replied = await api.reply('a/b', {
      agent_id: 'agent-001',
      type: 'agreement',
      content: 'ok',
    });
    expect(replied.session_id).toBe('a/b');
    expect(node.calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['POST', '/api/sessions/a%2Fb/resolve', { reason: 'Ship it', by: 'alice' }],
      [
        'POST',
        '/api/sessions/a%2Fb/messages',
        { agent_id: 'agent-001', type: 'agreement', content: 'ok' },
      ],
    ]);
  });

  it('turns an error answer into an ApiError with the code and field', async () => {
    const node = fakeNode(undefined, () =>
      Response.json(
        { status: 400, code: 'invalid_body', message: 'reason: too short', field: 'reason' },
        { status: 400 },
      ),
    );
    const api = new ApiClient({
      fetch: node.fetch,
      storage: new MemoryStorage(),
      askToken: async () => '',
    });
    const error = await api.decide('s', 'close', { reason: '', by: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_body',
      field: 'reason',
      message: 'reason: too short',
    });
  });

  it('names the status when the error answer is not JSON', async () => {
    const node = fakeNode(
      undefined,
      () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    const api = new ApiClient({
      fetch: node.fetch,
      storage: new MemoryStorage(),
      askToken: async () => '',
    });
    await expect(api.node()).rejects.toMatchObject({
      message: '502 Bad Gateway',
      code: 'http_error',
    });
  });
});
