import { ChoraleError } from '@chorale/protocol';
import type { ErrorBody } from './schemas.js';

/** No node answered at the URL (connection refused, unknown host, timeout). */
export class NodeUnreachableError extends ChoraleError {
  constructor(url: string, reason: string) {
    super(
      'NODE_UNREACHABLE',
      `no chorale node answers at ${url} (${reason}): is "chorale start" running there? (--url)`,
      { isRetryable: true },
    );
    this.name = 'NodeUnreachableError';
  }
}

/** The node answered with an error (4xx, 5xx): its status, code and message, and the field at fault. */
export class ApiRequestError extends ChoraleError {
  readonly status: number;
  readonly field: string | undefined;
  constructor(method: string, path: string, status: number, body: Partial<ErrorBody>) {
    const detail = body.message ?? 'no error message';
    super(
      `API_${(body.code ?? 'error').toUpperCase()}`,
      `${method} ${path}: ${status}${body.code ? ` ${body.code}` : ''}: ${detail}`,
    );
    this.name = 'ApiRequestError';
    this.status = status;
    this.field = body.field;
  }
}

export interface ApiClientOptions {
  /** The node's base URL, e.g. `http://127.0.0.1:7700`. */
  url: string;
  token?: string | undefined;
  /** Give up on a request after this long. Default 10 s. */
  timeoutMs?: number;
}

/** A small client of a node's HTTP API, for the CLI. */
export class ApiClient {
  readonly url: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.#token = options.token || undefined;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new NodeUnreachableError(this.url, reasonOf(error));
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      throw new ApiRequestError(
        method,
        path,
        response.status,
        (parsed as Partial<ErrorBody> | undefined) ?? {
          message: text.slice(0, 200) || response.statusText,
        },
      );
    }
    if (parsed === undefined)
      throw new NodeUnreachableError(this.url, `the answer to ${method} ${path} is not JSON`);
    return parsed as T;
  }
}

/** `connection refused`, `timed out`... from what fetch threw. */
function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'unknown host';
  return cause?.message ?? (error as Error).message;
}
