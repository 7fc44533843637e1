import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, chorale, oneLine, taskLine, tempDir } from './__fixtures__/cli.js';

const TIMEOUT = 30_000;
const GOOD_TASK = taskLine({
  task_id: 1,
  project_id: 1,
  repository: 'acme/api',
  title: 'Define user authentication API',
  agent_id: 'agent-a',
});

let temp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  assertBuilt();
  temp = await tempDir();
});
afterAll(() => temp.remove());

/** Runs the CLI and expects an error: a non-zero exit, one line on stderr, nothing on stdout. */
async function fails(args: string[], code?: number): Promise<string> {
  const run = await chorale(temp.dir, ...args);
  expect(run.code, `exit code of chorale ${args.join(' ')}`).not.toBe(0);
  if (code !== undefined) expect(run.code).toBe(code);
  expect(run.stdout).toBe('');
  return oneLine(run.stderr);
}

describe('chorale: arguments', () => {
  it(
    '--version and --help exit 0',
    async () => {
      const version = await chorale(temp.dir, '--version');
      expect(version.code).toBe(0);
      expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
      const help = await chorale(temp.dir, '--help');
      expect(help.code).toBe(0);
      for (const command of ['demo', 'start', 'rules', 'detect', 'config', 'agent'])
        expect(help.stdout).toContain(command);
    },
    TIMEOUT,
  );

  it(
    'an unknown command: one line (with the suggestion), exit 2',
    async () => {
      const line = await fails(['demmo'], 2);
      expect(line).toContain("unknown command 'demmo'");
      expect(line).toContain('demo');
    },
    TIMEOUT,
  );

  it(
    'an unknown option: one line, exit 2',
    async () => {
      expect(await fails(['demo', '--bogus'], 2)).toContain("unknown option '--bogus'");
      expect(await fails(['detect', '--tasks', 'x.jsonl', '--jsn'], 2)).toContain('--jsn');
    },
    TIMEOUT,
  );

  it(
    'an option without its value: one line, exit 2',
    async () => {
      expect(await fails(['demo', '--tasks'], 2)).toContain('--tasks');
    },
    TIMEOUT,
  );

  it(
    'no command at all prints the usage, without a stack trace, and does not claim success',
    async () => {
      const run = await chorale(temp.dir);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('Usage: chorale');
      expect(run.stderr).not.toMatch(/^\s+at /m);
    },
    TIMEOUT,
  );
});

