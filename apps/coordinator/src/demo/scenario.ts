import type { CoordinationMessageType, TaskContext } from '@chorale/protocol';

/** A line an agent says, with its type when the agent states it (otherwise the text is classified). */
export interface Line {
  text: string;
  type?: CoordinationMessageType;
}

/** Tasks claimed together, and what each agent says in the session they open. */
export interface DemoStep {
  title: string;
  tasks: TaskContext[];
  /** Lines per agent: the first answers the plan, each next one answers the other agents. */
  lines: Record<string, Line[]>;
}

const claimedAt = Date.parse('2025-09-30T10:00:00Z');

function task(
  fields: Omit<TaskContext, 'keywords' | 'claimedAt'> & { keywords?: string[] },
): TaskContext {
  return { keywords: [], claimedAt, ...fields };
}

/** The reference's scenario: an API and its client agree; a schema change talks past the message limit. */
export const DEFAULT_SCENARIO: DemoStep[] = [
  {
    title: 'An API and its client: both agents agree to the plan',
    tasks: [
      task({
        taskId: 42,
        projectId: 1,
        repository: 'backend-api',
        title: 'Define user authentication API',
        description: 'Create OpenAPI spec for user auth endpoints',
        keywords: ['api', 'authentication', 'openapi'],
        agentId: 'agent-001',
      }),
      task({
        taskId: 43,
        projectId: 2,
        repository: 'frontend-app',
        title: 'Implement authentication endpoint',
        description: 'Call the new login and token refresh endpoints from the web client',
        agentId: 'agent-002',
      }),
    ],
    lines: {
      'agent-001': [{ text: 'I agree with the proposed sequence. API spec will be ready by EOD.' }],
      'agent-002': [{ text: 'Sounds good, I will start once the spec is reviewed.' }],
    },
  },
  {
    title: 'A schema and the service that reads it: the discussion runs past the message limit',
    tasks: [
      task({
        taskId: 7,
        projectId: 3,
        repository: 'user-db',
        title: 'Add user preferences table',
        description: 'New table user_preferences with a migration',
        agentId: 'agent-003',
      }),
      task({
        taskId: 8,
        projectId: 4,
        repository: 'user-service',
        title: 'Update user service for preferences',
        description: 'Read and write preferences through the user service',
        agentId: 'agent-004',
      }),
    ],
    lines: {
      'agent-003': [
        { text: 'Which columns does the service need on day one?' },
        { text: 'I have a concern: a JSON column makes the migration hard to reverse.' },
        { text: 'Can the service tolerate a nullable column during rollout?' },
        { text: 'I disagree, the backfill has to run before the service reads it.' },
        { text: 'Who owns the backfill job?' },
      ],
      'agent-004': [
        { text: 'All of them, and a JSON blob for the rest?' },
        { text: "I don't agree that we can wait for the backfill." },
        { text: 'Not approved on our side until the read path is settled.' },
        { text: 'Could we version the table instead?' },
        { text: 'We need a product decision here.', type: 'concern' },
      ],
    },
  },
];

/** With `--tasks`: every agent agrees to every plan. */
export const AGREE: Line = { text: 'Agreed, this plan works for me.', type: 'agreement' };
