/**
 * One string per repository name among the known tasks, counted: every known task of a
 * repository holds the same string. A registration compares its repository with each
 * candidate's, and rules read a candidate's (`TaskText.repository`): a name shared by all the
 * tasks of its repository is a few hundred strings in the cache, where one string per task is a
 * cache miss per candidate among a million tasks (and some 40 bytes a task).
 */
export class RepositoryNames {
  readonly #names = new Map<string, { name: string; tasks: number }>();

  /** The string kept for `name`, counted once more. */
  use(name: string): string {
    const kept = this.#names.get(name);
    if (kept !== undefined) {
      kept.tasks += 1;
      return kept.name;
    }
    this.#names.set(name, { name, tasks: 1 });
    return name;
  }

  /** Counts `name` once less; forgotten at its last task. */
  unuse(name: string): void {
    const kept = this.#names.get(name);
    if (kept === undefined) return;
    kept.tasks -= 1;
    if (kept.tasks === 0) this.#names.delete(name);
  }

  /** Repository names in use. */
  get size(): number {
    return this.#names.size;
  }
}
