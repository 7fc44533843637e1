import type { TaskContext } from '@chorale/protocol';

/**
 * The reference's DependencyDetector loop, for comparison: a new task is compared with every
 * known task, with every rule, and each rule is a substring test (`strings.Contains`) on the
 * lower-cased `title + " " + description`. The four rules are the reference's built-in ones.
 *
 * One thing is kinder than the reference: the lower-cased text of a task is computed once, when
 * it is registered, where the reference's validators lower-case both texts on every call. The
 * speed-up measured against it is therefore a lower bound.
 */

interface ReferenceTask {
  readonly task: TaskContext;
  /** `strings.ToLower(title + " " + description)`. */
  readonly text: string;
}

interface ReferenceRule {
  readonly name: string;
  validate(a: string, b: string): boolean;
}

function containsAny(text: string, words: readonly string[]): boolean {
  for (const word of words) if (text.includes(word)) return true;
  return false;
}

/** Both tasks mention one of the rule's keywords (the reference's schema, config and security rules). */
function bothMention(name: string, keywords: readonly string[]): ReferenceRule {
  return {
    name,
    validate: (a, b) => containsAny(a, keywords) && containsAny(b, keywords),
  };
}

export const REFERENCE_RULES: readonly ReferenceRule[] = [
  {
    name: 'API_Contract',
    validate: (a, b) =>
      (a.includes('api') && b.includes('implement')) ||
      (b.includes('api') && a.includes('implement')),
  },
  bothMention('Database_Schema', ['database', 'schema', 'migration', 'table', 'model']),
  bothMention('Configuration_Dependency', ['config', 'environment', 'settings', 'parameters']),
  bothMention('Security_Compliance', ['security', 'auth', 'permission', 'token', 'encrypt']),
];

export interface ReferenceDependency {
  task1: TaskContext;
  task2: TaskContext;
  relationship: string;
}

export class ReferenceDetector {
  readonly #known = new Map<string, ReferenceTask>();

  get size(): number {
    return this.#known.size;
  }

  /** Adds a task without comparing it (to load a corpus). */
  load(task: TaskContext): void {
    this.#known.set(keyOf(task), prepare(task));
  }

  /** Registers a task: every known task, every rule; returns every match. */
  register(task: TaskContext): ReferenceDependency[] {
    const mine = prepare(task);
    const key = keyOf(task);
    const found: ReferenceDependency[] = [];
    for (const [otherKey, other] of this.#known) {
      if (otherKey === key) continue;
      for (const rule of REFERENCE_RULES) {
        if (rule.validate(mine.text, other.text)) {
          found.push({ task1: task, task2: other.task, relationship: rule.name });
        }
      }
    }
    this.#known.set(key, mine);
    return found;
  }
}

function keyOf(task: TaskContext): string {
  return `${String(task.projectId)}\u0000${String(task.taskId)}`;
}

function prepare(task: TaskContext): ReferenceTask {
  return { task, text: `${task.title} ${task.description}`.toLowerCase() };
}
