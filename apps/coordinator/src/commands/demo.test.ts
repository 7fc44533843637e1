import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  type CliResult,
  chorale,
  jsonLines,
  oneLine,
  taskLine,
  tempDir,
} from '../__fixtures__/cli.js';

const TASKS = fileURLToPath(new URL('../__fixtures__/tasks.jsonl', import.meta.url));
const TIMEOUT = 30_000;

const FIRST_SESSION = [
  'task_claim',
  'task_claim',
  'dependency_detected',
  'coordination_plan',
  'coordination_response',
  'coordination_response',
  'resolution',
  'slurp_event',
];
const SECOND_SESSION = [
  'task_claim',
  'task_claim',
  'dependency_detected',
  'coordination_plan',
  ...Array<string>(9).fill('coordination_response'),
  'escalation',
  'slurp_event',
];

/** The snake_case fields of CHORUS's HmmmDiscussionContext, as the SLURP sink writes them. */
const SLURP_FIELDS = [
  'discussion_id',
  'session_id',
  'participants',
  'start_time',
  'end_time',
  'messages',
  'consensus_reached',
  'consensus_strength',
  'outcome_type',
  'project_path',
  'related_tasks',
  'metadata',
];

type Json = Record<string, unknown>;

async function slurpLines(path: string): Promise<Json[]> {
  return jsonLines(await readFile(path, 'utf8'));
}

beforeAll(assertBuilt);

describe('chorale demo --json (the default scenario)', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let run: CliResult;
  let events: Json[];

  beforeAll(async () => {
    temp = await tempDir();
    run = await chorale(temp.dir, 'demo', '--json');
    events = jsonLines(run.stdout);
  }, TIMEOUT);
  afterAll(() => temp.remove());

  it('exits 0 with nothing on stderr', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('prints one JSON object per line, each with an event field', () => {
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(FIRST_SESSION.length + SECOND_SESSION.length);
    for (const line of lines) {
      const event = JSON.parse(line) as Json;
      expect(typeof event.event).toBe('string');
    }
  });

  it('prints the events of both sessions in the order they happened', () => {
    expect(events.map((e) => e.event)).toEqual([...FIRST_SESSION, ...SECOND_SESSION]);
  });

  it('claims the reference tasks: task 42 of backend-api by agent-001, task 43 of frontend-app by agent-002', () => {
    const [a, b] = events;
    expect(a).toMatchObject({
      event: 'task_claim',
      task_id: 42,
      project_id: 1,
      repository: 'backend-api',
      title: 'Define user authentication API',
      agent_id: 'agent-001',
    });
    expect(b).toMatchObject({
      event: 'task_claim',
      task_id: 43,
      project_id: 2,
      repository: 'frontend-app',
      title: 'Implement authentication endpoint',
      agent_id: 'agent-002',
    });
  });

  it('resolves the first session on API_Contract, with both agents agreeing to the plan', () => {
    const first = events.slice(0, FIRST_SESSION.length);
    const detected = first[2] as Json & { dependency: Json };
    expect(detected.dependency.relationship).toBe('API_Contract');
    expect(detected.agents_involved).toEqual(['agent-001', 'agent-002']);
    const plan = first[3] as Json;
    expect(plan.plan).toMatch(/SEQUENCE/);
    const sessionId = plan.session_id;
    expect(typeof sessionId).toBe('string');
    const responses = first.filter((e) => e.event === 'coordination_response');
    expect(responses.map((r) => [r.agent_id, r.response_type, r.session_id])).toEqual([
      ['agent-001', 'agreement', sessionId],
      ['agent-002', 'agreement', sessionId],
    ]);
    expect(first[6]).toMatchObject({ event: 'resolution', session_id: sessionId });
    expect(first[7]).toMatchObject({
      event: 'slurp_event',
      session_id: sessionId,
      outcome_type: 'resolved',
      consensus_reached: true,
      consensus_strength: 0.9,
    });
  });

  it('escalates the second session on the message limit, requiring a human', () => {
    const second = events.slice(FIRST_SESSION.length);
    const sessionId = (second[3] as Json).session_id;
    expect(sessionId).not.toBe((events[3] as Json).session_id);
    const escalation = second.find((e) => e.event === 'escalation') as Json;
    expect(escalation).toMatchObject({
      session_id: sessionId,
      escalation_reason: 'Message limit exceeded - human intervention needed',
      requires_human: true,
    });
    expect(second.at(-1)).toMatchObject({
      event: 'slurp_event',
      session_id: sessionId,
      outcome_type: 'escalated',
      consensus_reached: false,
      consensus_strength: 0.3,
      message_count: 10,
    });
  });

  it('writes both SLURP events to .chorale/slurp.jsonl in the working directory, in snake_case', async () => {
    const lines = await slurpLines(join(temp.dir, '.chorale', 'slurp.jsonl'));
    expect(lines.map((l) => l.consensus_strength)).toEqual([0.9, 0.3]);
    expect(lines.map((l) => l.outcome_type)).toEqual(['resolved', 'escalated']);
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual([...SLURP_FIELDS].sort());
      expect(line.discussion_id).toBe(line.session_id);
      expect(Array.isArray(line.messages)).toBe(true);
    }
    expect(lines[0]).toMatchObject({
      participants: ['agent-001', 'agent-002'],
      consensus_reached: true,
      project_path: 'backend-api',
      related_tasks: ['backend-api#42', 'frontend-app#43'],
    });
    expect(lines[0]?.metadata).toMatchObject({ relationship: 'API_Contract' });
    expect(lines[1]?.messages).toHaveLength(10);
    const slurpEvents = events.filter((e) => e.event === 'slurp_event');
    expect(slurpEvents.map((e) => e.sinks)).toEqual([
      [join(temp.dir, '.chorale', 'slurp.jsonl')],
      [join(temp.dir, '.chorale', 'slurp.jsonl')],
    ]);
  });
});

