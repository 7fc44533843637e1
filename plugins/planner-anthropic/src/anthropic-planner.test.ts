import Anthropic from '@anthropic-ai/sdk';
import {
  ChoraleError,
  PLAN_SECTIONS_JSON_SCHEMA,
  type PlanRequest,
  renderPlanText,
  SPECIFICATION_VERSION,
  silentLogger,
  UnusablePlanError,
} from '@chorale/core';
import { ManualClock } from '@chorale/testing';
import {
  anthropicReplies,
  type FakeAnthropicServer,
  RECORDED_PLAN_INPUT,
  startFakeAnthropic,
} from '@chorale/testing/fake-anthropic';
import { dependencyRequest, SAMPLE_TASKS as T } from '@chorale/testing/planner';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import plugin, {
  AnthropicApiError,
  AnthropicConnectionError,
  type AnthropicPlannerOptions,
  AnthropicResponseError,
  anthropicPlanner,
  DEFAULT_ANTHROPIC_MODEL,
  MissingApiKeyError,
} from './index.js';

const KEY = 'sk-ant-api03-test-KEY-0123456789';
let server: FakeAnthropicServer;

beforeEach(async () => {
  vi.stubEnv('ANTHROPIC_API_KEY', '');
  vi.stubEnv('ANTHROPIC_BASE_URL', '');
  server = await startFakeAnthropic();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

const planner = (options: AnthropicPlannerOptions = {}) =>
  anthropicPlanner({
    apiKey: KEY,
    baseURL: server.url,
    retryDelayMs: 1,
    maxRetryDelayMs: 5,
    ...options,
  });

function apiRequest(): PlanRequest {
  const request = dependencyRequest(T.authApi, T.authEndpoint, 'API_Contract');
  request.dependency!.order = 'task1_first';
  request.dependency!.evidence = {
    task1Terms: ['openapi', 'auth endpoints'],
    task2Terms: ['login endpoint'],
    references: ['acme/backend-api#42'],
    signals: ['rare shared identifier AuthEndpoints'],
  };
  return request;
}

const signal = () => new AbortController().signal;

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('anthropicPlanner: the request', () => {
  it('sends model, max_tokens, the submit_plan tool, forced tool choice, and the key', async () => {
    await planner().plan(apiRequest(), signal());
    expect(server.requests).toHaveLength(1);
    const [sent] = server.requests;
    expect(sent!.path).toBe('/v1/messages');
    // SDK 1.x sends the API key as a bearer token.
    expect(sent!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent!.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sent!.body).toMatchObject({
      model: DEFAULT_ANTHROPIC_MODEL,
      max_tokens: 1024,
      tools: [{ name: 'submit_plan', input_schema: PLAN_SECTIONS_JSON_SCHEMA }],
      tool_choice: { type: 'tool', name: 'submit_plan' },
    });
    // The API version the SDK speaks refuses sampling parameters: none unless configured.
    expect(sent!.body).not.toHaveProperty('temperature');
  });

  it('puts both tasks, repositories, agents, relationship, reason, evidence and order in the prompt', async () => {
    await planner().plan(apiRequest(), signal());
    const body = server.requests[0]!.body as {
      system: string;
      messages: { role: string; content: string }[];
    };
    expect(body.system).toContain('expert AI project coordinator');
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]!.role).toBe('user');
    const user = body.messages[0]!.content;
    for (const expected of [
      'Task 1: backend-api/Define user authentication API #42 (Agent: agent-001)',
      'Task 2: frontend-app/Implement authentication endpoint #43 (Agent: agent-002)',
      'Repositories: backend-api, frontend-app',
      'Relationship: API_Contract',
      'Reason: API definition and implementation dependency',
      'Matched in task 1: openapi, auth endpoints',
      'Matched in task 2: login endpoint',
      'acme/backend-api#42',
      'rare shared identifier AuthEndpoints',
      'Task 1 (backend-api/Define user authentication API #42) goes first',
      '5. SUCCESS CRITERIA',
    ]) {
      expect(user).toContain(expected);
    }
  });

  it('sends the configured model, max_tokens and temperature', async () => {
    await planner({ model: 'claude-haiku-5-5', maxTokens: 600, temperature: 0.3 }).plan(
      apiRequest(),
      signal(),
    );
    expect(server.requests[0]!.body).toMatchObject({
      model: 'claude-haiku-5-5',
      max_tokens: 600,
      temperature: 0.3,
    });
  });
});