describe('chorale: output', () => {
  it(
    'a reader that goes away (`chorale demo --json | head -1`) stops the CLI quietly, no stack trace',
    async () => {
      const child = spawn(process.execPath, [BIN, 'demo', '--json'], {
        cwd: temp.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // the reading end is gone before the CLI writes its first line
      child.stdout.destroy();
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
        child.on('close', (c, s) => resolve([c, s])),
      );
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(stderr).not.toContain('EPIPE');
      expect(signal).toBeNull();
      expect(code).toBe(0);
    },
    TIMEOUT,
  );
});

describe('chorale: task files (demo --tasks, detect --tasks, agent claim --task)', () => {
  for (const command of ['demo', 'detect'] as const) {
    it(
      `${command}: a missing file is named, exit 1`,
      async () => {
        const line = await fails([command, '--tasks', 'missing.jsonl']);
        expect(line).toBe('chorale: missing.jsonl: cannot read the file (ENOENT)');
      },
      TIMEOUT,
    );

    it(
      `${command}: a folder instead of a file`,
      async () => {
        expect(await fails([command, '--tasks', temp.dir])).toMatch(/EISDIR/);
      },
      TIMEOUT,
    );

    it(
      `${command}: a line that is not JSON is named by file:line`,
      async () => {
        const file = await temp.write(
          `${command}-garbage.jsonl`,
          `${GOOD_TASK}\nnot json at all\n`,
        );
        const line = await fails([command, '--tasks', file]);
        expect(line).toContain(`${file}:2:`);
        expect(line).toMatch(/not JSON/);
      },
      TIMEOUT,
    );

    it(
      `${command}: a field of the wrong type is named with file:line`,
      async () => {
        const wrong = JSON.stringify({ ...JSON.parse(GOOD_TASK), task_id: true });
        const file = await temp.write(`${command}-wrong.jsonl`, `${GOOD_TASK}\n\n${wrong}\n`);
        const line = await fails([command, '--tasks', file]);
        expect(line).toContain(`${file}:3:`);
        expect(line).toContain('task_id');
      },
      TIMEOUT,
    );
  }

  it(
    'a missing field is named',
    async () => {
      const { repository: _gone, ...rest } = JSON.parse(GOOD_TASK) as Record<string, unknown>;
      const file = await temp.write('no-repo.jsonl', `${JSON.stringify(rest)}\n`);
      const line = await fails(['detect', '--tasks', file]);
      expect(line).toContain(`${file}:1:`);
      expect(line).toContain('repository');
    },
    TIMEOUT,
  );

  it(
    'a line that is JSON but not an object',
    async () => {
      const file = await temp.write('array.jsonl', '[1, 2, 3]\n');
      expect(await fails(['detect', '--tasks', file])).toContain(`${file}:1:`);
    },
    TIMEOUT,
  );

  it(
    'a __proto__ key is refused',
    async () => {
      const file = await temp.write(
        'proto.jsonl',
        `${GOOD_TASK.slice(0, -1)}, "__proto__": {"polluted": true}}\n`,
      );
      const line = await fails(['detect', '--tasks', file]);
      expect(line).toContain(`${file}:1:`);
      expect(line).toContain('__proto__');
    },
    TIMEOUT,
  );

  it(
    'CRLF line endings and a UTF-8 byte order mark are read like plain lines',
    async () => {
      const client = taskLine({
        task_id: 2,
        project_id: 2,
        repository: 'acme/web',
        title: 'Implement authentication endpoint',
        agent_id: 'agent-b',
      });
      const file = await temp.write('windows.jsonl', `\uFEFF${GOOD_TASK}\r\n${client}\r\n`);
      const run = await chorale(temp.dir, 'detect', '--tasks', file, '--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).relationship).toBe('API_Contract');
    },
    TIMEOUT,
  );

  it(
    'agent claim: a missing task file, or a bad one, is named',
    async () => {
      expect(await fails(['agent', 'claim', '--task', 'missing.json'])).toContain(
        'missing.json: cannot read the file (ENOENT)',
      );
      const bad = await temp.write('bad-task.json', '{"task_id": 1}');
      const line = await fails(['agent', 'claim', '--task', bad]);
      expect(line).toContain(bad);
      expect(line).toContain('repository');
    },
    TIMEOUT,
  );
});

describe('chorale agent: arguments (checked before joining any mesh)', () => {
  it(
    'agent claim without any peer to join: a usage error, exit 2',
    async () => {
      const task = await temp.write('task.json', GOOD_TASK);
      const line = await fails(['agent', 'claim', '--task', task], 2);
      expect(line).toMatch(/^chorale: no peer to join/);
      expect(line).toContain('--connect');
    },
    TIMEOUT,
  );

  it(
    'agent reply without any peer to join: the same usage error',
    async () => {
      const line = await fails(['agent', 'reply', '--session', 's1', '--agent', 'a', 'ok'], 2);
      expect(line).toMatch(/^chorale: no peer to join/);
    },
    TIMEOUT,
  );

  it(
    'agent reply with an invalid --type names the allowed choices, exit 2',
    async () => {
      const line = await fails(
        ['agent', 'reply', '--session', 's1', '--agent', 'a', '--type', 'shrug', 'ok'],
        2,
      );
      expect(line).toContain("'shrug'");
      expect(line).toContain('agreement');
    },
    TIMEOUT,
  );

  it(
    'agent reply without --session or without the text',
    async () => {
      expect(await fails(['agent', 'reply', '--agent', 'a', 'ok'], 2)).toContain('--session');
      expect(await fails(['agent', 'reply', '--session', 's1', '--agent', 'a'], 2)).toContain(
        'text',
      );
    },
    TIMEOUT,
  );

  it(
    'agent claim without --task',
    async () => {
      expect(await fails(['agent', 'claim'], 2)).toContain('--task');
    },
    TIMEOUT,
  );

  for (const wait of ['nonsense', '0s', '-5s']) {
    it(
      `--wait ${wait} is refused, even with a peer to join`,
      async () => {
        const task = await temp.write('task.json', GOOD_TASK);
        const args = ['--connect', '/ip4/127.0.0.1/tcp/9', `--wait=${wait}`];
        const claim = await fails(['agent', 'claim', '--task', task, ...args], 2);
        expect(claim).toBe(
          `chorale: --wait: expected a duration such as 10s or 500ms, got "${wait}"`,
        );
        const reply = await fails(
          ['agent', 'reply', '--session', 's', '--agent', 'a', 'ok', ...args],
          2,
        );
        expect(reply).toContain('--wait');
      },
      TIMEOUT,
    );
  }

  it(
    'a usage error leaves no agent key behind',
    async () => {
      expect(existsSync(join(temp.dir, '.chorale', 'agents'))).toBe(false);
    },
    TIMEOUT,
  );
});