describe('chorale demo (readable output)', () => {
  it('exits 0 and tells both sessions’ outcomes', async () => {
    const temp = await tempDir();
    try {
      const run = await chorale(temp.dir, 'demo');
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).not.toMatch(/^\{/m);
      expect(run.stdout).toContain('API_Contract');
      expect(run.stdout).toContain('Consensus reached among participants');
      expect(run.stdout).toContain('Message limit exceeded - human intervention needed');
      expect(run.stdout).toContain('2 session(s): resolved, escalated');
      // NO_COLOR is set: no escape codes
      expect(run.stdout).not.toContain('\u001b[');
    } finally {
      await temp.remove();
    }
  });
});

describe('chorale demo --tasks', () => {
  it(
    'claims the tasks of the file in order (a bzzz-style claim too) and every session resolves',
    async () => {
      const temp = await tempDir();
      try {
        const run = await chorale(temp.dir, 'demo', '--tasks', TASKS, '--json');
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const events = jsonLines(run.stdout);
        const claims = events.filter((e) => e.event === 'task_claim');
        expect(claims.map((c) => [c.agent_id, c.task_id, c.repository])).toEqual([
          ['agent-a', 1, 'acme/backend-api'],
          ['bzzz-agent-1', 101, 'acme/frontend-app'],
          ['agent-b', 2, 'acme/db'],
          ['agent-c', 3, 'acme/orders-service'],
        ]);
        // the bzzz claim: title from task_title, repository from github_url, unix seconds
        expect(claims[1]).toMatchObject({
          title: 'Implement user login endpoint client',
          keywords: ['feature'],
          claimed_at: '2024-09-30T10:00:00.000Z',
        });

        const plans = events.filter((e) => e.event === 'coordination_plan');
        expect(plans).toHaveLength(2);
        const detected = events
          .filter((e) => e.event === 'dependency_detected')
          .map((e) => (e.dependency as Json).relationship);
        expect(detected).toEqual(['API_Contract', 'Database_Schema']);
        for (const plan of plans) {
          const sessionId = plan.session_id;
          const responses = events.filter(
            (e) => e.event === 'coordination_response' && e.session_id === sessionId,
          );
          expect(responses.map((r) => r.response_type)).toEqual(['agreement', 'agreement']);
          expect(responses.map((r) => r.agent_id).sort()).toEqual(
            Object.keys(plan.participants as Json).sort(),
          );
          expect(
            events.filter((e) => e.event === 'resolution' && e.session_id === sessionId),
          ).toHaveLength(1);
        }
        expect(events.some((e) => e.event === 'escalation')).toBe(false);
        // each session closes (resolution, then its SLURP event) before the next claim
        expect(events.map((e) => e.event)).toEqual([
          'task_claim',
          'task_claim',
          'dependency_detected',
          'coordination_plan',
          'coordination_response',
          'coordination_response',
          'resolution',
          'slurp_event',
          'task_claim',
          'task_claim',
          'dependency_detected',
          'coordination_plan',
          'coordination_response',
          'coordination_response',
          'resolution',
          'slurp_event',
        ]);
        const slurp = await slurpLines(join(temp.dir, '.chorale', 'slurp.jsonl'));
        expect(slurp.map((l) => [l.outcome_type, l.consensus_strength])).toEqual([
          ['resolved', 0.9],
          ['resolved', 0.9],
        ]);
      } finally {
        await temp.remove();
      }
    },
    TIMEOUT,
  );

  it(
    'claims tasks without a dependency and opens no session',
    async () => {
      const temp = await tempDir();
      try {
        const file = await temp.write(
          'lonely.jsonl',
          `${taskLine({ task_id: 1, project_id: 1, repository: 'a', title: 'Write the changelog', agent_id: 'x' })}\n`,
        );
        const run = await chorale(temp.dir, 'demo', '--tasks', file, '--json');
        expect(run.code).toBe(0);
        expect(jsonLines(run.stdout).map((e) => e.event)).toEqual(['task_claim']);
      } finally {
        await temp.remove();
      }
    },
    TIMEOUT,
  );
});

describe('chorale demo with a config in the working directory', () => {
  it(
    'session.escalationThreshold: 4 escalates the second session after 4 messages',
    async () => {
      const temp = await tempDir();
      try {
        await temp.write(
          '.choralerc.json',
          JSON.stringify({ session: { escalationThreshold: 4 } }),
        );
        const run = await chorale(temp.dir, 'demo', '--json');
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const events = jsonLines(run.stdout);
        // the first session still resolves: the plan and two agreements are 3 messages
        expect(events.slice(0, FIRST_SESSION.length).map((e) => e.event)).toEqual(FIRST_SESSION);
        const second = events.slice(FIRST_SESSION.length);
        expect(second.map((e) => e.event)).toEqual([
          'task_claim',
          'task_claim',
          'dependency_detected',
          'coordination_plan',
          'coordination_response',
          'coordination_response',
          'coordination_response',
          'escalation',
          'slurp_event',
        ]);
        expect(second.at(-1)).toMatchObject({ outcome_type: 'escalated', message_count: 4 });
        const slurp = await slurpLines(join(temp.dir, '.chorale', 'slurp.jsonl'));
        expect(slurp[1]?.messages).toHaveLength(4);
      } finally {
        await temp.remove();
      }
    },
    TIMEOUT,
  );

  it(
    'a sinks entry with a custom path writes the SLURP events there, relative to the config file',
    async () => {
      const temp = await tempDir();
      try {
        await temp.write(
          '.choralerc.json',
          JSON.stringify({ sinks: [['@chorale/sink-jsonl', { path: 'out/decisions.jsonl' }]] }),
        );
        const run = await chorale(temp.dir, 'demo', '--json');
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const custom = join(temp.dir, 'out', 'decisions.jsonl');
        const slurp = await slurpLines(custom);
        expect(slurp.map((l) => l.consensus_strength)).toEqual([0.9, 0.3]);
        await expect(readFile(join(temp.dir, '.chorale', 'slurp.jsonl'))).rejects.toThrow(/ENOENT/);
        const sinks = jsonLines(run.stdout)
          .filter((e) => e.event === 'slurp_event')
          .map((e) => e.sinks);
        expect(sinks).toEqual([[custom], [custom]]);
      } finally {
        await temp.remove();
      }
    },
    TIMEOUT,
  );

  it(
    '--config FILE is used instead of the search, its dataDir relative to its folder',
    async () => {
      const temp = await tempDir();
      try {
        // a broken config where the search would look: --config must win
        await temp.write('.choralerc.json', '{"session": {"maxParticipants": "five"}}');
        const file = await temp.write('other.json', JSON.stringify({ dataDir: 'state' }));
        const run = await chorale(temp.dir, 'demo', '--config', file, '--json');
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const slurp = await slurpLines(join(temp.dir, 'state', 'slurp.jsonl'));
        expect(slurp).toHaveLength(2);
      } finally {
        await temp.remove();
      }
    },
    TIMEOUT,
  );

  it(
    'a sink that cannot write is reported, and the demo does not exit 0',
    async () => {
      const temp = await tempDir();
      try {
        // a regular file where the sink wants a folder
        await temp.write('blocked', '');
        await temp.write(
          '.choralerc.json',
          JSON.stringify({ sinks: [['@chorale/sink-jsonl', { path: 'blocked/slurp.jsonl' }]] }),
        );
        const run = await chorale(temp.dir, 'demo', '--json');
        expect(run.code).toBe(1);
        const line = oneLine(run.stderr);
        expect(line).toMatch(/^chorale: /);
        expect(line).toContain('SLURP');
        expect(line).toContain('blocked/slurp.jsonl');
        // the sessions still ran to their end
        expect(jsonLines(run.stdout).filter((e) => e.event === 'slurp_event')).toHaveLength(2);
      } finally {
        await temp.remove();
      }
    },
    TIMEOUT,
  );
});
