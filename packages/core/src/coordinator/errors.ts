import { ChoraleError } from '@chorale/protocol';

export class SessionNotFoundError extends ChoraleError {
  constructor(sessionId: string) {
    super('SESSION_NOT_FOUND', `no active session "${sessionId}"`);
    this.name = 'SessionNotFoundError';
  }
}

export class SessionClosedError extends ChoraleError {
  constructor(sessionId: string, status: string) {
    super('SESSION_CLOSED', `session "${sessionId}" is already ${status}`);
    this.name = 'SessionClosedError';
  }
}

export class NotParticipantError extends ChoraleError {
  constructor(sessionId: string, agentId: string) {
    super('NOT_PARTICIPANT', `"${agentId}" is not a participant of session "${sessionId}"`);
    this.name = 'NotParticipantError';
  }
}
