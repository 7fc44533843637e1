import { afterEach, describe, expect, it } from 'vitest';
import {
  anthropicReplies,
  type RECORDED_ANTHROPIC_MESSAGE,
  RECORDED_PLAN_INPUT,
  startFakeAnthropic,
} from './fake-anthropic.js';
import type { FakeHttpServer } from './fake-http.js';
import { ollamaReplies, type RECORDED_OLLAMA_CHAT, startFakeOllama } from './fake-ollama.js';

let server: FakeHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (path: string, body: unknown, init: RequestInit = {}) =>
  fetch(`${server!.url}${path}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });

describe('startFakeAnthropic', () => {
  it('listens on 127.0.0.1 and answers with the recorded submit_plan message by default', async () => {
    server = await startFakeAnthropic();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await post('/v1/messages', { model: 'm' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as typeof RECORDED_ANTHROPIC_MESSAGE;
    expect(body.content[0]).toMatchObject({ type: 'tool_use', name: 'submit_plan' });
    expect(body.content[0]!.input).toEqual(RECORDED_PLAN_INPUT);
  });

  it('records method, path, headers and the parsed body of each request', async () => {
    server = await startFakeAnthropic();
    await post(
      '/v1/messages',
      { model: 'claude-x', max_tokens: 5 },
      { headers: { 'x-api-key': 'k1' } },
    );
    await post('/v1/messages', 'not json');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      body: { model: 'claude-x', max_tokens: 5 },
    });
    expect(server.requests[0]!.headers['x-api-key']).toBe('k1');
    expect(server.requests[1]!.body).toBeUndefined();
    expect(server.requests[1]!.rawBody).toBe('not json');
  });

  it('plays queued replies in order, then the default', async () => {
    server = await startFakeAnthropic();
    server.enqueue(anthropicReplies.rateLimited(3), anthropicReplies.overloaded());
    const first = await post('/v1/messages', {});
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(await first.json()).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error' },
    });
    const second = await post('/v1/messages', {});
    expect(second.status).toBe(529);
    expect(await second.json()).toMatchObject({ error: { type: 'overloaded_error' } });
    expect((await post('/v1/messages', {})).status).toBe(200);
  });

  it('respondWith changes the default reply; malformed bodies are not JSON', async () => {
    server = await startFakeAnthropic();
    server.respondWith(anthropicReplies.serverError());
    expect((await post('/v1/messages', {})).status).toBe(500);
    expect((await post('/v1/messages', {})).status).toBe(500);
    server.respondWith(anthropicReplies.malformed());
    const text = await (await post('/v1/messages', {})).text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('answers 404 off its route without recording the request', async () => {
    server = await startFakeAnthropic();
    expect((await post('/v1/complete', {})).status).toBe(404);
    expect(server.requests).toHaveLength(0);
  });

  it('holds a reply until the client gives up, and reports that the client left', async () => {
    server = await startFakeAnthropic({ reply: anthropicReplies.hold() });
    const controller = new AbortController();
    const pending = post('/v1/messages', {}, { signal: controller.signal });
    await server.waitForRequests(1);
    controller.abort(new Error('deadline'));
    await expect(pending).rejects.toThrow('deadline');
    await server.waitForClientGone(0);
  });
});

describe('startFakeOllama', () => {
  it('answers /api/chat with the recorded response; its content parses as the plan', async () => {
    server = await startFakeOllama();
    const body = (await (
      await post('/api/chat', { model: 'phi3' })
    ).json()) as typeof RECORDED_OLLAMA_CHAT;
    expect(body.done).toBe(true);
    expect(JSON.parse(body.message.content)).toHaveProperty('sequence');
    expect(server.requests[0]!.body).toEqual({ model: 'phi3' });
  });

  it('scripts errors in Ollama shape and custom content', async () => {
    server = await startFakeOllama();
    server.enqueue(
      ollamaReplies.error(404, 'model_not_found'),
      ollamaReplies.plan({ json: { a: 1 }, counts: { prompt: 3, completion: 4 } }),
    );
    const missing = await post('/api/chat', {});
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'model "phi3" not found, try pulling it first' });
    const custom = (await (await post('/api/chat', {})).json()) as typeof RECORDED_OLLAMA_CHAT;
    expect(custom.message.content).toBe('{"a":1}');
    expect([custom.prompt_eval_count, custom.eval_count]).toEqual([3, 4]);
  });
});
