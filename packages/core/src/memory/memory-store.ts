import type { SessionStore } from '../contracts/store.js';
import { SPECIFICATION_VERSION } from '../contracts/version.js';
import type { SessionEvent } from '../session/events.js';

/** Keeps session logs in memory: the embedded default store. Idempotent by event id. */
export class MemorySessionStore implements SessionStore {
  readonly specificationVersion = SPECIFICATION_VERSION;
  readonly name = 'memory';
  readonly #logs = new Map<string, SessionEvent[]>();
  readonly #seen = new Set<string>();

  async append(event: SessionEvent): Promise<void> {
    if (this.#seen.has(event.id)) return;
    this.#seen.add(event.id);
    const log = this.#logs.get(event.sessionId) ?? [];
    this.#logs.set(event.sessionId, log);
    log.push(structuredClone(event));
    if (log.length > 1 && log[log.length - 2]!.seq > event.seq) log.sort((a, b) => a.seq - b.seq);
  }

  async load(sessionId: string): Promise<SessionEvent[]> {
    return structuredClone(this.#logs.get(sessionId) ?? []);
  }

  async sessionIds(): Promise<string[]> {
    return [...this.#logs.keys()];
  }

  async close(): Promise<void> {}
}
