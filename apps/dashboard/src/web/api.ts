import type {
  Decision,
  Dependency,
  ErrorBody,
  MessageType,
  NodeInfo,
  SessionDetail,
  SessionSummary,
  Task,
} from './api-types.js';

/** A 4xx/5xx answer of the API, with its stable `code` and the offending `field` when it names one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Where the token lives between reloads of the tab (`sessionStorage` in the page). */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface ApiClientInit {
  fetch: typeof fetch;
  storage: TokenStorage;
  /**
   * Asks the operator for the node's token; `refused` is true when the token tried last was
   * answered 401. Called once for concurrent requests that meet a 401.
   */
  askToken(refused: boolean): Promise<string>;
  /** Prefix of every path, e.g. `http://127.0.0.1:7700`; empty for the page's own origin. */
  base?: string;
}

export const TOKEN_KEY = 'chorale.token';

/** The node's `/api`: JSON in and out, the Bearer token asked for on the first 401 and kept. */
export class ApiClient {
  readonly #init: ApiClientInit;
  readonly #base: string;
  #token: string | undefined;
  #asking: Promise<string> | undefined;

  constructor(init: ApiClientInit) {
    this.#init = init;
    this.#base = init.base ?? '';
    this.#token = init.storage.getItem(TOKEN_KEY) ?? undefined;
  }

  /**
   * The URL of the event stream. EventSource cannot send headers, so the token goes in the
   * `token` query parameter, which the node accepts on this route only.
   */
  eventsUrl(): string {
    const query = this.#token ? `?token=${encodeURIComponent(this.#token)}` : '';
    return `${this.#base}/api/events${query}`;
  }

  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    for (;;) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const sent = this.#token;
      if (sent) headers.authorization = `Bearer ${sent}`;
      const response = await this.#init.fetch(`${this.#base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (response.status === 401) {
        await this.#newToken(sent);
        continue;
      }
      if (!response.ok) throw await apiError(response);
      return (await response.json()) as T;
    }
  }

  /** Replaces the token the 401 answered, asking only once for requests refused together. */
  async #newToken(refused: string | undefined): Promise<void> {
    if (this.#token !== refused) return; // another request already got a new one
    this.#asking ??= this.#init.askToken(refused !== undefined).finally(() => {
      this.#asking = undefined;
    });
    const token = await this.#asking;
    this.#token = token;
    this.#init.storage.setItem(TOKEN_KEY, token);
  }

  node(): Promise<NodeInfo> {
    return this.request('GET', '/api/node');
  }

  async sessions(): Promise<SessionSummary[]> {
    return (await this.request<{ sessions: SessionSummary[] }>('GET', '/api/sessions?limit=500'))
      .sessions;
  }

  session(id: string): Promise<SessionDetail> {
    return this.request('GET', `/api/sessions/${encodeURIComponent(id)}`);
  }

  async tasks(): Promise<Task[]> {
    return (await this.request<{ tasks: Task[] }>('GET', '/api/tasks')).tasks;
  }

  async dependencies(): Promise<Dependency[]> {
    return (await this.request<{ dependencies: Dependency[] }>('GET', '/api/dependencies'))
      .dependencies;
  }

  async reply(
    id: string,
    body: { agent_id: string; type?: MessageType; content: string },
  ): Promise<SessionDetail> {
    const path = `/api/sessions/${encodeURIComponent(id)}/messages`;
    return (await this.request<{ session: SessionDetail }>('POST', path, body)).session;
  }

  decide(id: string, decision: Decision, body: { reason: string; by: string }) {
    const path = `/api/sessions/${encodeURIComponent(id)}/${decision}`;
    return this.request<SessionDetail>('POST', path, body);
  }
}

async function apiError(response: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> = {};
  try {
    body = (await response.json()) as Partial<ErrorBody>;
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  const message =
    typeof body.message === 'string' && body.message
      ? body.message
      : `${response.status} ${response.statusText}`.trim();
  return new ApiError(message, response.status, body.code ?? 'http_error', body.field);
}
