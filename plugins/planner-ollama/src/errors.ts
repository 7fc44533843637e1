import { ChoraleError } from '@chorale/core';

/** The Ollama server answered with an error status (after the retries the planner allows). */
export class OllamaApiError extends ChoraleError {
  readonly status: number;

  constructor(
    details: { status: number; message: string; model: string },
    options: { cause?: unknown; attempts: number },
  ) {
    const attempts = options.attempts > 1 ? ` after ${options.attempts} attempts` : '';
    const hint =
      details.status === 404 && /not found/i.test(details.message)
        ? ` (run \`ollama pull ${details.model}\` on the Ollama host)`
        : '';
    super(
      'OLLAMA_API_ERROR',
      `Ollama answered ${details.status}${attempts}: ${details.message}${hint}`,
      { cause: options.cause, isRetryable: isRetryableStatus(details.status) },
    );
    this.name = 'OllamaApiError';
    this.status = details.status;
  }
}

/** The Ollama server could not be reached. */
export class OllamaConnectionError extends ChoraleError {
  constructor(host: string, cause: unknown) {
    const inner =
      cause instanceof Error && cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    super(
      'OLLAMA_CONNECTION_FAILED',
      `could not reach Ollama at ${host} (is \`ollama serve\` running?): ${cause instanceof Error ? cause.message : String(cause)}${inner}`,
      { cause, isRetryable: true },
    );
    this.name = 'OllamaConnectionError';
  }
}

/** A 200 answer that is not a chat response. */
export class OllamaResponseError extends ChoraleError {
  constructor(message: string, cause?: unknown) {
    super('OLLAMA_BAD_RESPONSE', message, { cause });
    this.name = 'OllamaResponseError';
  }
}

/** 429 and 5xx (503 is Ollama's "server busy") can pass; other statuses will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}
