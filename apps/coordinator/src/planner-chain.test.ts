import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  anthropicReplies,
  type FakeAnthropicServer,
  RECORDED_ANTHROPIC_MESSAGE,
  startFakeAnthropic,
} from '@chorale/testing/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, chorale, jsonLines, oneLine, taskLine, tempDir } from './__fixtures__/cli.js';

// The planner chain end to end: the real `chorale` process resolves @chorale/planner-anthropic
// from the config, asks a fake Messages API on 127.0.0.1, falls back to the template planner,
// says so on the published plan and in the SLURP event, and never sends a task's secret.

const TIMEOUT = 30_000;
const GITHUB_TOKEN = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';

/** Two dependencies (an API contract, a schema change); the first pair carries fake secrets. */
const TASKS = [
  taskLine({
    task_id: 1,
    project_id: 10,
    repository: 'acme/backend-api',
    title: 'Define user login API',
    description: `OpenAPI spec for the login endpoint; CI pushes with ${GITHUB_TOKEN}`,
    keywords: ['api'],
    agent_id: 'agent-a',
  }),
  taskLine({
    task_id: 2,
    project_id: 11,
    repository: 'acme/frontend-app',
    title: 'Implement user login API client',
    description: `Call the login endpoint from the app; staging key ${AWS_KEY}`,
    keywords: ['api'],
    agent_id: 'agent-b',
  }),
  taskLine({
    task_id: 3,
    project_id: 12,
    repository: 'acme/db',
    title: 'Add orders table',
    description: 'Migration for the orders data',
    agent_id: 'agent-c',
  }),
  taskLine({
    task_id: 4,
    project_id: 13,
    repository: 'acme/orders-service',
    title: 'Update orders service for the new table',
    description: 'Read orders through the service',
    agent_id: 'agent-d',
  }),
].join('\n');

type Json = Record<string, unknown>;
interface Provenance {
  planner: string;
  model?: string;
  usage?: { input_tokens: number; output_tokens: number };
  latency_ms?: number;
  cached?: boolean;
  failures: { planner: string; error: string }[];
}

interface DemoRun {
  code: number;
  stderr: string;
  events: Json[];
  plans: (Json & { generated_by?: Provenance })[];
  slurp: Json[];
}

/** Runs `chorale demo --config --tasks --json` in a fresh folder with the given planner options. */
async function demo(plannerOptions: Json, extraConfig: Json = {}): Promise<DemoRun> {
  const temp = await tempDir();
  try {
    const config = await temp.write(
      'planners.config.json',
      JSON.stringify({
        planners: [['@chorale/planner-anthropic', plannerOptions]],
        logLevel: 'silent',
        ...extraConfig,
      }),
    );
    const tasks = await temp.write('tasks.jsonl', `${TASKS}\n`);
    const run = await chorale(temp.dir, 'demo', '--config', config, '--tasks', tasks, '--json');
    const events = run.code === 0 ? jsonLines(run.stdout) : [];
    const slurpFile = join(temp.dir, '.chorale', 'slurp.jsonl');
    const slurp = run.code === 0 ? jsonLines(await readFile(slurpFile, 'utf8')) : [];
    return {
      code: run.code,
      stderr: run.stderr,
      events,
      plans: events.filter((e) => e.event === 'coordination_plan'),
      slurp,
    };
  } finally {
    await temp.remove();
  }
}

/** What the CLI sent to the fake API, as one string. */
const sent = (server: FakeAnthropicServer) => server.requests.map((r) => r.rawBody).join('\n');

beforeAll(assertBuilt);

