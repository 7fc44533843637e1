/**
 * A fake Anthropic Messages API for tests: a real HTTP server on 127.0.0.1 that answers
 * `POST /v1/messages` with scripted replies built from recorded response bodies. Point the
 * Anthropic planner (or the SDK) at `server.url` as its base URL.
 *
 * ```ts
 * const server = await startFakeAnthropic();
 * server.enqueue(anthropicReplies.rateLimited(1), anthropicReplies.plan());
 * // ... the planner's call ...
 * expect(server.requests).toHaveLength(2);
 * await server.close();
 * ```
 *
 * With an empty queue every request gets the default reply: the recorded plan (a
 * `submit_plan` tool call), or what `respondWith` set.
 */
import {
  type FakeHttpServer,
  type FakeReply,
  type RecordedRequest,
  startFakeHttpServer,
} from './fake-http.js';
import recordedErrors from './recorded/anthropic-errors.json' with { type: 'json' };
import recordedMessage from './recorded/anthropic-message.json' with { type: 'json' };

export type { FakeReply, RecordedRequest };
export type FakeAnthropicServer = FakeHttpServer;

/** A recorded Messages API response whose content is one `submit_plan` tool call. */
export const RECORDED_ANTHROPIC_MESSAGE = recordedMessage;
/** Recorded Messages API error bodies (`{type: 'error', error: {type, message}}`), by kind. */
export const RECORDED_ANTHROPIC_ERRORS = recordedErrors;

/** The plan sections of the recorded message, as the model wrote them (snake_case keys). */
export const RECORDED_PLAN_INPUT = recordedMessage.content[0]!.input;

export interface PlanReplyOptions {
  /** The tool input; default the recorded plan. */
  input?: unknown;
  /** The `model` of the response; default the recorded one. */
  model?: string;
  usage?: { input_tokens: number; output_tokens: number };
  /** A text block written before the tool call. */
  text?: string;
  /** The tool's name; default `submit_plan`. */
  toolName?: string;
}

const errorReply = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): FakeReply => ({
  kind: 'json',
  status,
  body,
  headers: { 'request-id': (body as { request_id?: string }).request_id ?? 'req_fake', ...headers },
});

/** Replies in the Messages API's wire format. */
export const anthropicReplies = {
  /** 200 with a message whose content is a `submit_plan` tool call. */
  plan(options: PlanReplyOptions = {}): FakeReply {
    const [recordedTool] = recordedMessage.content;
    const content: unknown[] = [];
    if (options.text !== undefined) content.push({ type: 'text', text: options.text });
    content.push({
      ...recordedTool,
      name: options.toolName ?? recordedTool!.name,
      input: options.input ?? recordedTool!.input,
    });
    return {
      kind: 'json',
      body: {
        ...recordedMessage,
        model: options.model ?? recordedMessage.model,
        content,
        usage: { ...recordedMessage.usage, ...options.usage },
      },
    };
  },
  /** 200 with any message body (e.g. only text, or `stop_reason: 'max_tokens'`). */
  message(body: unknown): FakeReply {
    return { kind: 'json', body };
  },
  /** 429 `rate_limit_error` with a `retry-after` header (seconds). */
  rateLimited(retryAfterSeconds = 1): FakeReply {
    return errorReply(429, recordedErrors.rate_limit, { 'retry-after': String(retryAfterSeconds) });
  },
  /** 500 `api_error`. */
  serverError(): FakeReply {
    return errorReply(500, recordedErrors.api_error);
  },
  /** 529 `overloaded_error`. */
  overloaded(): FakeReply {
    return errorReply(529, recordedErrors.overloaded);
  },
  /** 400 `invalid_request_error`. */
  badRequest(): FakeReply {
    return errorReply(400, recordedErrors.invalid_request);
  },
  /** 401 `authentication_error`. */
  unauthorized(): FakeReply {
    return errorReply(401, recordedErrors.authentication);
  },
  /** 200 whose body is cut off in the middle: not JSON. */
  malformed(): FakeReply {
    return { kind: 'raw', body: JSON.stringify(recordedMessage).slice(0, 120) };
  },
  /** No answer until the client aborts or the server closes. */
  hold(): FakeReply {
    return { kind: 'hold' };
  },
};

/** Starts a fake Messages API on 127.0.0.1 (random port). */
export function startFakeAnthropic(
  options: { reply?: FakeReply } = {},
): Promise<FakeAnthropicServer> {
  return startFakeHttpServer(
    { method: 'POST', path: '/v1/messages' },
    options.reply ?? anthropicReplies.plan(),
    () => recordedErrors.not_found,
  );
}
