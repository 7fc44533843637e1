import {
  PLAN_SECTIONS_JSON_SCHEMA,
  type PlanRequest,
  renderPlanText,
  SPECIFICATION_VERSION,
  UnusablePlanError,
} from '@chorale/core';
import { ManualClock } from '@chorale/testing';
import {
  type FakeOllamaServer,
  ollamaReplies,
  RECORDED_OLLAMA_CHAT,
  startFakeOllama,
} from '@chorale/testing/fake-ollama';
import { dependencyRequest, SAMPLE_TASKS as T } from '@chorale/testing/planner';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import plugin, {
  DEFAULT_OLLAMA_MODEL,
  OllamaApiError,
  OllamaConnectionError,
  type OllamaPlannerOptions,
  OllamaResponseError,
  ollamaPlanner,
} from './index.js';

let server: FakeOllamaServer;
beforeEach(async () => {
  server = await startFakeOllama();
});
afterEach(() => server.close());

const planner = (options: OllamaPlannerOptions = {}) =>
  ollamaPlanner({ host: server.url, retryDelayMs: 1, maxRetryDelayMs: 5, ...options });
const signal = () => new AbortController().signal;

function apiRequest(): PlanRequest {
  const request = dependencyRequest(T.authApi, T.authEndpoint, 'API_Contract');
  request.dependency!.order = 'task1_first';
  request.dependency!.evidence = {
    task1Terms: ['openapi'],
    task2Terms: ['login endpoint'],
    references: [],
    signals: ['both tasks name the auth endpoints'],
  };
  return request;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const RECORDED_SECTIONS = JSON.parse(RECORDED_OLLAMA_CHAT.message.content) as Record<
  string,
  string[]
>;

describe('ollamaPlanner: the request', () => {
  it('asks /api/chat for phi3, not streamed, with the sections schema as the format', async () => {
    const p = planner();
    expect(p.model).toBe(DEFAULT_OLLAMA_MODEL);
    expect(DEFAULT_OLLAMA_MODEL).toBe('phi3');
    await p.plan(apiRequest(), signal());
    expect(server.requests).toHaveLength(1);
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      model: 'phi3',
      stream: false,
      format: PLAN_SECTIONS_JSON_SCHEMA,
    });
    expect(body).not.toHaveProperty('options');
    expect(body).not.toHaveProperty('keep_alive');
  });

  it('sends the system prompt and the situation: tasks, repositories, relationship, evidence', async () => {
    await planner().plan(apiRequest(), signal());
    const { messages } = server.requests[0]!.body as {
      messages: { role: string; content: string }[];
    };
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(messages[0]!.content).toContain('expert AI project coordinator');
    for (const expected of [
      'Task 1: backend-api/Define user authentication API #42 (Agent: agent-001)',
      'Task 2: frontend-app/Implement authentication endpoint #43 (Agent: agent-002)',
      'Repositories: backend-api, frontend-app',
      'Relationship: API_Contract',
      'Matched in task 2: login endpoint',
      'both tasks name the auth endpoints',
      'goes first',
    ]) {
      expect(messages[1]!.content).toContain(expected);
    }
  });

  it('sends model, temperature and keep_alive when configured', async () => {
    await planner({ model: 'llama3.2:3b', temperature: 0.1, keepAlive: '10m' }).plan(
      apiRequest(),
      signal(),
    );
    expect(server.requests[0]!.body).toMatchObject({
      model: 'llama3.2:3b',
      options: { temperature: 0.1 },
      keep_alive: '10m',
    });
  });
});

