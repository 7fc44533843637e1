import Anthropic, { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import {
  buildPlanPrompt,
  type Clock,
  type Logger,
  PLAN_SECTIONS_JSON_SCHEMA,
  type Plan,
  type Planner,
  type PlanRequest,
  parsePlanSections,
  type RetryDecision,
  renderPlanText,
  retryAfterMs,
  SPECIFICATION_VERSION,
  silentLogger,
  systemClock,
  UnusablePlanError,
  withRetries,
} from '@chorale/core';
import {
  AnthropicApiError,
  AnthropicConnectionError,
  AnthropicResponseError,
  isRetryableStatus,
  MissingApiKeyError,
} from './errors.js';

/** The model asked when the options name none: a current Claude Sonnet. */
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-5-5';
/** The tool the model is made to call with the plan's sections. */
export const PLAN_TOOL_NAME = 'submit_plan';

export interface AnthropicPlannerOptions {
  /** The planner's name in logs and in the plan's provenance. Default `anthropic`. */
  name?: string;
  /** Default {@link DEFAULT_ANTHROPIC_MODEL}. */
  model?: string;
  /** Most tokens the model may write. Default 1024. */
  maxTokens?: number;
  /**
   * Sampling temperature, sent only when set. The Messages API version the SDK speaks
   * (`2026-10-21`) refuses sampling parameters with a 400, so leave it unset unless `baseURL`
   * points at a gateway or an older API version that takes it.
   */
  temperature?: number;
  /** The API's base URL. Default: `ANTHROPIC_BASE_URL`, else Anthropic's public API. */
  baseURL?: string;
  /** Default `process.env.ANTHROPIC_API_KEY`. Without either, the factory throws `MissingApiKeyError`. */
  apiKey?: string;
  /** Retries after a 429, 5xx or 529 answer. Default 2. Other statuses are never retried. */
  maxRetries?: number;
  /** Wait before the first retry, in ms, doubled for each next one. Default 500. */
  retryDelayMs?: number;
  /** Longest wait between attempts, `retry-after` included, in ms. Default 8000. */
  maxRetryDelayMs?: number;
  /** Clock of the retry waits. Default the system clock (the plugin passes the host's). */
  clock?: Clock;
  logger?: Logger;
}

const TOOL = {
  name: PLAN_TOOL_NAME,
  description:
    'Submit the coordination plan: five sections, each a list of short, concrete sentences.',
  input_schema: PLAN_SECTIONS_JSON_SCHEMA as unknown as Anthropic.Tool.InputSchema,
} satisfies Anthropic.Tool;

/**
 * A planner that asks Claude through the Messages API. The model is made to call one tool,
 * `submit_plan`, whose input is the plan's five sections; the plan's text is the model's own
 * text when it wrote the plan out, else the sections rendered in the reference's layout.
 * Throws `MissingApiKeyError` at once when no API key is configured.
 */
export function anthropicPlanner(options: AnthropicPlannerOptions = {}): Planner {
  const apiKey = options.apiKey || process.env.ANTHROPIC_API_KEY;
  if (!apiKey) throw new MissingApiKeyError();
  const model = options.model ?? DEFAULT_ANTHROPIC_MODEL;
  const maxTokens = options.maxTokens ?? 1024;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const name = options.name ?? 'anthropic';
  const policy = {
    maxRetries: options.maxRetries ?? 2,
    initialDelayMs: options.retryDelayMs ?? 500,
    maxDelayMs: options.maxRetryDelayMs ?? 8000,
  };
  // The planner retries itself (only 429/5xx/529, within the deadline): the SDK's own retries,
  // which also cover 408, 409 and connection errors, are turned off.
  const client = new Anthropic({ apiKey, baseURL: options.baseURL, maxRetries: 0 });
  const scrub = (text: string) => text.replaceAll(apiKey, '[REDACTED:api_key]');

  const decide = (error: unknown): RetryDecision =>
    error instanceof APIError &&
    !(error instanceof APIConnectionError) &&
    typeof error.status === 'number' &&
    isRetryableStatus(error.status)
      ? { retry: true, afterMs: retryAfterMs(error.headers, clock.now()) }
      : { retry: false };

  return {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    model,
    usesTokens: true,
    async plan(request: PlanRequest, signal: AbortSignal): Promise<Plan> {
      signal.throwIfAborted();
      const started = performance.now();
      const prompt = buildPlanPrompt(request);
      const body: Anthropic.MessageCreateParamsNonStreaming = {
        model,
        max_tokens: maxTokens,
        ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
        system: prompt.system,
        messages: [{ role: 'user', content: prompt.user }],
        tools: [TOOL],
        tool_choice: { type: 'tool', name: PLAN_TOOL_NAME, disable_parallel_tool_use: true },
      };
      let attempts = 0;
      let message: Anthropic.Message;
      try {
        message = await withRetries(
          () => {
            attempts++;
            return client.messages.create(body, { signal, maxRetries: 0 });
          },
          {
            policy,
            signal,
            clock,
            decide,
            onRetry: (error, delayMs, n) =>
              logger.warn(
                {
                  planner: name,
                  session: request.sessionId,
                  status: (error as APIError).status,
                  delayMs,
                  retry: n,
                },
                'Anthropic API busy, retrying',
              ),
          },
        );
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw toChoraleError(error, attempts, client.baseURL, scrub);
      }
      const latencyMs = Math.round(performance.now() - started);
      return toPlan(message, { model, maxTokens, latencyMs });
    },
  };
}

function toPlan(
  message: Anthropic.Message,
  context: { model: string; maxTokens: number; latencyMs: number },
): Plan {
  if (typeof message !== 'object' || message === null || !Array.isArray(message.content)) {
    throw new AnthropicResponseError('the Anthropic API answered 200 without a message content');
  }
  const written = message.content
    .filter((block) => block.type === 'text')
    .map((block) => block.text.trim())
    .filter((text) => text !== '')
    .join('\n');
  const tool = message.content.find(
    (block) => block.type === 'tool_use' && block.name === PLAN_TOOL_NAME,
  );
  let sections: Plan['sections'];
  if (tool?.type === 'tool_use') {
    sections = parsePlanSections(tool.input);
  } else if (message.stop_reason === 'max_tokens') {
    throw new UnusablePlanError(
      `the model stopped at max_tokens (${context.maxTokens}) before submitting the plan; raise maxTokens`,
    );
  } else if (written !== '') {
    sections = parsePlanSections(written);
  } else {
    throw new UnusablePlanError(
      `the model answered without calling ${PLAN_TOOL_NAME} (stop_reason ${String(message.stop_reason)})`,
    );
  }
  const usage = message.usage;
  return {
    // The model's own text only when it wrote the plan out, not a remark before the tool call.
    text: /\bSEQUENCE\b/i.test(written) ? written : renderPlanText(sections),
    sections,
    model: typeof message.model === 'string' ? message.model : context.model,
    usage: {
      inputTokens:
        (usage?.input_tokens ?? 0) +
        (usage?.cache_creation_input_tokens ?? 0) +
        (usage?.cache_read_input_tokens ?? 0),
      outputTokens: usage?.output_tokens ?? 0,
    },
    latencyMs: context.latencyMs,
  };
}

function toChoraleError(
  error: unknown,
  attempts: number,
  baseURL: string,
  scrub: (text: string) => string,
): Error {
  if (error instanceof APIUserAbortError) return error;
  if (error instanceof APIConnectionError) return new AnthropicConnectionError(baseURL, error);
  if (error instanceof APIError && typeof error.status === 'number') {
    return new AnthropicApiError(
      {
        status: error.status,
        errorType: error.type ?? null,
        message: scrub(error.apiMessage ?? error.message),
        requestId: error.requestID ?? null,
      },
      { cause: error, attempts },
    );
  }
  if (error instanceof UnusablePlanError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new AnthropicResponseError(
    `the Anthropic API's answer could not be read: ${scrub(detail)}`,
    error,
  );
}
