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
  SPECIFICATION_VERSION,
  silentLogger,
  systemClock,
  UnusablePlanError,
  withRetries,
} from '@chorale/core';
import { type ChatResponse, Ollama } from 'ollama';
import {
  isRetryableStatus,
  OllamaApiError,
  OllamaConnectionError,
  OllamaResponseError,
} from './errors.js';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';
/** The reference's model. */
export const DEFAULT_OLLAMA_MODEL = 'phi3';

export interface OllamaPlannerOptions {
  /** The planner's name in logs and in the plan's provenance. Default `ollama`. */
  name?: string;
  /** Default {@link DEFAULT_OLLAMA_HOST}. */
  host?: string;
  /** Default {@link DEFAULT_OLLAMA_MODEL}. */
  model?: string;
  /** Sampling temperature (`options.temperature`); the model's default when unset. */
  temperature?: number;
  /** How long Ollama keeps the model loaded after the request (`keep_alive`), e.g. `10m` or seconds. */
  keepAlive?: string | number;
  /** Retries after a 429 or 5xx answer (503: server busy). Default 1. */
  maxRetries?: number;
  /** Wait before the first retry, in ms, doubled for each next one. Default 500. */
  retryDelayMs?: number;
  /** Longest wait between attempts, in ms. Default 4000. */
  maxRetryDelayMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/** An Ollama error status as the client raises it (its class is not exported). */
interface OllamaResponseFailure extends Error {
  error: string;
  status_code: number;
}

function isResponseFailure(error: unknown): error is OllamaResponseFailure {
  return (
    error instanceof Error &&
    error.name === 'ResponseError' &&
    typeof (error as Partial<OllamaResponseFailure>).status_code === 'number'
  );
}

/**
 * A planner that asks a local model through Ollama's chat API, with the plan's JSON schema as
 * the `format`, so the answer's content is the five sections as JSON.
 */
export function ollamaPlanner(options: OllamaPlannerOptions = {}): Planner {
  const host = (options.host ?? DEFAULT_OLLAMA_HOST).replace(/\/+$/, '');
  const model = options.model ?? DEFAULT_OLLAMA_MODEL;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const name = options.name ?? 'ollama';
  const policy = {
    maxRetries: options.maxRetries ?? 1,
    initialDelayMs: options.retryDelayMs ?? 500,
    maxDelayMs: options.maxRetryDelayMs ?? 4000,
  };
  const decide = (error: unknown): RetryDecision =>
    isResponseFailure(error) && isRetryableStatus(error.status_code)
      ? { retry: true }
      : { retry: false };

  return {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    model,
    usesTokens: true,
    async plan(request: PlanRequest, signal: AbortSignal): Promise<Plan> {
      signal.throwIfAborted();
      const started = performance.now();
      // The client passes no signal on non-streamed requests and its abort() only stops
      // streams (all of them): a client per call, whose fetch carries this call's signal.
      const client = new Ollama({
        host,
        fetch: (input, init) => fetch(input, { ...init, signal }),
      });
      const prompt = buildPlanPrompt(request);
      let attempts = 0;
      let response: ChatResponse;
      try {
        response = await withRetries(
          () => {
            attempts++;
            return client.chat({
              model,
              messages: [
                { role: 'system', content: prompt.system },
                { role: 'user', content: prompt.user },
              ],
              format: PLAN_SECTIONS_JSON_SCHEMA,
              stream: false,
              ...(options.temperature === undefined
                ? {}
                : { options: { temperature: options.temperature } }),
              ...(options.keepAlive === undefined ? {} : { keep_alive: options.keepAlive }),
            });
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
                  status: (error as OllamaResponseFailure).status_code,
                  delayMs,
                  retry: n,
                },
                'Ollama busy, retrying',
              ),
          },
        );
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw toChoraleError(error, attempts, host, model);
      }
      const content = response?.message?.content;
      if (typeof content !== 'string') {
        throw new OllamaResponseError('Ollama answered 200 without a message content');
      }
      if (response.done_reason === 'length') {
        throw new UnusablePlanError(
          'the model stopped at its output limit before finishing the plan (done_reason length)',
        );
      }
      const sections = parsePlanSections(content);
      return {
        text: renderPlanText(sections),
        sections,
        model: typeof response.model === 'string' && response.model ? response.model : model,
        usage: {
          inputTokens: count(response.prompt_eval_count),
          outputTokens: count(response.eval_count),
        },
        latencyMs: Math.round(performance.now() - started),
      };
    },
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function toChoraleError(error: unknown, attempts: number, host: string, model: string): Error {
  if (isResponseFailure(error)) {
    return new OllamaApiError(
      { status: error.status_code, message: error.error || error.message, model },
      { cause: error, attempts },
    );
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
    return new OllamaConnectionError(host, error);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new OllamaResponseError(`Ollama's answer could not be read: ${detail}`, error);
}
