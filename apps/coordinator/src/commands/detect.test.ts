import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  chorale,
  jsonLines,
  oneLine,
  taskLine,
  tempDir,
} from '../__fixtures__/cli.js';

const TASKS = fileURLToPath(new URL('../__fixtures__/tasks.jsonl', import.meta.url));
const SAME_REPO = fileURLToPath(new URL('../__fixtures__/same-repo.jsonl', import.meta.url));
const TIMEOUT = 30_000;

beforeAll(assertBuilt);

let temp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  temp = await tempDir();
});
afterEach(() => temp.remove());

describe('chorale detect --tasks', () => {
  it(
    '--json: one object per dependency, task1/task2 as {project_id, task_id, repository}',
    async () => {
      const run = await chorale(temp.dir, 'detect', '--tasks', TASKS, '--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const found = jsonLines(run.stdout);
      expect(found).toEqual([
        {
          task1: { project_id: 10, task_id: 1, repository: 'acme/backend-api' },
          // the bzzz claim: the repository (and project) come from github_url
          task2: { project_id: 'acme/frontend-app', task_id: 101, repository: 'acme/frontend-app' },
          relationship: 'API_Contract',
          confidence: expect.any(Number),
          reason: 'API definition and implementation dependency',
          order: 'task1_first',
          evidence: {
            task1Terms: expect.arrayContaining(['api']),
            task2Terms: expect.any(Array),
            references: [],
            signals: expect.arrayContaining(['one names an API, the other implements it']),
          },
        },
        {
          task1: { project_id: 11, task_id: 2, repository: 'acme/db' },
          task2: { project_id: 12, task_id: 3, repository: 'acme/orders-service' },
          relationship: 'Database_Schema',
          confidence: expect.any(Number),
          reason: 'Database schema change affects the services that use it',
          // both change a table: the rule cannot tell which goes first
          order: 'either',
          evidence: expect.objectContaining({ references: [] }),
        },
      ]);
      for (const d of found) {
        expect(Object.keys(d)).toEqual([
          'task1',
          'task2',
          'relationship',
          'confidence',
          'reason',
          'order',
          'evidence',
        ]);
        expect(d.confidence).toBeGreaterThan(0);
        expect(d.confidence).toBeLessThanOrEqual(1);
      }
    },
    TIMEOUT,
  );

  it(
    'readable output: a line per dependency and a count',
    async () => {
      const run = await chorale(temp.dir, 'detect', '--tasks', TASKS);
      expect(run.code).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      const heads = lines.filter((l) => !l.startsWith('    '));
      expect(heads).toHaveLength(3);
      expect(heads[0]).toMatch(
        /^API_Contract \(0\.\d\d\) acme\/backend-api#1 → acme\/frontend-app#101: /,
      );
      expect(heads[1]).toMatch(/^Database_Schema .* acme\/db#2 ↔ acme\/orders-service#3: /);
      expect(heads[2]).toBe('4 tasks, 2 dependencies');
      // each dependency is followed by its evidence: terms of each side and signals
      expect(lines[1]).toMatch(/^ {4}terms: \[.*api.*\] \/ \[/);
      expect(lines.some((l) => /^ {4}signal: one names an API/.test(l))).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'tasks of the same repository give nothing',
    async () => {
      const run = await chorale(temp.dir, 'detect', '--tasks', SAME_REPO, '--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('');
      const pretty = await chorale(temp.dir, 'detect', '--tasks', SAME_REPO);
      expect(pretty.stdout.trim()).toBe('2 tasks, 0 dependencies');
    },
    TIMEOUT,
  );

  it(
    'a task registered twice is reported once; the same pair is never reported twice',
    async () => {
      const api = taskLine({
        task_id: 1,
        project_id: 1,
        repository: 'api',
        title: 'Define user authentication API',
        agent_id: 'a',
      });
      const client = taskLine({
        task_id: 2,
        project_id: 2,
        repository: 'web',
        title: 'Implement authentication endpoint',
        agent_id: 'b',
      });
      const file = await temp.write('twice.jsonl', `${api}\n${client}\n${api}\n${client}\n`);
      const run = await chorale(temp.dir, 'detect', '--tasks', file, '--json');
      expect(run.code).toBe(0);
      expect(jsonLines(run.stdout).map((d) => d.relationship)).toEqual(['API_Contract']);
    },
    TIMEOUT,
  );

  it(
    'an empty file gives nothing and exits 0',
    async () => {
      const file = await temp.write('empty.jsonl', '\n\n');
      const run = await chorale(temp.dir, 'detect', '--tasks', file, '--json');
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('');
    },
    TIMEOUT,
  );

  it(
    'uses the rule packs of the config instead of the standard ones',
    async () => {
      const graphql = fileURLToPath(
        new URL('../../../../plugins/rules-graphql/dist/index.js', import.meta.url),
      );
      await temp.write('.choralerc.json', JSON.stringify({ rules: [graphql] }));
      const schema = taskLine({
        task_id: 5,
        project_id: 5,
        repository: 'schema',
        title: 'Update GraphQL schema for users',
        agent_id: 'a',
      });
      const resolver = taskLine({
        task_id: 6,
        project_id: 6,
        repository: 'server',
        title: 'Add users resolver',
        agent_id: 'b',
      });
      const file = await temp.write('graphql.jsonl', `${schema}\n${resolver}\n`);
      const run = await chorale(temp.dir, 'detect', '--tasks', file, '--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(jsonLines(run.stdout).map((d) => d.relationship)).toEqual(['GraphQL_Schema']);
      // the standard pack is not loaded: the API and schema pairs are not found
      const standard = await chorale(temp.dir, 'detect', '--tasks', TASKS, '--json');
      expect(standard.code).toBe(0);
      expect(standard.stdout).toBe('');
    },
    TIMEOUT,
  );

  it(
    'without --tasks: a usage error, not exit 0',
    async () => {
      const run = await chorale(temp.dir, 'detect');
      expect(run.code).toBe(2);
      expect(oneLine(run.stderr)).toMatch(/--tasks/);
    },
    TIMEOUT,
  );
});
