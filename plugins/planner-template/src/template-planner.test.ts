import { type PlanRequest, SPECIFICATION_VERSION } from '@chorale/core';
import { dependencyRequest, requestedSession, SAMPLE_TASKS as T } from '@chorale/testing/planner';
import { describe, expect, it } from 'vitest';
import plugin, { templatePlanner, writePlan } from './index.js';

const signal = () => new AbortController().signal;
const SECTION_HEADINGS = [
  '1. SEQUENCE:',
  '2. INFORMATION SHARING:',
  '3. COORDINATION POINTS:',
  '4. POTENTIAL CONFLICTS:',
  '5. SUCCESS CRITERIA:',
];

describe('templatePlanner', () => {
  it("writes the reference's API_Contract plan: heading, five sections in order, tasks and agents named", async () => {
    const plan = await templatePlanner().plan(
      dependencyRequest(T.authApi, T.authEndpoint, 'API_Contract'),
      signal(),
    );
    expect(plan.text.startsWith('COORDINATION PLAN:\n')).toBe(true);
    const positions = SECTION_HEADINGS.map((h) => plan.text.indexOf(h));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(plan.text).toContain(
      'backend-api/Define user authentication API #42 (Agent: agent-001)',
    );
    expect(plan.text).toContain(
      'frontend-app/Implement authentication endpoint #43 (Agent: agent-002)',
    );
    expect(plan.text).toContain('Reason: API definition and implementation dependency');
    expect(plan.sections?.sequence[0]).toBe(
      'backend-api/Define user authentication API #42 (API definition, agent-001) must be completed first',
    );
    expect(plan.sections?.informationSharing).toEqual([
      'agent-001 must share: API specification document, endpoint definitions, request and response examples',
      'agent-002 must share: implementation plan, integration tests',
    ]);
    expect(plan.sections?.potentialConflicts).toContain('API spec changes during implementation');
    expect(plan.sections?.successCriteria).toContain('Integration tests pass');
  });

  it('puts the defining task first even when the dependency names it second', async () => {
    const plan = await templatePlanner().plan(
      dependencyRequest(T.authEndpoint, T.authApi, 'API_Contract'),
      signal(),
    );
    expect(plan.sections?.sequence[0]).toMatch(
      /^backend-api\/Define user authentication API #42 .* must be completed first$/,
    );
    expect(plan.sections?.sequence[1]).toMatch(
      /^frontend-app\/Implement authentication endpoint #43 .*depends on/,
    );
  });

  it('every section of the text is the section list, line for line', async () => {
    const plan = await templatePlanner().plan(
      dependencyRequest(T.preferencesTable, T.preferencesService, 'Database_Schema'),
      signal(),
    );
    const s = plan.sections!;
    const expected = [
      s.sequence,
      s.informationSharing,
      s.coordinationPoints,
      s.potentialConflicts,
      s.successCriteria,
    ]
      .map((items, i) => [SECTION_HEADINGS[i], ...items.map((x) => `- ${x}`)].join('\n'))
      .join('\n');
    expect(plan.text.endsWith(expected)).toBe(true);
  });

  it.each([
    ['Database_Schema', T.preferencesTable, T.preferencesService, /migration/i],
    ['Configuration_Dependency', T.featureFlag, T.flagChecks, /setting/i],
    ['Security_Compliance', T.jwtRefresh, T.authMiddleware, /security review/i],
    ['Explicit_Reference', T.authApi, T.authEndpoint, /referenced task/i],
    ['Cross_Reference', T.authApi, T.authEndpoint, /referenced task/i],
    ['Shared_Subject', T.authApi, T.authEndpoint, /shared subject/i],
  ] as const)('writes a %s plan of its own', async (relationship, a, b, marker) => {
    const plan = await templatePlanner().plan(dependencyRequest(a, b, relationship), signal());
    expect(plan.text).toMatch(marker);
    const api = await templatePlanner().plan(dependencyRequest(a, b, 'API_Contract'), signal());
    expect(plan.sections?.coordinationPoints).not.toEqual(api.sections?.coordinationPoints);
  });

  it('writes a generic plan for a relationship it does not know, naming it', async () => {
    const plan = await templatePlanner().plan(
      dependencyRequest(T.graphqlSchema, T.graphqlResolver, 'GraphQL_Schema'),
      signal(),
    );
    expect(plan.text).toContain('GraphQL Schema');
    expect(plan.sections?.coordinationPoints[0]).toBe(
      'Review the GraphQL Schema changes together before dependent work begins',
    );
    expect(plan.sections?.sequence[0]).toMatch(
      /^graph-schema\/Extend GraphQL schema with orders #31/,
    );
    const micro = await templatePlanner().plan(
      dependencyRequest(T.authApi, T.authEndpoint, 'Microservice_Interface'),
      signal(),
    );
    expect(micro.text).toContain('Microservice Interface');
  });

  it('writes a planning plan that lists every task and agent, without a dependency', async () => {
    const request = requestedSession(
      'planning',
      [T.authApi, T.authEndpoint, T.authMiddleware],
      'Ship single sign-on',
    );
    const plan = await templatePlanner().plan(request, signal());
    expect(plan.text).toContain('Joint planning of');
    expect(plan.text).toContain('Goal: Ship single sign-on');
    for (const t of [T.authApi, T.authEndpoint, T.authMiddleware]) {
      expect(plan.text).toContain(`${t.repository}/${t.title} #${t.taskId}`);
      expect(
        plan.sections?.informationSharing.some((line) =>
          line.startsWith(`${t.agentId} must share`),
        ),
      ).toBe(true);
    }
  });

  it('writes a conflict plan that names the conflict and the owners to agree', async () => {
    const request = requestedSession(
      'conflict',
      [T.jwtRefresh, T.authMiddleware],
      'Both change token validation',
    );
    const plan = await templatePlanner().plan(request, signal());
    expect(plan.text).toContain('Conflict between auth-service/Implement JWT token refresh #21');
    expect(plan.sections?.potentialConflicts[0]).toBe(
      'Reported conflict: Both change token validation',
    );
    expect(plan.sections?.coordinationPoints).toContain(
      'Agree on one owner for each contested part',
    );
    expect(plan.sections?.successCriteria).toContain(
      'Tests of auth-service and gateway pass together',
    );
  });

  it('is deterministic: same request, same plan', async () => {
    const request = dependencyRequest(T.jwtRefresh, T.authMiddleware, 'Security_Compliance');
    const a = await templatePlanner().plan(request, signal());
    const b = await templatePlanner().plan(structuredClone(request), signal());
    expect(b).toEqual(a);
  });

  it('names extra participants and a single agent holding both tasks sensibly', async () => {
    const request = dependencyRequest(
      T.authApi,
      { ...T.authEndpoint, agentId: 'agent-001' },
      'API_Contract',
    );
    request.participants.push({ ...request.participants[0]!, agentId: 'agent-099' });
    const plan = await templatePlanner().plan(request, signal());
    expect(plan.sections?.informationSharing[0]).toMatch(/^agent-001 must record:/);
    expect(plan.sections?.informationSharing.at(-1)).toMatch(/^agent-099 must share/);
  });

  it('never fails on odd input and still writes five non-empty sections', async () => {
    const odd: unknown[] = [
      {},
      { sessionType: 'dependency', tasks: [] },
      { sessionType: 'planning' },
      { sessionType: 'conflict', tasks: [null, 3, 'x', {}], participants: [null, { agentId: 5 }] },
      {
        sessionType: 'dependency',
        dependency: { task1: null, task2: {}, relationship: '' },
        tasks: null,
      },
      {
        sessionType: 'weird',
        reason: 42,
        tasks: [{ title: '\u0000\n\t  ', repository: 'r'.repeat(10_000), taskId: {} }],
      },
      {
        sessionType: 'dependency',
        dependency: { task1: {}, task2: {}, relationship: '__proto__' },
      },
      null,
      'not a request',
    ];
    for (const request of odd) {
      const plan = await templatePlanner().plan(request as PlanRequest, signal());
      expect(plan.text.startsWith('COORDINATION PLAN:')).toBe(true);
      for (const items of Object.values(plan.sections!)) expect(items.length).toBeGreaterThan(0);
      expect(plan.text).not.toMatch(/undefined|null|\[object Object\]|NaN/);
      expect(plan.text.length).toBeLessThan(10_000);
    }
  });

  it('keeps every line of the plan one line: newlines in titles and reasons are flattened', async () => {
    const request = dependencyRequest(
      { ...T.authApi, title: 'Define\nuser\r\nAPI\u2028now' },
      T.authEndpoint,
      'API_Contract',
    );
    request.dependency!.reason = 'line 1\n2. SEQUENCE:\nfake';
    const plan = await templatePlanner().plan(request, signal());
    expect(plan.text.match(/^2\. /gm)).toHaveLength(1);
    expect(plan.text).toContain('backend-api/Define user API now #42');
  });

  it('survives a request whose getters throw', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
      },
    ) as PlanRequest;
    expect(writePlan(hostile).text.startsWith('COORDINATION PLAN:')).toBe(true);
  });

  it('rejects with the reason of an already aborted signal', async () => {
    const controller = new AbortController();
    const reason = new Error('planner deadline');
    controller.abort(reason);
    await expect(
      templatePlanner().plan(
        dependencyRequest(T.authApi, T.authEndpoint, 'API_Contract'),
        controller.signal,
      ),
    ).rejects.toBe(reason);
  });
});

describe('plugin definition', () => {
  it('is a v1 planner plugin whose options are checked', async () => {
    expect(plugin.kind).toBe('planner');
    expect(plugin.name).toBe('@chorale/planner-template');
    expect(plugin.specificationVersion).toBe(SPECIFICATION_VERSION);
    expect(plugin.options.safeParse({ name: 'fallback' }).success).toBe(true);
    expect(plugin.options.safeParse({ nmae: 'typo' }).success).toBe(false);
    const planner = await plugin.create({ name: 'fallback' }, {} as never);
    expect(planner.name).toBe('fallback');
  });
});
