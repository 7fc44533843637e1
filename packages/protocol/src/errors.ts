const marker = Symbol.for('chorale.error');

/**
 * Base class of every error Chorale raises on purpose. Each subclass has a stable `code`;
 * `ChoraleError.isInstance` works across copies of this package (it checks a global symbol,
 * not the prototype chain).
 */
export class ChoraleError extends Error {
  readonly [marker] = true;
  readonly code: string;
  /** Whether trying the same operation again can help (a network blip, a rate limit). */
  readonly isRetryable: boolean;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; isRetryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChoraleError';
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
  }

  static isInstance(value: unknown): value is ChoraleError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}

/** Why a piece of input from outside was refused. Transports count drops by these reasons. */
export type DropReason =
  | 'too_large'
  | 'not_json'
  | 'forbidden_key'
  | 'invalid_envelope'
  | 'unknown_type'
  | 'invalid_message';

/** Input from the wire (or a file, or HTTP) that does not parse into a Chorale message. */
export class ProtocolError extends ChoraleError {
  readonly reason: DropReason;

  constructor(reason: DropReason, message: string) {
    super(`PROTOCOL_${reason.toUpperCase()}`, message);
    this.name = 'ProtocolError';
    this.reason = reason;
  }
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };
