import type { Dependency, SessionStatus, SessionSummary, Task } from './api-types.js';
import { dependencyKey, taskKey } from './state.js';

/** A cytoscape element definition (kept free of cytoscape so it is tested without a browser). */
export interface GraphNode {
  group: 'nodes';
  data: {
    id: string;
    label: string;
    kind: 'repository' | 'task';
    parent?: string;
    /** The task's agent, for tasks. */
    agent?: string;
  };
}

export interface GraphEdge {
  group: 'edges';
  data: {
    id: string;
    source: string;
    target: string;
    label: string;
    relationship: string;
    /** True when the rule knows task1 goes first: the edge gets an arrow. */
    directed: boolean;
    /** The status of the session opened for the dependency, `none` when the page knows none. */
    status: SessionStatus | 'none';
    session?: string;
  };
}

export interface DependencyGraph {
  elements: (GraphNode | GraphEdge)[];
  repositories: string[];
  taskCount: number;
  dependencyCount: number;
}

export const repositoryNodeId = (repository: string) => `repo:${repository}`;
export const taskNodeId = (task: Task) => `task:${taskKey(task)}`;

const MAX_TITLE = 48;

function taskLabel(task: Task): string {
  const title =
    task.title.length > MAX_TITLE ? `${task.title.slice(0, MAX_TITLE - 1).trimEnd()}…` : task.title;
  return `#${task.task_id} ${title}`;
}

/**
 * The cross-repository dependency graph: each repository a compound node holding its tasks,
 * each dependency an edge between two tasks labelled with its relationship and confidence.
 * Tasks no longer claimed still appear when a dependency names them.
 */
export function dependencyGraph(
  tasks: readonly Task[],
  dependencies: readonly Dependency[],
  sessions: Readonly<Record<string, SessionSummary>>,
): DependencyGraph {
  const taskNodes = new Map<string, Task>();
  for (const task of tasks) taskNodes.set(taskNodeId(task), task);
  for (const dependency of dependencies) {
    for (const task of [dependency.task1, dependency.task2]) {
      if (!taskNodes.has(taskNodeId(task))) taskNodes.set(taskNodeId(task), task);
    }
  }
  const repositories = [...new Set([...taskNodes.values()].map((t) => t.repository))].sort();
  const elements: (GraphNode | GraphEdge)[] = repositories.map((repository) => ({
    group: 'nodes',
    data: { id: repositoryNodeId(repository), label: repository, kind: 'repository' },
  }));
  for (const [id, task] of taskNodes) {
    elements.push({
      group: 'nodes',
      data: {
        id,
        label: taskLabel(task),
        kind: 'task',
        parent: repositoryNodeId(task.repository),
        agent: task.agent_id,
      },
    });
  }
  const seen = new Set<string>();
  for (const dependency of dependencies) {
    const id = `dep:${dependencyKey(dependency)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const session = dependency.session_id ? sessions[dependency.session_id] : undefined;
    elements.push({
      group: 'edges',
      data: {
        id,
        source: taskNodeId(dependency.task1),
        target: taskNodeId(dependency.task2),
        label: `${dependency.relationship} ${dependency.confidence.toFixed(2)}`,
        relationship: dependency.relationship,
        directed: dependency.order === 'task1_first',
        status: session?.status ?? 'none',
        ...(dependency.session_id ? { session: dependency.session_id } : {}),
      },
    });
  }
  return { elements, repositories, taskCount: taskNodes.size, dependencyCount: seen.size };
}

/** One sentence for screen readers: what the picture shows. */
export function describeGraph(graph: DependencyGraph): string {
  const { repositories, taskCount, dependencyCount } = graph;
  if (repositories.length === 0) return 'Dependency graph: no tasks claimed yet';
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    `Dependency graph: ${count(repositories.length, 'repository', 'repositories')} (${repositories.join(', ')})`,
    count(taskCount, 'task', 'tasks'),
    count(dependencyCount, 'dependency', 'dependencies'),
  ].join(', ');
}
