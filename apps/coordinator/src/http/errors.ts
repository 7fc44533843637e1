import { ChoraleError } from '@chorale/protocol';

/** An API answer other than 2xx: the status, a stable code, and the field at fault where there is one. */
export class ApiError extends ChoraleError {
  readonly status: number;
  /** The `code` of the JSON answer (`not_found`, `invalid_body`...). */
  readonly apiCode: string;
  readonly field: string | undefined;
  constructor(status: number, apiCode: string, message: string, field?: string) {
    super(`API_${apiCode.toUpperCase()}`, message);
    this.name = 'ApiError';
    this.status = status;
    this.apiCode = apiCode;
    this.field = field;
  }
}

/** The HTTP server cannot start as configured (a non-loopback address without a token, a port in use). */
export class HttpConfigError extends ChoraleError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('HTTP_CONFIG', message, options);
    this.name = 'HttpConfigError';
  }
}
