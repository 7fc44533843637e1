import { describe, expect, it } from 'vitest';
import { dependencyGraph, describeGraph, type GraphEdge, type GraphNode } from './graph-model.js';
import { api42, client43, dependency, summary, task } from './test-fixtures.js';

const nodes = (elements: (GraphNode | GraphEdge)[]) =>
  elements.filter((e): e is GraphNode => e.group === 'nodes');
const edges = (elements: (GraphNode | GraphEdge)[]) =>
  elements.filter((e): e is GraphEdge => e.group === 'edges');

describe('dependencyGraph', () => {
  it('puts each task inside its repository and labels the dependency with its relationship', () => {
    const schema = task({ task_id: 7, project_id: 3, repository: 'backend-api' });
    const graph = dependencyGraph([api42, client43, schema], [dependency({ session_id: 's1' })], {
      s1: summary({ session_id: 's1', status: 'escalated' }),
    });
    expect(graph.repositories).toEqual(['backend-api', 'frontend-app']);
    expect(nodes(graph.elements).map((n) => [n.data.id, n.data.parent ?? null])).toEqual([
      ['repo:backend-api', null],
      ['repo:frontend-app', null],
      ['task:1/42', 'repo:backend-api'],
      ['task:2/43', 'repo:frontend-app'],
      ['task:3/7', 'repo:backend-api'],
    ]);
    expect(edges(graph.elements).map((e) => e.data)).toEqual([
      {
        id: 'dep:1/42→2/43:API_Contract',
        source: 'task:1/42',
        target: 'task:2/43',
        label: 'API_Contract 0.80',
        relationship: 'API_Contract',
        directed: true,
        status: 'escalated',
        session: 's1',
      },
    ]);
    expect(describeGraph(graph)).toBe(
      'Dependency graph: 2 repositories (backend-api, frontend-app), 3 tasks, 1 dependency',
    );
  });

  it('keeps the tasks of a dependency after they were released, and draws either order without an arrow', () => {
    const graph = dependencyGraph([], [dependency({ order: 'either' })], {});
    expect(nodes(graph.elements).filter((n) => n.data.kind === 'task')).toHaveLength(2);
    const [edge] = edges(graph.elements);
    expect(edge?.data.directed).toBe(false);
    expect(edge?.data.status).toBe('none');
  });

  it('draws a dependency reported twice once', () => {
    const graph = dependencyGraph([api42, client43], [dependency(), dependency()], {});
    expect(edges(graph.elements)).toHaveLength(1);
    expect(graph.dependencyCount).toBe(1);
  });

  it('shortens long titles and says when there is nothing to draw', () => {
    const long = task({ task_id: 1, repository: 'r', title: 'x'.repeat(80) });
    const [, taskNode] = nodes(dependencyGraph([long], [], {}).elements);
    expect(taskNode?.data.label).toBe(`#1 ${'x'.repeat(47)}…`);
    expect(describeGraph(dependencyGraph([], [], {}))).toBe(
      'Dependency graph: no tasks claimed yet',
    );
  });
});