describe('chorale demo with @chorale/planner-anthropic answering 500', () => {
  let server: FakeAnthropicServer;
  let run: DemoRun;

  beforeAll(async () => {
    server = await startFakeAnthropic({ reply: anthropicReplies.serverError() });
    run = await demo({ baseURL: server.url, apiKey: 'test-key', maxRetries: 1, retryDelayMs: 1 });
  }, TIMEOUT);
  afterAll(() => server.close());

  it('still produces every plan, from the template planner', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.plans).toHaveLength(2);
    for (const plan of run.plans) {
      expect(plan.generated_by?.planner).toBe('template');
      expect(plan.plan).toMatch(/^COORDINATION PLAN:/);
    }
    expect(run.events.filter((e) => e.event === 'resolution')).toHaveLength(2);
  });

  it('says on each published plan that Anthropic failed first, and why', () => {
    for (const plan of run.plans) {
      expect(plan.generated_by?.failures).toEqual([
        {
          planner: 'anthropic',
          error: expect.stringMatching(/the Anthropic API answered 500 api_error/),
        },
      ]);
    }
  });

  it('asked the API for every plan, retrying the 500 once, before falling back', () => {
    expect(server.requests).toHaveLength(4);
    expect(server.requests.every((r) => r.path === '/v1/messages')).toBe(true);
  });

  it('records the provenance in each SLURP event', () => {
    expect(run.slurp).toHaveLength(2);
    for (const event of run.slurp) {
      const metadata = event.metadata as { planProvenance?: Provenance };
      expect(metadata.planProvenance?.planner).toBe('template');
      expect(metadata.planProvenance?.failures[0]?.planner).toBe('anthropic');
    }
  });

  it('sent no secret from the tasks to the API, only their redaction markers', () => {
    const body = sent(server);
    expect(body).not.toContain(GITHUB_TOKEN);
    expect(body).not.toContain(AWS_KEY);
    expect(body).toContain('CI pushes with [REDACTED:github_token]');
    expect(body).toContain('staging key [REDACTED:aws_access_key_id]');
  });

  it('published no secret either: every coordinator message and SLURP event is redacted', () => {
    const fromCoordinator = run.events.filter(
      (e) => e.from === 'meta-coordinator' || e.event === 'slurp_event',
    );
    expect(fromCoordinator.length).toBeGreaterThan(0);
    const text = JSON.stringify([fromCoordinator, run.slurp]);
    expect(text).not.toContain(GITHUB_TOKEN);
    expect(text).not.toContain(AWS_KEY);
    expect(text).toContain('[REDACTED:github_token]');
  });
});

describe('chorale demo with @chorale/planner-anthropic answering', () => {
  let server: FakeAnthropicServer;
  let run: DemoRun;

  beforeAll(async () => {
    server = await startFakeAnthropic();
    run = await demo({ baseURL: server.url, apiKey: 'test-key' });
  }, TIMEOUT);
  afterAll(() => server.close());

  it('publishes the model’s plan with the model, token usage and latency', () => {
    expect(run.code).toBe(0);
    expect(run.plans).toHaveLength(2);
    for (const plan of run.plans) {
      expect(plan.generated_by).toEqual({
        planner: 'anthropic',
        model: RECORDED_ANTHROPIC_MESSAGE.model,
        usage: RECORDED_ANTHROPIC_MESSAGE.usage && {
          input_tokens: RECORDED_ANTHROPIC_MESSAGE.usage.input_tokens,
          output_tokens: RECORDED_ANTHROPIC_MESSAGE.usage.output_tokens,
        },
        latency_ms: expect.any(Number),
        failures: [],
      });
      expect(plan.sections).toBeDefined();
    }
    expect(server.requests).toHaveLength(2);
  });

  it('sent the redacted tasks, not their secrets', () => {
    const body = sent(server);
    expect(body).not.toContain(GITHUB_TOKEN);
    expect(body).toContain('[REDACTED:github_token]');
  });
});

describe('chorale demo with a spent token budget', () => {
  let server: FakeAnthropicServer;
  let run: DemoRun;

  beforeAll(async () => {
    server = await startFakeAnthropic();
    run = await demo({ baseURL: server.url, apiKey: 'test-key' }, { tokenBudget: { perHour: 1 } });
  }, TIMEOUT);
  afterAll(() => server.close());

  it('asks Anthropic for the first plan only; the second says the budget is spent', () => {
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    const [first, second] = run.plans;
    expect(first?.generated_by?.planner).toBe('anthropic');
    expect(second?.generated_by?.planner).toBe('template');
    expect(second?.generated_by?.failures).toEqual([
      {
        planner: 'anthropic',
        error: expect.stringMatching(
          /^token budget spent: \d+ tokens in the last hour \(limit 1\)$/,
        ),
      },
    ]);
  });
});

describe('chorale demo with a bad planner-chain key', () => {
  it('refuses the config, naming the key', async () => {
    const run = await demo({ apiKey: 'test-key' }, { tokenBudget: { perHour: -5 } });
    expect(run.code).not.toBe(0);
    expect(oneLine(run.stderr)).toMatch(
      /tokenBudget\.perHour: expected a non-negative integer of tokens \(0 for no limit\), got -5/,
    );
  });
});
