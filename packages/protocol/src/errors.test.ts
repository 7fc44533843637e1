import { describe, expect, it } from 'vitest';
import { ChoraleError, type DropReason, ProtocolError } from './errors.js';

class NotFoundError extends ChoraleError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
    this.name = 'NotFoundError';
  }
}

describe('ChoraleError', () => {
  it('carries a stable code, a name, a message and a cause', () => {
    const cause = new Error('socket closed');
    const error = new ChoraleError('TRANSPORT_DOWN', 'the mesh is down', {
      cause,
      isRetryable: true,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('TRANSPORT_DOWN');
    expect(error.name).toBe('ChoraleError');
    expect(error.message).toBe('the mesh is down');
    expect(error.cause).toBe(cause);
    expect(error.isRetryable).toBe(true);
  });

  it('is not retryable and has no cause unless told', () => {
    const error = new ChoraleError('X', 'x');
    expect(error.isRetryable).toBe(false);
    expect('cause' in error).toBe(false);
  });

  it('isInstance recognises subclasses', () => {
    const error = new NotFoundError('session s1');
    expect(ChoraleError.isInstance(error)).toBe(true);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.name).toBe('NotFoundError');
    expect(ChoraleError.isInstance(new ProtocolError('not_json', 'x'))).toBe(true);
  });

  it('isInstance recognises an error from another copy of the package by its global marker', () => {
    // What a ChoraleError from a second copy of @chorale/protocol looks like: not our prototype,
    // but the same registered symbol.
    const foreign = { [Symbol.for('chorale.error')]: true, code: 'X', message: 'm' };
    expect(foreign instanceof ChoraleError).toBe(false);
    expect(ChoraleError.isInstance(foreign)).toBe(true);
  });

  it('isInstance is false for plain errors and non-errors', () => {
    expect(ChoraleError.isInstance(new Error('plain'))).toBe(false);
    expect(ChoraleError.isInstance(new TypeError('plain'))).toBe(false);
    expect(ChoraleError.isInstance({ code: 'X', message: 'looks like one' })).toBe(false);
    expect(ChoraleError.isInstance({ [Symbol('chorale.error')]: true })).toBe(false);
    for (const value of [null, undefined, 0, 'chorale.error', true]) {
      expect(ChoraleError.isInstance(value)).toBe(false);
    }
  });
});

describe('ProtocolError', () => {
  it.each<[DropReason, string]>([
    ['too_large', 'PROTOCOL_TOO_LARGE'],
    ['not_json', 'PROTOCOL_NOT_JSON'],
    ['forbidden_key', 'PROTOCOL_FORBIDDEN_KEY'],
    ['invalid_envelope', 'PROTOCOL_INVALID_ENVELOPE'],
    ['unknown_type', 'PROTOCOL_UNKNOWN_TYPE'],
    ['invalid_message', 'PROTOCOL_INVALID_MESSAGE'],
  ])('reason %s has the code %s', (reason, code) => {
    const error = new ProtocolError(reason, 'why');
    expect(error.reason).toBe(reason);
    expect(error.code).toBe(code);
    expect(error.name).toBe('ProtocolError');
    expect(error.message).toBe('why');
    expect(error.isRetryable).toBe(false);
    expect(error).toBeInstanceOf(ChoraleError);
  });
});
