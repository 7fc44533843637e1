import { ChoraleError } from '@chorale/protocol';

/** The peer key file exists but does not hold a libp2p private key. */
export class PeerKeyError extends ChoraleError {
  readonly path: string;
  constructor(path: string, detail: string, options: { cause?: unknown } = {}) {
    super(
      'TRANSPORT_PEER_KEY_INVALID',
      `the peer key file ${path} is unusable: ${detail}. Restore it from a backup, or delete it to create a new identity (the peer id will change).`,
      options,
    );
    this.name = 'PeerKeyError';
    this.path = path;
  }
}

/** The pre-shared key file of a private network is missing or not in the swarm.key format. */
export class SwarmKeyError extends ChoraleError {
  readonly path: string;
  constructor(path: string, detail: string, options: { cause?: unknown } = {}) {
    super(
      'TRANSPORT_SWARM_KEY_INVALID',
      `the private network key file ${path} is unusable: ${detail}. Expected "/key/swarm/psk/1.0.0/", "/base16/" and 64 hex digits on three lines.`,
      options,
    );
    this.name = 'SwarmKeyError';
    this.path = path;
  }
}

/** `publish` before `start` (or after `stop`). */
export class TransportNotStartedError extends ChoraleError {
  constructor(operation: string) {
    super('TRANSPORT_NOT_STARTED', `cannot ${operation}: the libp2p transport is not started`);
    this.name = 'TransportNotStartedError';
  }
}

/** An envelope too large for the configured `maxMessageBytes`: peers would drop it. */
export class MessageTooLargeError extends ChoraleError {
  constructor(size: number, limit: number) {
    super(
      'TRANSPORT_MESSAGE_TOO_LARGE',
      `envelope of ${size} bytes exceeds maxMessageBytes (${limit})`,
    );
    this.name = 'MessageTooLargeError';
  }
}
