/**
 * Conformance suite for planners. Every planner plugin runs it in its `compliance.test.ts`:
 *
 * ```ts
 * import { testPlanner } from '@chorale/testing/planner';
 * testPlanner(() => myPlanner({ ... }));
 * ```
 *
 * Abort: a planner given an already aborted signal, or whose signal is aborted while it works,
 * must settle within one second. It may reject (preferably with the signal's reason) or resolve
 * with a valid plan; it must not hang, because the coordinator's deadline depends on it.
 */
import type { Plan, Planner, PlanRequest } from '@chorale/core';
import type { Participant, TaskContext, TaskDependency } from '@chorale/protocol';
import { describe, expect, it } from 'vitest';

export type PlannerSetup = () => Planner | Promise<Planner>;

const T0 = Date.parse('2025-09-30T10:00:00Z');

/** Realistic claimed tasks (the reference's examples). */
export const SAMPLE_TASKS = {
  authApi: task(
    42,
    1,
    'backend-api',
    'Define user authentication API',
    'Create OpenAPI spec for user auth endpoints',
    ['api', 'authentication', 'openapi'],
    'agent-001',
  ),
  authEndpoint: task(
    43,
    2,
    'frontend-app',
    'Implement authentication endpoint',
    'Call the login endpoint from the login page',
    ['login', 'frontend'],
    'agent-002',
  ),
  preferencesTable: task(
    7,
    1,
    'user-db',
    'Add user preferences table',
    'Migration adding a preferences table keyed by user id',
    ['database', 'migration'],
    'agent-003',
  ),
  preferencesService: task(
    8,
    1,
    'user-service',
    'Update user service for preferences',
    'Read and write preferences through the user model',
    ['service'],
    'agent-004',
  ),
  featureFlag: task(
    11,
    3,
    'web-ui',
    'Add feature flag for new UI',
    'Environment setting NEW_UI toggles the redesign',
    ['config'],
    'agent-005',
  ),
  flagChecks: task(
    12,
    3,
    'backend-core',
    'Implement feature flag checks in backend',
    'Read the NEW_UI setting and gate the new endpoints',
    ['config'],
    'agent-006',
  ),
  jwtRefresh: task(
    21,
    4,
    'auth-service',
    'Implement JWT token refresh',
    'Issue refresh tokens and rotate signing keys',
    ['security', 'token'],
    'agent-007',
  ),
  authMiddleware: task(
    22,
    4,
    'gateway',
    'Update authentication middleware',
    'Accept refreshed tokens at the gateway',
    ['auth'],
    'agent-008',
  ),
  graphqlSchema: task(
    31,
    5,
    'graph-schema',
    'Extend GraphQL schema with orders',
    'Add the Order type and the orders query',
    ['graphql', 'schema'],
    'agent-009',
  ),
  graphqlResolver: task(
    32,
    5,
    'orders-service',
    'Write orders resolver',
    'Resolver for the orders query',
    ['graphql', 'resolver'],
    'agent-010',
  ),
} satisfies Record<string, TaskContext>;

const REASONS: Record<string, string> = {
  API_Contract: 'API definition and implementation dependency',
  Database_Schema: 'Database schema change affects dependent service',
  Configuration_Dependency: 'Shared configuration used by both components',
  Security_Compliance: 'Security change requires coordinated implementation',
  GraphQL_Schema: 'GraphQL schema and resolver must be coordinated',
};

export function sampleDependency(
  task1: TaskContext,
  task2: TaskContext,
  relationship: string,
): TaskDependency {
  return {
    task1,
    task2,
    relationship,
    confidence: 0.8,
    reason: REASONS[relationship] ?? `${relationship} dependency`,
    detectedAt: T0 + 60_000,
  };
}

export function sampleParticipant(t: TaskContext): Participant {
  return {
    agentId: t.agentId,
    peerId: `peer-${t.agentId}`,
    repository: t.repository,
    capabilities: ['code'],
    lastSeen: T0,
    active: true,
  };
}

/** A `dependency` request as the coordinator builds it. */
export function dependencyRequest(
  task1: TaskContext,
  task2: TaskContext,
  relationship: string,
): PlanRequest {
  const dependency = sampleDependency(task1, task2, relationship);
  return {
    sessionId: `dep_${task1.projectId}_${task1.taskId}_${task2.taskId}`,
    sessionType: 'dependency',
    dependency,
    tasks: [task1, task2],
    participants: [sampleParticipant(task1), sampleParticipant(task2)],
    reason: dependency.reason,
  };
}

/** A `planning` or `conflict` request as an agent's coordination_request opens it: tasks, no dependency. */
export function requestedSession(
  sessionType: 'planning' | 'conflict',
  tasks: TaskContext[],
  reason: string,
): PlanRequest {
  return {
    sessionId: `${sessionType}_1`,
    sessionType,
    tasks,
    participants: tasks.map(sampleParticipant),
    reason,
  };
}

