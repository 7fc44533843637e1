import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MetaCoordinator, SPECIFICATION_VERSION } from '@chorale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { API_CLAIM, CLIENT_CLAIM, startTestNode, type TestNode } from './__fixtures__/test-node.js';
import { HttpConfigError } from './errors.js';
import { isLoopback } from './listen.js';
import type { ClaimResult, ErrorBody, SessionDetail, SessionList } from './schemas.js';
import { startHttpServer } from './server.js';

const nodes: TestNode[] = [];
async function start(init?: Parameters<typeof startTestNode>[0]): Promise<TestNode> {
  const t = await startTestNode(init);
  nodes.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((t) => t.close()));
});

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Claims both tasks; returns the session their dependency opened, once its plan is in. */
async function openSession(t: TestNode): Promise<string> {
  expect((await t.call('/api/tasks', { method: 'POST', json: API_CLAIM })).status).toBe(201);
  const second = await t.call('/api/tasks', { method: 'POST', json: CLIENT_CLAIM });
  expect(second.status).toBe(201);
  const body = await json<ClaimResult>(second);
  await t.node.coordinator.whenIdle();
  const id = body.dependencies[0]?.session_id;
  if (!id) throw new Error(`no session for the claim: ${JSON.stringify(body)}`);
  return id;
}