describe('ollamaPlanner: answers', () => {
  it('parses the content as the sections; usage from the eval counts; the model answered', async () => {
    server.respondWith(
      ollamaReplies.plan({ model: 'phi3:latest', counts: { prompt: 600, completion: 170 } }),
    );
    const plan = await planner().plan(apiRequest(), signal());
    expect(plan.sections?.sequence).toEqual(RECORDED_SECTIONS.sequence);
    expect(plan.sections?.potentialConflicts).toEqual(RECORDED_SECTIONS.potential_conflicts);
    expect(plan.text).toBe(renderPlanText(plan.sections!));
    expect(plan.model).toBe('phi3:latest');
    expect(plan.usage).toEqual({ inputTokens: 600, outputTokens: 170 });
    expect(plan.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('content that is not JSON is an UnusablePlanError', async () => {
    server.respondWith(ollamaReplies.plan({ content: 'COORDINATION PLAN: 1. SEQUENCE: ...' }));
    const error = await rejection(planner().plan(apiRequest(), signal()));
    expect(error).toBeInstanceOf(UnusablePlanError);
    expect(error.message).toMatch(/not JSON/);
  });

  it('JSON without the sections is an UnusablePlanError naming them', async () => {
    server.respondWith(ollamaReplies.plan({ json: { sequence: ['a'], success_criteria: [] } }));
    const error = await rejection(planner().plan(apiRequest(), signal()));
    expect(error).toBeInstanceOf(UnusablePlanError);
    expect(error.message).toContain('information_sharing');
  });

  it('a malformed body is a clear OllamaResponseError, not retried', async () => {
    server.respondWith(ollamaReplies.malformed());
    const error = await rejection(planner().plan(apiRequest(), signal()));
    expect(error).toBeInstanceOf(OllamaResponseError);
    expect(error).toMatchObject({ code: 'OLLAMA_BAD_RESPONSE' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('ollamaPlanner: errors and retries', () => {
  it('retries a 503 (server busy) and a 429, then plans', async () => {
    server.enqueue(ollamaReplies.error(503, 'server_busy'), ollamaReplies.error(429, 'slow down'));
    const plan = await planner({ maxRetries: 2 }).plan(apiRequest(), signal());
    expect(plan.sections).toBeDefined();
    expect(server.requests).toHaveLength(3);
  });

  it('a 500 that persists: retried, then OllamaApiError with the server message', async () => {
    server.respondWith(ollamaReplies.error(500, 'internal'));
    const error = await rejection(planner().plan(apiRequest(), signal()));
    expect(error).toBeInstanceOf(OllamaApiError);
    expect(error).toMatchObject({ code: 'OLLAMA_API_ERROR', status: 500, isRetryable: true });
    expect(error.message).toBe(
      'Ollama answered 500 after 2 attempts: llama runner process has terminated: signal: killed',
    );
    expect(server.requests).toHaveLength(2);
  });

  it('a 404 for a missing model: one request, and the hint to pull it', async () => {
    server.respondWith(ollamaReplies.error(404, 'model_not_found'));
    const error = await rejection(planner().plan(apiRequest(), signal()));
    expect(error).toMatchObject({ status: 404, isRetryable: false });
    expect(error.message).toContain('run `ollama pull phi3` on the Ollama host');
    expect(server.requests).toHaveLength(1);
  });

  it('a 400 is never retried', async () => {
    server.respondWith(ollamaReplies.error(400, 'bad_request'));
    await expect(planner().plan(apiRequest(), signal())).rejects.toBeInstanceOf(OllamaApiError);
    expect(server.requests).toHaveLength(1);
  });

  it('an abort during the backoff rejects at once: no further request', async () => {
    const clock = new ManualClock();
    server.enqueue(ollamaReplies.error(503, 'server_busy'));
    const controller = new AbortController();
    const pending = planner({ clock }).plan(apiRequest(), controller.signal);
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    const reason = new Error('planner deadline');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await clock.advance(10_000);
    expect(server.requests).toHaveLength(1);
  });

  it('a refused connection says how to start Ollama', async () => {
    const url = server.url;
    await server.close();
    const error = await rejection(
      ollamaPlanner({ host: url, maxRetries: 0 }).plan(apiRequest(), signal()),
    );
    expect(error).toBeInstanceOf(OllamaConnectionError);
    expect(error.message).toContain(`could not reach Ollama at ${url}`);
    expect(error.message).toContain('ollama serve');
    server = await startFakeOllama();
  });
});

describe('ollamaPlanner: deadline', () => {
  it('a reply slower than the deadline: the abort rejects with its reason and cancels the request', async () => {
    server.respondWith(ollamaReplies.hold());
    const controller = new AbortController();
    const pending = planner().plan(apiRequest(), controller.signal);
    await server.waitForRequests(1);
    const reason = new Error('planner deadline');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await server.waitForClientGone(0);
  });

  it('aborting one call leaves another call of the same planner running', async () => {
    server.enqueue(ollamaReplies.hold(), ollamaReplies.hold());
    const p = planner();
    const first = new AbortController();
    const second = new AbortController();
    const a = p.plan(apiRequest(), first.signal);
    const b = p.plan(apiRequest(), second.signal);
    await server.waitForRequests(2);
    first.abort(new Error('first deadline'));
    await expect(a).rejects.toThrow('first deadline');
    await server.waitForClientGone(0);
    let settled = false;
    b.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    second.abort(new Error('second deadline'));
    await expect(b).rejects.toThrow('second deadline');
  });
});

describe('plugin definition', () => {
  it('is a v1 planner plugin whose options are checked', async () => {
    expect(plugin.kind).toBe('planner');
    expect(plugin.name).toBe('@chorale/planner-ollama');
    expect(plugin.specificationVersion).toBe(SPECIFICATION_VERSION);
    expect(plugin.options.safeParse({ host: 'http://gpu-box:11434', model: 'phi3' }).success).toBe(
      true,
    );
    expect(plugin.options.safeParse({ hots: 'typo' }).success).toBe(false);
    expect(plugin.options.safeParse({ host: 'gpu-box' }).success).toBe(false);
    const p = await plugin.create({ host: server.url, name: 'local' }, {
      clock: new ManualClock(),
      logger: undefined,
    } as never);
    expect(p.name).toBe('local');
    expect(p.usesTokens).toBe(true);
    await expect(p.plan(apiRequest(), signal())).resolves.toHaveProperty('sections');
  });
});