describe('anthropicPlanner: answers', () => {
  it('turns the submit_plan call into sections, text, model, usage and latency', async () => {
    server.respondWith(
      anthropicReplies.plan({
        model: 'claude-sonnet-5-5-20261001',
        usage: { input_tokens: 900, output_tokens: 250 },
      }),
    );
    const p = planner();
    expect(p.usesTokens).toBe(true);
    expect(p.model).toBe(DEFAULT_ANTHROPIC_MODEL);
    const plan = await p.plan(apiRequest(), signal());
    expect(plan.sections?.sequence).toEqual(RECORDED_PLAN_INPUT.sequence);
    expect(plan.sections?.successCriteria).toEqual(RECORDED_PLAN_INPUT.success_criteria);
    expect(plan.text).toBe(renderPlanText(plan.sections!));
    expect(plan.model).toBe('claude-sonnet-5-5-20261001');
    expect(plan.usage).toEqual({ inputTokens: 900, outputTokens: 250 });
    expect(plan.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("keeps the model's own text when it wrote the plan out, not a remark before the call", async () => {
    const written = 'COORDINATION PLAN:\n1. SEQUENCE:\n- The API spec first';
    server.enqueue(
      anthropicReplies.plan({ text: written }),
      anthropicReplies.plan({ text: "I'll submit the plan now." }),
    );
    expect((await planner().plan(apiRequest(), signal())).text).toBe(written);
    const second = await planner().plan(apiRequest(), signal());
    expect(second.text).toBe(renderPlanText(second.sections!));
  });

  it('rejects a tool call whose sections are missing with UnusablePlanError', async () => {
    server.respondWith(
      anthropicReplies.plan({ input: { sequence: ['Task 1 first'], information_sharing: [] } }),
    );
    const error = await rejection(planner().plan(apiRequest(), signal()));
    expect(error).toBeInstanceOf(UnusablePlanError);
    expect(error.message).toContain('information_sharing');
  });

  it('says to raise maxTokens when the model ran out before calling the tool', async () => {
    server.respondWith(
      anthropicReplies.message({
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-5-5',
        content: [],
        stop_reason: 'max_tokens',
        stop_sequence: null,
        usage: { input_tokens: 800, output_tokens: 1024 },
      }),
    );
    const error = await rejection(planner().plan(apiRequest(), signal()));
    expect(error).toBeInstanceOf(UnusablePlanError);
    expect(error.message).toMatch(/max_tokens \(1024\).*raise maxTokens/);
  });

  it('reads a malformed body as a clear, unretried error', async () => {
    server.respondWith(anthropicReplies.malformed());
    const error = await rejection(planner().plan(apiRequest(), signal()));
    expect(error).toBeInstanceOf(AnthropicResponseError);
    expect((error as AnthropicResponseError).code).toBe('ANTHROPIC_BAD_RESPONSE');
    expect(error.message).toMatch(/could not be read/);
    expect(server.requests).toHaveLength(1);
  });
});

describe('anthropicPlanner: retries', () => {
  it('retries a 429 and then plans', async () => {
    server.enqueue(anthropicReplies.rateLimited(1));
    const plan = await planner().plan(apiRequest(), signal());
    expect(plan.sections?.sequence.length).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body).toEqual(server.requests[0]!.body);
  });

  it('retries a 529 overloaded and a 500, then plans', async () => {
    server.enqueue(anthropicReplies.overloaded(), anthropicReplies.serverError());
    await expect(planner().plan(apiRequest(), signal())).resolves.toHaveProperty('sections');
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after maxRetries with the status, error type and attempts in the message', async () => {
    server.respondWith(anthropicReplies.serverError());
    const error = await rejection(planner().plan(apiRequest(), signal()));
    expect(error).toBeInstanceOf(AnthropicApiError);
    expect(error).toMatchObject({
      code: 'ANTHROPIC_API_ERROR',
      status: 500,
      errorType: 'api_error',
      isRetryable: true,
      requestId: 'req_011CVd3tH8nK5uRr1yZaB3cD',
    });
    expect(error.message).toBe(
      'the Anthropic API answered 500 api_error after 3 attempts: Internal server error (request req_011CVd3tH8nK5uRr1yZaB3cD)',
    );
    expect(server.requests).toHaveLength(3);
  });

  it('maxRetries 0 sends exactly one request', async () => {
    server.respondWith(anthropicReplies.overloaded());
    const error = await rejection(planner({ maxRetries: 0 }).plan(apiRequest(), signal()));
    expect(error).toMatchObject({ status: 529, errorType: 'overloaded_error' });
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['400', anthropicReplies.badRequest(), 400, 'invalid_request_error'],
    ['401', anthropicReplies.unauthorized(), 401, 'authentication_error'],
    [
      '408 (which the SDK alone would retry)',
      {
        kind: 'json',
        status: 408,
        body: { type: 'error', error: { type: 'timeout_error', message: 'Request timeout' } },
      } as const,
      408,
      'timeout_error',
    ],
  ])('never retries a %s: exactly one request', async (_label, reply, status, errorType) => {
    server.respondWith(reply);
    const error = await rejection(planner().plan(apiRequest(), signal()));
    expect(error).toBeInstanceOf(AnthropicApiError);
    expect(error).toMatchObject({ status, errorType, isRetryable: false });
    expect(error.message).not.toContain('attempts');
    expect(server.requests).toHaveLength(1);
  });

  it('never puts the API key in an error message', async () => {
    server.respondWith({
      kind: 'json',
      status: 401,
      body: {
        type: 'error',
        error: { type: 'authentication_error', message: `invalid x-api-key ${KEY}` },
      },
    });
    const error = await rejection(planner().plan(apiRequest(), signal()));
    expect(error.message).toContain('[REDACTED:api_key]');
    expect(error.message).not.toContain(KEY);
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it("waits the server's retry-after on the host's clock before retrying", async () => {
    const clock = new ManualClock();
    server.enqueue(anthropicReplies.rateLimited(2));
    const pending = planner({ clock, maxRetryDelayMs: 10_000 }).plan(apiRequest(), signal());
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    await clock.advance(1999);
    expect(server.requests).toHaveLength(1);
    await clock.advance(1);
    await expect(pending).resolves.toHaveProperty('sections');
    expect(server.requests).toHaveLength(2);
  });

  it('an abort during the backoff ends it at once: no further request', async () => {
    const clock = new ManualClock();
    server.enqueue(anthropicReplies.rateLimited(5));
    const controller = new AbortController();
    const pending = planner({ clock, maxRetryDelayMs: 10_000 }).plan(
      apiRequest(),
      controller.signal,
    );
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    const reason = new Error('planner deadline');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await clock.advance(10_000);
    expect(server.requests).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });
});

describe('@anthropic-ai/sdk retry behaviour (why the planner turns it off)', () => {
  it('the SDK alone retries a 408 and follows retry-after-ms; the planner sends it once', async () => {
    const timeout = {
      kind: 'json',
      status: 408,
      body: { type: 'error', error: { type: 'timeout_error', message: 'Request timeout' } },
      headers: { 'retry-after-ms': '1' },
    } as const;
    server.respondWith(timeout);
    const sdk = new Anthropic({ apiKey: KEY, baseURL: server.url, maxRetries: 2 });
    await expect(
      sdk.messages.create({
        model: 'm',
        max_tokens: 1,
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 408 });
    expect(server.requests).toHaveLength(3);
    await expect(planner().plan(apiRequest(), signal())).rejects.toMatchObject({ status: 408 });
    expect(server.requests).toHaveLength(4);
  });
});

describe('anthropicPlanner: deadline and connection', () => {
  it('a reply slower than the deadline: the abort rejects with its reason and cancels the request', async () => {
    server.respondWith(anthropicReplies.hold());
    const controller = new AbortController();
    const pending = planner().plan(apiRequest(), controller.signal);
    await server.waitForRequests(1);
    const reason = new Error('planner deadline');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await server.waitForClientGone(0);
    expect(server.requests).toHaveLength(1);
  });

  it('an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort(new Error('late'));
    await expect(planner().plan(apiRequest(), controller.signal)).rejects.toThrow('late');
    expect(server.requests).toHaveLength(0);
  });

  it('a refused connection is an AnthropicConnectionError naming the URL', async () => {
    const url = server.url;
    await server.close();
    const error = await rejection(
      anthropicPlanner({ apiKey: KEY, baseURL: url, maxRetries: 0 }).plan(apiRequest(), signal()),
    );
    expect(error).toBeInstanceOf(AnthropicConnectionError);
    expect(error.message).toContain(`could not reach the Anthropic API at ${url}`);
    server = await startFakeAnthropic();
  });
});

describe('anthropicPlanner: API key', () => {
  it('throws MissingApiKeyError at once when neither the option nor ANTHROPIC_API_KEY is set', () => {
    let error: unknown;
    try {
      anthropicPlanner({ baseURL: server.url });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingApiKeyError);
    expect(ChoraleError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'MISSING_API_KEY', name: 'MissingApiKeyError' });
    expect((error as Error).message).toContain('ANTHROPIC_API_KEY');
    expect((error as Error).message).toContain('apiKey');
  });

  it('takes the key from ANTHROPIC_API_KEY by default', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-from-env');
    await anthropicPlanner({ baseURL: server.url }).plan(apiRequest(), signal());
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-ant-from-env');
  });
});

describe('plugin definition', () => {
  it('is a v1 planner plugin whose options are checked', () => {
    expect(plugin.kind).toBe('planner');
    expect(plugin.name).toBe('@chorale/planner-anthropic');
    expect(plugin.specificationVersion).toBe(SPECIFICATION_VERSION);
    const valid = { apiKey: KEY, model: 'claude-opus-5-5', maxTokens: 2048 };
    expect(plugin.options.safeParse(valid).success).toBe(true);
    expect(plugin.options.safeParse({ apiKey: KEY, modle: 'typo' }).success).toBe(false);
    expect(plugin.options.safeParse({ apiKey: KEY, maxTokens: 0 }).success).toBe(false);
    expect(plugin.options.safeParse({ apiKey: KEY, baseURL: 'not a url' }).success).toBe(false);
  });

  it('refuses options without an API key when ANTHROPIC_API_KEY is unset (config check catches it)', () => {
    vi.stubEnv('ANTHROPIC_API_KEY', '');
    try {
      const result = plugin.options.safeParse({ model: 'claude-sonnet-5-5' });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]).toMatchObject({ path: ['apiKey'] });
      expect(plugin.options.safeParse({ apiKey: KEY }).success).toBe(true);
      vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-from-env');
      expect(plugin.options.safeParse({}).success).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("creates a planner on the host's clock and logger; a missing key fails create", async () => {
    const clock = new ManualClock();
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, warn: (fields: unknown) => warnings.push(fields) };
    const components = { clock, logger, ids: undefined, dataDir: '', baseDir: '' } as never;
    expect(() => plugin.create({ baseURL: server.url }, components)).toThrow(MissingApiKeyError);
    const p = await plugin.create({ apiKey: KEY, baseURL: server.url, name: 'claude' }, components);
    expect(p.name).toBe('claude');
    server.enqueue(anthropicReplies.overloaded());
    const pending = p.plan(apiRequest(), signal());
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    await clock.advance(8000);
    await expect(pending).resolves.toHaveProperty('sections');
    expect(warnings).toEqual([expect.objectContaining({ status: 529, retry: 1 })]);
  });
});
