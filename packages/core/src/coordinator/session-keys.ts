/**
 * What a coordinator's sessions are about, one session each: a dependency (`dependencyKey`) or
 * a requested session's type and tasks, with the id of the session opened about it. Kept by task
 * as well, so that a released task's are forgotten (claimed again, it is a new claim whose
 * dependencies open sessions again) and the keys follow the claimed tasks, not every session
 * ever opened.
 */
export class SessionKeys {
  /** Key → the session opened about it. */
  readonly #sessions = new Map<string, string>();
  /** Task → the keys about it; key → its tasks (to find the other tasks' entries). */
  readonly #byTask = new Map<string, Set<string>>();
  readonly #tasks = new Map<string, readonly string[]>();

  /** The session opened about `key`, undefined when none was (or its task was released since). */
  sessionOf(key: string): string | undefined {
    return this.#sessions.get(key);
  }

  has(key: string): boolean {
    return this.#sessions.has(key);
  }

  /**
   * Records the session opened about `key`, which is about these tasks (by task key), in place of
   * an earlier one (a restart restores every stored session, and a re-claim may have opened a
   * second one about the same thing).
   */
  add(key: string, tasks: readonly string[], sessionId: string): void {
    this.#forgetKey(key);
    const distinct = [...new Set(tasks)];
    this.#sessions.set(key, sessionId);
    this.#tasks.set(key, distinct);
    for (const task of distinct) {
      let keys = this.#byTask.get(task);
      if (keys === undefined) {
        keys = new Set();
        this.#byTask.set(task, keys);
      }
      keys.add(key);
    }
  }

  /** Forgets every key about the task. */
  forgetTask(task: string): void {
    for (const key of this.#byTask.get(task) ?? []) this.#forgetKey(key);
  }

  /** How many keys are kept. */
  get size(): number {
    return this.#sessions.size;
  }

  #forgetKey(key: string): void {
    const tasks = this.#tasks.get(key);
    if (tasks === undefined) return;
    this.#sessions.delete(key);
    this.#tasks.delete(key);
    for (const task of tasks) {
      const keys = this.#byTask.get(task);
      if (keys?.delete(key) && keys.size === 0) this.#byTask.delete(task);
    }
  }
}