/** The requests the suite plans for, by label. */
export function samplePlanRequests(): Record<string, PlanRequest> {
  const s = SAMPLE_TASKS;
  return {
    'dependency API_Contract': dependencyRequest(s.authApi, s.authEndpoint, 'API_Contract'),
    'dependency Database_Schema': dependencyRequest(
      s.preferencesTable,
      s.preferencesService,
      'Database_Schema',
    ),
    'dependency Configuration_Dependency': dependencyRequest(
      s.featureFlag,
      s.flagChecks,
      'Configuration_Dependency',
    ),
    'dependency Security_Compliance': dependencyRequest(
      s.jwtRefresh,
      s.authMiddleware,
      'Security_Compliance',
    ),
    'dependency GraphQL_Schema (a custom rule)': dependencyRequest(
      s.graphqlSchema,
      s.graphqlResolver,
      'GraphQL_Schema',
    ),
    planning: requestedSession(
      'planning',
      [s.authApi, s.authEndpoint, s.authMiddleware],
      'Ship single sign-on across the three repositories',
    ),
    conflict: requestedSession(
      'conflict',
      [s.jwtRefresh, s.authMiddleware],
      'Both tasks change the token validation code',
    ),
  };
}

const SECTION_KEYS = [
  'sequence',
  'informationSharing',
  'coordinationPoints',
  'potentialConflicts',
  'successCriteria',
] as const;
const PROMPTLY_MS = 1000;

/** Registers the planner conformance tests. */
export function testPlanner(setup: PlannerSetup): void {
  describe('planner conformance', () => {
    const get = async (): Promise<Planner> => await setup();

    it('declares specificationVersion v1 and a name', async () => {
      const p = await get();
      expect(p.specificationVersion).toBe('v1');
      expect(typeof p.name).toBe('string');
      expect(p.name.length).toBeGreaterThan(0);
      expect(typeof p.plan).toBe('function');
    });

    for (const [label, request] of Object.entries(samplePlanRequests())) {
      it(`plans a ${label} request: non-empty text, well-formed sections`, async () => {
        const p = await get();
        const plan = await p.plan(request, new AbortController().signal);
        expectValidPlan(plan);
      });
    }

    it('does not change the request it is given', async () => {
      const p = await get();
      const request = samplePlanRequests()['dependency API_Contract']!;
      const before = structuredClone(request);
      await p.plan(request, new AbortController().signal);
      expect(request).toEqual(before);
    });

    it('settles promptly with an already aborted signal (rejects, or resolves with a valid plan)', async () => {
      const p = await get();
      const controller = new AbortController();
      controller.abort(new Error('deadline'));
      const outcome = await settleWithin(
        p.plan(samplePlanRequests()['dependency API_Contract']!, controller.signal),
      );
      expect(outcome.kind).not.toBe('hung');
      if (outcome.kind === 'resolved') expectValidPlan(outcome.value);
    });

    it('settles promptly when the signal is aborted while it works', async () => {
      const p = await get();
      const controller = new AbortController();
      const pending = p.plan(samplePlanRequests().planning!, controller.signal);
      controller.abort(new Error('deadline'));
      const outcome = await settleWithin(pending);
      expect(outcome.kind).not.toBe('hung');
      if (outcome.kind === 'resolved') expectValidPlan(outcome.value);
    });
  });
}

function expectValidPlan(plan: Plan): void {
  expect(typeof plan.text).toBe('string');
  expect(plan.text.trim().length).toBeGreaterThan(0);
  if (plan.sections !== undefined) {
    for (const key of SECTION_KEYS) {
      const items = plan.sections[key];
      expect(Array.isArray(items), `sections.${key} is an array`).toBe(true);
      expect(items.length, `sections.${key} is not empty`).toBeGreaterThan(0);
      for (const item of items) {
        expect(typeof item).toBe('string');
        expect(item.trim().length, `sections.${key} has no empty item`).toBeGreaterThan(0);
      }
    }
  }
}

type Outcome<T> =
  | { kind: 'resolved'; value: T }
  | { kind: 'rejected'; error: unknown }
  | { kind: 'hung' };

/** How a promise settles, or `hung` when it has not within PROMPTLY_MS (a guard, not a sleep). */
async function settleWithin<T>(promise: Promise<T>): Promise<Outcome<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'hung' }), PROMPTLY_MS);
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Outcome<T> => ({ kind: 'resolved', value }),
        (error: unknown): Outcome<T> => ({ kind: 'rejected', error }),
      ),
      guard,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function task(
  taskId: number,
  projectId: number,
  repository: string,
  title: string,
  description: string,
  keywords: string[],
  agentId: string,
): TaskContext {
  return { taskId, projectId, repository, title, description, keywords, agentId, claimedAt: T0 };
}
