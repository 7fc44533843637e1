import { ChoraleError } from '@chorale/core';

/** No API key in the options nor in `ANTHROPIC_API_KEY`: a configuration error at start. */
export class MissingApiKeyError extends ChoraleError {
  constructor() {
    super(
      'MISSING_API_KEY',
      'the Anthropic planner needs an API key: set ANTHROPIC_API_KEY in the environment, or the `apiKey` option of @chorale/planner-anthropic',
    );
    this.name = 'MissingApiKeyError';
  }
}

/** The Messages API answered with an error status (after the retries the planner allows). */
export class AnthropicApiError extends ChoraleError {
  /** The HTTP status, e.g. 429. */
  readonly status: number;
  /** The API's error type, e.g. `rate_limit_error`, `overloaded_error`; `null` when the body had none. */
  readonly errorType: string | null;
  readonly requestId: string | null;

  constructor(
    details: {
      status: number;
      errorType: string | null;
      message: string;
      requestId: string | null;
    },
    options: { cause?: unknown; attempts: number },
  ) {
    const retryable = isRetryableStatus(details.status);
    const attempts = options.attempts > 1 ? ` after ${options.attempts} attempts` : '';
    const request = details.requestId ? ` (request ${details.requestId})` : '';
    super(
      'ANTHROPIC_API_ERROR',
      `the Anthropic API answered ${details.status} ${details.errorType ?? 'error'}${attempts}: ${details.message}${request}`,
      { cause: options.cause, isRetryable: retryable },
    );
    this.name = 'AnthropicApiError';
    this.status = details.status;
    this.errorType = details.errorType;
    this.requestId = details.requestId;
  }
}

/** The Messages API could not be reached (connection refused, reset, DNS). */
export class AnthropicConnectionError extends ChoraleError {
  constructor(baseURL: string, cause: unknown) {
    super(
      'ANTHROPIC_CONNECTION_FAILED',
      `could not reach the Anthropic API at ${baseURL}: ${describe(cause)}`,
      { cause, isRetryable: true },
    );
    this.name = 'AnthropicConnectionError';
  }
}

/** A 200 answer whose body could not be read as a Messages API response. */
export class AnthropicResponseError extends ChoraleError {
  constructor(message: string, cause?: unknown) {
    super('ANTHROPIC_BAD_RESPONSE', message, { cause });
    this.name = 'AnthropicResponseError';
  }
}

/** 429 (rate limited), 5xx and 529 (overloaded) can pass; other statuses will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  return `${cause.message}${inner}`;
}
