import type { Dependency, SessionDetail, SessionSummary, Task } from './api-types.js';

export function task(fields: Partial<Task> & Pick<Task, 'task_id' | 'repository'>): Task {
  return {
    project_id: 1,
    title: `Task ${fields.task_id}`,
    description: '',
    keywords: [],
    agent_id: `agent-${fields.task_id}`,
    ...fields,
  };
}

export const api42 = task({
  task_id: 42,
  project_id: 1,
  repository: 'backend-api',
  title: 'Define user authentication API',
});
export const client43 = task({
  task_id: 43,
  project_id: 2,
  repository: 'frontend-app',
  title: 'Implement authentication endpoint',
});

export function dependency(fields: Partial<Dependency> = {}): Dependency {
  return {
    task1: api42,
    task2: client43,
    relationship: 'API_Contract',
    confidence: 0.8,
    reason: 'API contract changes affect dependent implementations',
    detected_at: '2025-09-30T10:00:00.000Z',
    order: 'task1_first',
    ...fields,
  };
}

export function summary(fields: Partial<SessionSummary> & Pick<SessionSummary, 'session_id'>) {
  return {
    type: 'dependency',
    status: 'active',
    participants: ['agent-001', 'agent-002'],
    repositories: ['backend-api', 'frontend-app'],
    reason: 'API contract',
    created_at: '2025-09-30T10:00:00.000Z',
    last_activity: '2025-09-30T10:00:00.000Z',
    message_count: 0,
    plan_revision: 0,
    resolution: '',
    escalation_reason: '',
    ...fields,
  } satisfies SessionSummary;
}

export function detail(fields: Partial<SessionDetail> & Pick<SessionDetail, 'session_id'>) {
  return {
    ...summary(fields),
    participant_details: [],
    tasks: [api42, client43],
    plan: null,
    plans: [],
    messages: [],
    waiting_on: [],
    ...fields,
  } satisfies SessionDetail;
}
