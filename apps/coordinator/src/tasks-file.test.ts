import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChoraleError } from '@chorale/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskFileError } from './errors.js';
import { readTaskFile, readTasksFile } from './tasks-file.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chorale-tasks-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(text: string): Promise<string> {
  const path = join(dir, `tasks-${n++}.jsonl`);
  await writeFile(path, text);
  return path;
}

const API = {
  task_id: 42,
  project_id: 1,
  repository: 'backend-api',
  title: 'Define user authentication API',
  description: 'OpenAPI spec',
  keywords: ['api'],
  agent_id: 'agent-001',
  claimed_at: '2025-09-30T10:00:00Z',
};

describe('readTasksFile', () => {
  it('reads TaskContexts in order, skipping blank lines, CRLF or LF', async () => {
    const second = { ...API, task_id: 'T-7', project_id: 'web', repository: 'frontend-app' };
    const path = await file(`\n${JSON.stringify(API)}\r\n   \n${JSON.stringify(second)}`);
    const tasks = await readTasksFile(path);
    expect(tasks).toEqual([
      {
        taskId: 42,
        projectId: 1,
        repository: 'backend-api',
        title: 'Define user authentication API',
        description: 'OpenAPI spec',
        keywords: ['api'],
        agentId: 'agent-001',
        claimedAt: Date.parse('2025-09-30T10:00:00Z'),
      },
      expect.objectContaining({ taskId: 'T-7', projectId: 'web', repository: 'frontend-app' }),
    ]);
  });

  it('fills in what a TaskContext may leave out: description, keywords, claimed_at', async () => {
    const { description: _d, keywords: _k, claimed_at: _c, ...bare } = API;
    const [task] = await readTasksFile(await file(JSON.stringify(bare)));
    expect(task).toEqual({
      taskId: 42,
      projectId: 1,
      repository: 'backend-api',
      title: 'Define user authentication API',
      description: '',
      keywords: [],
      agentId: 'agent-001',
    });
  });

  it('reads a bzzz-style claim: repository from github_url, claimed_at in unix seconds', async () => {
    const bzzz = {
      task_id: 101,
      task_title: 'Implement login endpoint',
      task_type: 'feature',
      agent_id: 'bzzz-1',
      claimed_at: 1727690400,
      github_url: 'https://github.com/acme/frontend-app/issues/101',
    };
    const [task] = await readTasksFile(await file(JSON.stringify(bzzz)));
    expect(task).toMatchObject({
      taskId: 101,
      repository: 'acme/frontend-app',
      title: 'Implement login endpoint',
      keywords: ['feature'],
      agentId: 'bzzz-1',
      claimedAt: 1727690400 * 1000,
    });
  });

  it('an empty file is no tasks', async () => {
    expect(await readTasksFile(await file(''))).toEqual([]);
  });

  it('a missing file: TaskFileError naming the path and the reason', async () => {
    const path = join(dir, 'nope.jsonl');
    const error = await readTasksFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFileError);
    expect((error as TaskFileError).code).toBe('TASK_FILE');
    expect((error as Error).message).toBe(`${path}: cannot read the file (ENOENT)`);
  });

  it.each([
    ['not JSON', '{"task_id": 1,', /not JSON/],
    ['a wrong type', JSON.stringify({ ...API, task_id: true }), /task_id/],
    ['a missing field', JSON.stringify({ ...API, agent_id: undefined }), /agent_id/],
    ['an array', '[1]', /./],
    ['a string', '"task"', /./],
    ['a __proto__ key', `{"__proto__": {"x": 1}, ${JSON.stringify(API).slice(1)}`, /__proto__/],
    ['a bad timestamp', JSON.stringify({ ...API, claimed_at: 'yesterday' }), /claimed_at/],
  ])('a line with %s: TaskFileError naming file:line', async (_what, bad, reason) => {
    const path = await file(`${JSON.stringify(API)}\n\n${bad}\n`);
    const error = await readTasksFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFileError);
    const message = (error as Error).message;
    expect(message.startsWith(`${path}:3: `)).toBe(true);
    expect(message).toMatch(reason);
    expect(message).not.toContain('\n');
  });

  it('never throws anything but a TaskFileError, whatever the lines hold', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string(), fc.json(), fc.constant(JSON.stringify(API))), {
          maxLength: 5,
        }),
        async (lines) => {
          const path = await file(lines.join('\n'));
          try {
            const tasks = await readTasksFile(path);
            for (const task of tasks) expect(typeof task.repository).toBe('string');
          } catch (error) {
            expect(error).toBeInstanceOf(TaskFileError);
            expect(ChoraleError.isInstance(error)).toBe(true);
            expect((error as Error).message.startsWith(`${path}:`)).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('readTaskFile', () => {
  it('reads one TaskContext from a JSON file (pretty-printed is fine)', async () => {
    const path = await file(JSON.stringify(API, null, 2));
    expect(await readTaskFile(path)).toMatchObject({ taskId: 42, agentId: 'agent-001' });
  });

  it('a bad file is named, without a line number', async () => {
    const path = await file('{"task_id": 1}');
    const error = await readTaskFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFileError);
    expect((error as Error).message).toMatch(new RegExp(`^${path}: .*repository`));
  });
});
