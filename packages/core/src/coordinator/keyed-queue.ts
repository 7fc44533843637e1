/**
 * Runs work one task at a time per key (a session id), different keys side by side. A task that
 * throws is reported to `onError` and does not stop the tasks queued after it.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #onError: (key: string, error: unknown) => void;

  constructor(onError: (key: string, error: unknown) => void) {
    this.#onError = onError;
  }

  push(key: string, work: () => Promise<void> | void): void {
    const next = (this.#tails.get(key) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) => this.#onError(key, error))
      .finally(() => {
        if (this.#tails.get(key) === next) this.#tails.delete(key);
      });
    this.#tails.set(key, next);
  }

  /** Resolves once every queue is empty, including work queued while waiting. */
  async drained(): Promise<void> {
    while (this.#tails.size > 0) {
      await Promise.all(this.#tails.values());
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
