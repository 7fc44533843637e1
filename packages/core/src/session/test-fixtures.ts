import type { CoordinationMessage, TaskContext, TaskDependency } from '@chorale/protocol';

/** Test data shared by the core tests (not exported from the package). */
export const apiTask: TaskContext = {
  taskId: 42,
  projectId: 1,
  repository: 'backend-api',
  title: 'Define user authentication API',
  description: 'Create OpenAPI spec for user auth endpoints',
  keywords: ['api', 'authentication', 'openapi'],
  agentId: 'agent-001',
  claimedAt: Date.parse('2025-09-30T10:00:00Z'),
};

export const clientTask: TaskContext = {
  taskId: 43,
  projectId: 2,
  repository: 'frontend-app',
  title: 'Implement authentication endpoint',
  description: 'Call the new auth endpoints from the login page',
  keywords: [],
  agentId: 'agent-002',
  claimedAt: Date.parse('2025-09-30T10:00:05Z'),
};

export const apiDependency: TaskDependency = {
  task1: apiTask,
  task2: clientTask,
  relationship: 'API_Contract',
  confidence: 0.8,
  reason: 'API definition and implementation dependency',
  detectedAt: Date.parse('2025-09-30T10:00:05Z'),
};

let n = 0;
export function message(
  fromAgentId: string,
  messageType: CoordinationMessage['messageType'],
  extra: Partial<CoordinationMessage> = {},
): CoordinationMessage {
  n += 1;
  return {
    messageId: `m${n}`,
    fromAgentId,
    fromPeerId: '',
    content: messageType,
    messageType,
    timestamp: n,
    metadata: {},
    ...extra,
  };
}
