import type { SessionEvent } from '../session/events.js';
import type { SpecificationVersion } from './version.js';

/**
 * Keeps the session logs. `append` is idempotent by event id, so replaying or exchanging
 * events between coordinators never duplicates one.
 */
export interface SessionStore {
  readonly specificationVersion: SpecificationVersion;
  readonly name: string;
  append(event: SessionEvent): Promise<void>;
  /** The log of one session, in `seq` order; empty when unknown. */
  load(sessionId: string): Promise<SessionEvent[]>;
  /** Ids of every session the store holds. */
  sessionIds(): Promise<string[]>;
  close(): Promise<void>;
}
