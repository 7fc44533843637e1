import { execFile } from 'node:child_process';
import { type Planner, type SlurpSink, SPECIFICATION_VERSION } from '@chorale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { API_CLAIM, CLIENT_CLAIM, startTestNode, type TestNode } from './__fixtures__/test-node.js';
import type { Readiness } from './schemas.js';

const nodes: TestNode[] = [];
async function start(init?: Parameters<typeof startTestNode>[0]): Promise<TestNode> {
  const t = await startTestNode(init);
  nodes.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((t) => t.close()));
});

async function openSession(t: TestNode): Promise<string> {
  await t.call('/api/tasks', { method: 'POST', json: API_CLAIM });
  const answer = (await (
    await t.call('/api/tasks', { method: 'POST', json: CLIENT_CLAIM })
  ).json()) as { dependencies: { session_id: string }[] };
  await t.node.coordinator.whenIdle();
  return answer.dependencies[0]!.session_id;
}

async function metricsOf(t: TestNode): Promise<string> {
  const answer = await t.call('/metrics');
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return answer.text();
}

/** The value of one sample (`name{labels}`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const flaky: Planner = {
  specificationVersion: SPECIFICATION_VERSION,
  name: 'flaky-llm',
  async plan() {
    throw new Error('model overloaded');
  },
};

class BrokenSink implements SlurpSink {
  readonly specificationVersion = SPECIFICATION_VERSION;
  readonly name = 'broken';
  async emit(): Promise<void> {
    throw new Error('disk full');
  }
  async close() {}
}

class ArraySink implements SlurpSink {
  readonly specificationVersion = SPECIFICATION_VERSION;
  readonly name = 'array';
  readonly events: unknown[] = [];
  async emit(event: unknown) {
    this.events.push(event);
  }
  async close() {}
}

describe('/metrics', () => {
  it('counts sessions, messages, dependencies, plans, SLURP deliveries, tasks and detector runs', async () => {
    const t = await start({ sinks: [new ArraySink(), new BrokenSink()] });
    const id = await openSession(t);
    await t.call(`/api/sessions/${id}/messages`, {
      method: 'POST',
      json: { agent_id: 'agent-001', type: 'question', content: 'Which token format?' },
    });
    let text = await metricsOf(t);
    expect(sample(text, 'chorale_sessions{status="active"}')).toBe(1);
    expect(sample(text, 'chorale_sessions{status="resolved"}')).toBe(0);
    expect(sample(text, 'chorale_sessions_opened_total{type="dependency"}')).toBe(1);
    expect(sample(text, 'chorale_messages_total{type="proposal"}')).toBe(1);
    expect(sample(text, 'chorale_messages_total{type="question"}')).toBe(1);
    expect(text).toMatch(/^chorale_dependencies_total\{relationship="\w+"\} 1$/m);
    expect(sample(text, 'chorale_plans_total{planner="template"}')).toBe(1);
    expect(sample(text, 'chorale_known_tasks')).toBe(2);
    expect(sample(text, 'chorale_transport_peers')).toBe(0);
    expect(sample(text, 'chorale_detector_duration_seconds_count')).toBe(2);
    expect(sample(text, 'chorale_info{version="0.0.0-test",peer_id="node-peer"}')).toBe(1);
    expect(sample(text, 'chorale_process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE chorale_nodejs_heap_size_total_bytes gauge');

    await t.call(`/api/sessions/${id}/resolve`, {
      method: 'POST',
      json: { reason: 'agreed on a call', by: 'erin' },
    });
    await t.call(`/api/sessions/${id}/messages`, {
      method: 'POST',
      json: { agent_id: 'agent-001', content: 'late' },
    });
    text = await metricsOf(t);
    expect(sample(text, 'chorale_sessions{status="active"}')).toBe(0);
    expect(sample(text, 'chorale_sessions{status="resolved"}')).toBe(1);
    expect(sample(text, 'chorale_slurp_events_total')).toBe(1);
    expect(sample(text, 'chorale_slurp_sink_deliveries_total{sink="array"}')).toBe(1);
    expect(sample(text, 'chorale_slurp_sink_deliveries_total{sink="broken"}')).toBeUndefined();
    expect(sample(text, 'chorale_slurp_sink_failures_total{sink="broken"}')).toBe(1);
    expect(
      sample(text, 'chorale_dropped_messages_total{source="coordinator",reason="sink_failed"}'),
    ).toBe(1);
  });

  it('reports the transport drops and coordinator drops by reason, counting only what is new', async () => {
    const t = await start();
    const agent = t.bus.connect('agent-peer');
    await agent.start();
    // A reply for a session nobody opened: the coordinator drops it.
    await agent.publish('hmmm/meta-discussion/v1', {
      from: 'agent-peer',
      timestamp: t.clock.now(),
      hopCount: 0,
      message: {
        type: 'coordination_response',
        sessionId: 'dep_0_0_0',
        agentId: 'agent-x',
        response: 'Agreed',
        timestamp: t.clock.now(),
      },
    });
    await t.node.coordinator.whenIdle();
    const before = await metricsOf(t);
    expect(
      sample(
        before,
        'chorale_dropped_messages_total{source="coordinator",reason="unknown_session"}',
      ),
    ).toBe(1);
    const after = await metricsOf(t);
    expect(
      sample(
        after,
        'chorale_dropped_messages_total{source="coordinator",reason="unknown_session"}',
      ),
    ).toBe(1);
    await agent.stop();
  });

  it('times the planner and counts the planners that failed before it', async () => {
    const t = await start({ planners: [flaky] });
    await openSession(t);
    const text = await metricsOf(t);
    expect(sample(text, 'chorale_planner_failures_total{planner="flaky-llm"}')).toBe(1);
    expect(sample(text, 'chorale_planner_latency_seconds_count{planner="template"}')).toBe(1);
    expect(sample(text, 'chorale_plans_total{planner="template"}')).toBe(1);
  });

  it('counts the secrets redacted, by kind', async () => {
    const t = await start();
    await t.call('/api/tasks', {
      method: 'POST',
      json: { ...API_CLAIM, description: 'Deploy key AKIAIOSFODNN7EXAMPLE for the auth API' },
    });
    await t.call('/api/tasks', { method: 'POST', json: CLIENT_CLAIM });
    await t.node.coordinator.whenIdle();
    const text = await metricsOf(t);
    expect(sample(text, 'chorale_redactions_total{kind="aws_access_key_id"}')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE chorale_redactions_total counter');
  });

  it('passes promtool check metrics', async (context) => {
    const promtool = await new Promise<boolean>((resolve) =>
      execFile('promtool', ['--version'], (error) => resolve(!error)),
    );
    if (!promtool) {
      if (process.env.CI)
        throw new Error('promtool is missing: install the Debian package "prometheus"');
      context.skip('promtool is not installed (Debian package "prometheus"); CI runs this check');
    }
    const t = await start({ planners: [flaky], sinks: [new BrokenSink()] });
    const id = await openSession(t);
    await t.call(`/api/sessions/${id}/escalate`, {
      method: 'POST',
      json: { reason: 'x', by: 'y' },
    });
    const text = await metricsOf(t);
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) =>
        resolve({
          code: error ? ((error as { code?: number }).code ?? 1) : 0,
          output: stdout + stderr,
        }),
      );
      child.stdin!.end(text);
    });
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('/readyz', () => {
  it('is ready with one entry per check when every part works', async () => {
    const t = await start();
    await openSession(t);
    const answer = await t.call('/readyz');
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as Readiness;
    expect(body).toMatchObject({ ready: true, status: 'ok' });
    expect(body.checks.map((c) => [c.name, c.status])).toEqual([
      ['transport', 'ok'],
      ['store', 'ok'],
      ['planners', 'ok'],
      ['sinks', 'ok'],
    ]);
    expect(body.checks[0]!.detail).toBe('memory started as node-peer, 0 peer(s)');
  });

  it('is ready but degraded while an LLM planner fails and the template writes the plans', async () => {
    const t = await start({ planners: [flaky], sinks: [new BrokenSink()] });
    const id = await openSession(t);
    await t.call(`/api/sessions/${id}/close`, { method: 'POST', json: { reason: 'x', by: 'y' } });
    const answer = await t.call('/readyz');
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as Readiness;
    expect(body).toMatchObject({ ready: true, status: 'degraded' });
    const planners = body.checks.find((c) => c.name === 'planners')!;
    expect(planners.status).toBe('degraded');
    expect(planners.detail).toContain('flaky-llm: model overloaded');
    expect(body.checks.find((c) => c.name === 'sinks')).toMatchObject({
      status: 'degraded',
      detail: expect.stringContaining('broken: disk full'),
    });

    // Failures older than the window no longer count.
    await t.clock.advance(5 * 60_000 + 1);
    const later = (await (await t.call('/readyz')).json()) as Readiness;
    expect(later.status).toBe('ok');
  });

  it('is not ready (503) when the coordinator has stopped', async () => {
    const t = await start();
    await t.node.coordinator.stop();
    const answer = await t.call('/readyz');
    expect(answer.status).toBe(503);
    const body = (await answer.json()) as Readiness;
    expect(body).toMatchObject({ ready: false, status: 'fail' });
    expect(body.checks[0]).toEqual({
      name: 'transport',
      status: 'fail',
      detail: 'the coordinator is not running',
    });
  });
});