describe('HTTP API: tasks, sessions, dependencies', () => {
  it('answers /healthz and describes the node', async () => {
    const t = await start();
    expect(await json(await t.call('/healthz'))).toEqual({ status: 'ok' });
    await t.clock.advance(90_000);
    const node = await json<Record<string, unknown>>(await t.call('/api/node'));
    expect(node).toMatchObject({
      peer_id: 'node-peer',
      version: '0.0.0-test',
      started_at: '2025-09-30T10:00:00.000Z',
      uptime_seconds: 90,
      plugins: {
        transport: 'memory',
        planners: ['template'],
        rule_packs: ['@chorale/rules-standard'],
        sinks: [],
        store: 'memory',
      },
    });
  });

  it('claims two tasks, opens one session with a plan, and lists it all', async () => {
    const t = await start();
    const first = await t.call('/api/tasks', { method: 'POST', json: API_CLAIM });
    expect(await json(first)).toMatchObject({
      task: { task_id: 42, agent_id: 'agent-001', claimed_at: '2025-09-30T10:00:00.000Z' },
      dependencies: [],
    });
    const second = await json<ClaimResult>(
      await t.call('/api/tasks', { method: 'POST', json: CLIENT_CLAIM }),
    );
    expect(second.dependencies).toHaveLength(1);
    const sessionId = second.dependencies[0]!.session_id!;
    expect(sessionId).toMatch(/^dep_1_42_/);
    await t.node.coordinator.whenIdle();

    const tasks = await json<{ tasks: { task_id: number }[] }>(await t.call('/api/tasks'));
    expect(tasks.tasks.map((x) => x.task_id).sort()).toEqual([42, 43]);
    const deps = await json<{ dependencies: { session_id: string; relationship: string }[] }>(
      await t.call('/api/dependencies'),
    );
    expect(deps.dependencies).toEqual([
      expect.objectContaining({
        session_id: sessionId,
        relationship: second.dependencies[0]!.relationship,
      }),
    ]);
    const active = await json<SessionList>(await t.call('/api/sessions?status=active'));
    expect(active.sessions.map((s) => [s.session_id, s.participants, s.repositories])).toEqual([
      [sessionId, ['agent-001', 'agent-002'], ['backend-api', 'frontend-app']],
    ]);
    expect(await json(await t.call('/api/sessions?status=resolved'))).toEqual({ sessions: [] });

    const detail = await json<SessionDetail>(await t.call(`/api/sessions/${sessionId}`));
    expect(detail).toMatchObject({
      session_id: sessionId,
      status: 'active',
      plan_revision: 1,
      message_count: 1,
      waiting_on: ['agent-001', 'agent-002'],
      plan: { revision: 1, author: 'meta_coordinator', planner: 'template' },
    });
    expect(detail.plan?.text).toContain('COORDINATION PLAN');
    expect(detail.plan?.sections?.sequence.length).toBeGreaterThan(0);
    expect(detail.participant_details.map((p) => p.agent_id)).toEqual(['agent-001', 'agent-002']);
    expect(detail.messages[0]).toMatchObject({
      message_type: 'proposal',
      from_agent_id: 'meta_coordinator',
    });
    expect(detail.decision).toBeUndefined();
    expect(detail.plan?.provenance).toMatchObject({ planner: 'template', failures: [] });
  });

  it('shows where the plan came from: the planners that failed before the one that wrote it', async () => {
    const t = await start({
      planners: [
        {
          specificationVersion: SPECIFICATION_VERSION,
          name: 'flaky-llm',
          async plan() {
            throw new Error('model overloaded');
          },
        },
      ],
    });
    const id = await openSession(t);
    const detail = await json<SessionDetail>(await t.call(`/api/sessions/${id}`));
    expect(detail.plan).toMatchObject({ planner: 'template' });
    expect(detail.plan?.provenance?.planner).toBe('template');
    expect(detail.plan?.provenance?.failures).toEqual([
      { planner: 'flaky-llm', error: expect.stringContaining('model overloaded') },
    ]);
  });

  it('takes replies from participants until consensus resolves the session', async () => {
    const t = await start();
    const id = await openSession(t);
    const one = await t.call(`/api/sessions/${id}/messages`, {
      method: 'POST',
      json: { agent_id: 'agent-001', type: 'agreement', content: 'Agreed' },
    });
    expect(one.status).toBe(201);
    expect((await json<{ session: SessionDetail }>(one)).session).toMatchObject({
      status: 'active',
      waiting_on: ['agent-002'],
    });
    const two = await json<{ session: SessionDetail }>(
      await t.call(`/api/sessions/${id}/messages`, {
        method: 'POST',
        json: { agent_id: 'agent-002', content: 'Sounds good, I agree' },
      }),
    );
    expect(two.session).toMatchObject({ status: 'resolved', message_count: 3 });
    expect(two.session.messages[2]).toMatchObject({
      message_type: 'agreement',
      metadata: { classified: true },
    });
  });

  it('records a human decision with who made it; the session moves to history', async () => {
    const t = await start();
    const id = await openSession(t);
    const answer = await t.call(`/api/sessions/${id}/escalate`, {
      method: 'POST',
      json: { reason: 'The auth flow needs a security review', by: 'alice' },
    });
    expect(answer.status).toBe(200);
    expect(await json(answer)).toMatchObject({
      status: 'escalated',
      escalation_reason: 'The auth flow needs a security review',
      decided_by: 'alice',
      decision: {
        outcome: 'escalated',
        by: 'alice',
        reason: 'The auth flow needs a security review',
      },
    });
    const history = await json<SessionList>(await t.call('/api/sessions?status=escalated'));
    expect(history.sessions.map((s) => [s.session_id, s.decided_by])).toEqual([[id, 'alice']]);
    const escalateAgain = await t.call(`/api/sessions/${id}/escalate`, {
      method: 'POST',
      json: { reason: 'again', by: 'alice' },
    });
    expect(escalateAgain.status).toBe(409);
    expect(await json(await t.call('/api/sessions?status=active'))).toEqual({ sessions: [] });

    // The escalation queue: a human resolves the escalated session.
    const decided = await t.call(`/api/sessions/${id}/resolve`, {
      method: 'POST',
      json: { reason: 'Reviewed: ship the API first', by: 'bob' },
    });
    expect(decided.status).toBe(200);
    expect(await json(decided)).toMatchObject({
      status: 'resolved',
      escalation_reason: 'The auth flow needs a security review',
      decision: { outcome: 'resolved', by: 'bob', reason: 'Reviewed: ship the API first' },
    });
    expect(await json(await t.call('/api/sessions?status=escalated'))).toEqual({ sessions: [] });
    const again = await t.call(`/api/sessions/${id}/close`, {
      method: 'POST',
      json: { reason: 'done', by: 'bob' },
    });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({
      code: 'session_closed',
      message: `session "${id}" is already resolved`,
    });
    const late = await t.call(`/api/sessions/${id}/messages`, {
      method: 'POST',
      json: { agent_id: 'agent-001', content: 'Agreed' },
    });
    expect(late.status).toBe(409);
  });

  it('closes a session by hand, and lists all statuses without a filter', async () => {
    const t = await start();
    const id = await openSession(t);
    const closed = await t.call(`/api/sessions/${id}/close`, {
      method: 'POST',
      json: { reason: 'Duplicate', by: 'carol' },
    });
    expect(await json(closed)).toMatchObject({
      status: 'closed',
      decision: { outcome: 'closed', reason: 'Duplicate', by: 'carol' },
    });
    const all = await json<SessionList>(await t.call('/api/sessions'));
    expect(all.sessions.map((s) => s.status)).toEqual(['closed']);
  });

  it('releases a claimed task', async () => {
    const t = await start();
    await t.call('/api/tasks', { method: 'POST', json: API_CLAIM });
    const released = await t.call('/api/tasks/1/42', { method: 'DELETE' });
    expect(released.status).toBe(200);
    expect(await json(released)).toMatchObject({ released: { task_id: 42, project_id: 1 } });
    expect(await json(await t.call('/api/tasks'))).toEqual({ tasks: [] });
    const again = await t.call('/api/tasks/1/42', { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(await json(again)).toMatchObject({ code: 'not_found', message: 'no claimed task 1/42' });
  });

  it('a released task claimed again is a new claim: its dependency opens a new session', async () => {
    const t = await start();
    const first = await openSession(t);
    expect((await t.call('/api/tasks/2/43', { method: 'DELETE' })).status).toBe(200);
    const again = await json<ClaimResult>(
      await t.call('/api/tasks', { method: 'POST', json: CLIENT_CLAIM }),
    );
    expect(again.dependencies).toHaveLength(1);
    const second = again.dependencies[0]?.session_id;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    await t.node.coordinator.whenIdle();
    const all = await json<SessionList>(await t.call('/api/sessions'));
    expect(all.sessions.map((s) => s.session_id).sort()).toEqual([first, second].sort());
  });
});

describe('HTTP API: bad requests', () => {
  it('names the field of a body that fails validation', async () => {
    const t = await start();
    const cases: [unknown, string][] = [
      [{ ...API_CLAIM, agent_id: undefined }, 'agent_id'],
      [{ ...API_CLAIM, keywords: ['api', 7] }, 'keywords.1'],
      [{ ...API_CLAIM, repository: '' }, 'repository'],
      [{ ...API_CLAIM, claimed_at: 'yesterday' }, 'claimed_at'],
      [{ ...API_CLAIM, claimed_at: 1e15 }, 'claimed_at'],
    ];
    for (const [body, field] of cases) {
      const answer = await t.call('/api/tasks', { method: 'POST', json: body });
      expect(answer.status, field).toBe(400);
      const error = await json<ErrorBody>(answer);
      expect(error, field).toMatchObject({ status: 400, code: 'invalid_body', field });
      expect(error.message, field).toContain(field);
    }
    const id = await openSession(t);
    const noBy = await t.call(`/api/sessions/${id}/resolve`, {
      method: 'POST',
      json: { reason: 'fine' },
    });
    expect(await json(noBy)).toMatchObject({ status: 400, code: 'invalid_body', field: 'by' });
    const badType = await t.call(`/api/sessions/${id}/messages`, {
      method: 'POST',
      json: { agent_id: 'agent-001', type: 'shout', content: 'hi' },
    });
    expect(await json(badType)).toMatchObject({ code: 'invalid_body', field: 'type' });
  });

  it('refuses a bad query, malformed JSON and a non-participant', async () => {
    const t = await start();
    const query = await t.call('/api/sessions?status=open');
    expect(query.status).toBe(400);
    expect(await json(query)).toMatchObject({ code: 'invalid_query', field: 'status' });
    const limit = await t.call('/api/sessions?limit=0');
    expect(await json(limit)).toMatchObject({ code: 'invalid_query', field: 'limit' });
    const broken = await t.call('/api/tasks', {
      method: 'POST',
      body: '{"task_id": 1,',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(await json(broken)).toMatchObject({ status: 400, code: 'bad_request' });

    const id = await openSession(t);
    const stranger = await t.call(`/api/sessions/${id}/messages`, {
      method: 'POST',
      json: { agent_id: 'mallory', content: 'Agreed' },
    });
    expect(stranger.status).toBe(403);
    expect(await json(stranger)).toMatchObject({ code: 'not_participant', field: 'agent_id' });
  });

  it('answers 404 with JSON for unknown sessions and routes', async () => {
    const t = await start();
    const session = await t.call('/api/sessions/dep_9_9_9');
    expect(session.status).toBe(404);
    expect(await json(session)).toEqual({
      status: 404,
      code: 'not_found',
      message: 'no session "dep_9_9_9"',
    });
    const resolve = await t.call('/api/sessions/dep_9_9_9/resolve', {
      method: 'POST',
      json: { reason: 'x', by: 'y' },
    });
    expect(resolve.status).toBe(404);
    const route = await t.call('/api/nothing');
    expect(route.status).toBe(404);
    expect(await json(route)).toMatchObject({
      code: 'not_found',
      message: 'no route GET /api/nothing',
    });
  });

  it('refuses a body over the size limit with 413', async () => {
    const t = await start({ server: { bodyLimit: 2_048 } });
    const answer = await t.call('/api/tasks', {
      method: 'POST',
      json: { ...API_CLAIM, description: 'x'.repeat(4_000) },
    });
    expect(answer.status).toBe(413);
    expect(await json(answer)).toMatchObject({ status: 413, code: 'payload_too_large' });
  });
});

describe('HTTP API: the token', () => {
  it('needs the bearer token on /api, not on health and metrics', async () => {
    const t = await start({ server: { token: 's3cret-token' } });
    const none = await fetch(`${t.url}/api/node`);
    expect(none.status).toBe(401);
    expect(await json(none)).toMatchObject({
      code: 'unauthorized',
      message: 'this node needs "Authorization: Bearer <token>"',
    });
    for (const wrong of ['s3cret-tokem', 's3cret', 's3cret-token-and-more', '']) {
      const answer = await fetch(`${t.url}/api/sessions`, {
        headers: { authorization: `Bearer ${wrong}` },
      });
      expect(answer.status, wrong).toBe(401);
    }
    const events = await fetch(`${t.url}/api/events`);
    expect(events.status).toBe(401);
    expect((await fetch(`${t.url}/api/events?token=wrong`)).status).toBe(401);
    // EventSource cannot send headers: the stream (and only the stream) takes ?token=.
    const stream = await fetch(`${t.url}/api/events?token=s3cret-token`);
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
    expect((await fetch(`${t.url}/api/node?token=s3cret-token`)).status).toBe(401);
    expect((await t.call('/api/node')).status).toBe(200);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/metrics`)).status).toBe(200);
  });

  it('refuses to listen beyond loopback without a token, before binding anything', async () => {
    const t = await start();
    await expect(startHttpServer(t.node, { listen: '0.0.0.0:0', version: 'x' })).rejects.toThrow(
      HttpConfigError,
    );
    await expect(startHttpServer(t.node, { listen: '0.0.0.0:0', version: 'x' })).rejects.toThrow(
      /not a loopback address: set http.token in the config \(or CHORALE_TOKEN\)/,
    );
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('127.1.2.3')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('10.0.0.1')).toBe(false);
    expect(isLoopback('::')).toBe(false);
  });

  it('says which address is taken when the port is in use', async () => {
    const t = await start();
    const port = new URL(t.url).port;
    await expect(
      startHttpServer(t.node, { listen: `127.0.0.1:${port}`, version: 'x' }),
    ).rejects.toThrow(new RegExp(`cannot listen on 127.0.0.1:${port}: .*EADDRINUSE`));
  });
});

describe('HTTP server: OpenAPI and the dashboard', () => {
  it('publishes OpenAPI with every route and its schemas', async () => {
    const t = await start();
    const doc = await json<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    }>(await t.call('/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/dependencies',
      '/api/node',
      '/api/sessions',
      '/api/sessions/{id}',
      '/api/sessions/{id}/close',
      '/api/sessions/{id}/escalate',
      '/api/sessions/{id}/messages',
      '/api/sessions/{id}/resolve',
      '/api/tasks',
      '/api/tasks/{project_id}/{task_id}',
      '/healthz',
      '/readyz',
    ]);
    expect(Object.keys(doc.paths['/api/tasks']!).sort()).toEqual(['get', 'post']);
    expect(doc.components.schemas).toHaveProperty('SessionDetail');
    expect(doc.components.schemas).toHaveProperty('TaskClaim');
  });

  it('serves the built dashboard at /, or says how to build it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chorale-dashboard-'));
    try {
      await writeFile(join(dir, 'index.html'), '<!doctype html><title>Chorale</title>');
      const t = await start({ server: { dashboardDir: dir } });
      const page = await t.call('/');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toContain('<title>Chorale</title>');
      expect((await t.call('/api/node')).status).toBe(200);

      const bare = await start({ server: { dashboardDir: join(dir, 'missing') } });
      const missing = await bare.call('/');
      expect(missing.status).toBe(503);
      expect(await missing.text()).toMatch(
        /dashboard is not built .*pnpm --filter @chorale\/dashboard build/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Listeners the coordinator has, over every event the stream follows. */
function listeners(coordinator: MetaCoordinator): number {
  return coordinator
    .eventNames()
    .reduce((n, name) => n + coordinator.listenerCount(name as 'drop'), 0);
}

describe('HTTP API: /api/events', () => {
  it('streams every coordinator event as it happens, beats, and lets go on disconnect', async () => {
    const t = await start({ server: { heartbeatMs: 15_000 } });
    const before = listeners(t.node.coordinator);
    const controller = new AbortController();
    const answer = await t.call('/api/events', { signal: controller.signal });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = answer.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before "${needle}": ${text}`);
        text += value;
      }
    };
    await readUntil(': connected');
    expect(listeners(t.node.coordinator)).toBeGreaterThan(before);

    const id = await openSession(t);
    await readUntil('event: coordination_plan');
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events).toEqual([
      'task_claimed',
      'task_claimed',
      'dependency_detected',
      'session_opened',
      'coordination_plan',
    ]);
    const frames = text.split('\n\n').filter((f) => f.includes('event: coordination_plan'));
    const data = JSON.parse(frames[0]!.split('\ndata: ')[1]!);
    expect(data).toMatchObject({
      session: { session_id: id, status: 'active' },
      message: { message_type: 'proposal' },
      plan: { revision: 1, planner: 'template' },
    });
    expect(text).toMatch(/^id: 5$/m);

    expect(text).not.toContain(': heartbeat');
    await t.clock.advance(15_000);
    await readUntil(': heartbeat');

    await t.call(`/api/sessions/${id}/resolve`, {
      method: 'POST',
      json: { reason: 'ok', by: 'dana' },
    });
    await readUntil('event: slurp');
    const slurp = text.split('\n\n').find((f) => f.includes('event: slurp'))!;
    expect(JSON.parse(slurp.split('\ndata: ')[1]!)).toMatchObject({
      event: { session_id: id, outcome_type: 'resolved', metadata: { decidedBy: 'dana' } },
    });

    await t.call('/api/tasks/1/42', { method: 'DELETE' });
    await readUntil('event: task_released');

    controller.abort();
    await reader.cancel().catch(() => {});
    await expect.poll(() => listeners(t.node.coordinator)).toBe(before);
    const metrics = await (await t.call('/metrics')).text();
    expect(metrics).toMatch(/^chorale_http_event_streams 0$/m);
  });
});
