import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, chorale, oneLine, tempDir } from '../__fixtures__/cli.js';
import {
  API_CLAIM,
  CLIENT_CLAIM,
  startTestNode,
  type TestNode,
} from '../http/__fixtures__/test-node.js';

const TIMEOUT = 30_000;

let temp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  assertBuilt();
  temp = await tempDir();
});
afterAll(() => temp.remove());

const nodes: TestNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((t) => t.close()));
});
async function start(token?: string): Promise<TestNode> {
  const t = await startTestNode(token ? { server: { token } } : {});
  nodes.push(t);
  return t;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('chorale tasks', () => {
  it(
    'claims from a file, lists as a table and as JSON, releases',
    async () => {
      const t = await start();
      const api = await temp.write('api.json', JSON.stringify(API_CLAIM));
      const client = await temp.write('client.json', JSON.stringify(CLIENT_CLAIM));
      const first = await chorale(temp.dir, 'tasks', 'claim', '--task', api, '--url', t.url);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(first.stdout).toBe('claimed backend-api#42 for agent-001\n  no dependency found\n');
      const second = await chorale(temp.dir, 'tasks', 'claim', '--task', client, '--url', t.url);
      expect(second.stdout).toMatch(
        /^claimed frontend-app#43 for agent-002\n {2}\w+ \(\d\.\d\d\) backend-api#42 → frontend-app#43: session dep_1_42_\d+\n$/,
      );

      const list = await chorale(temp.dir, 'tasks', 'list', '--url', t.url);
      expect(list.code).toBe(0);
      expect(list.stdout.split('\n')).toEqual([
        'PROJECT  TASK  REPOSITORY    AGENT      CLAIMED              TITLE',
        '1        42    backend-api   agent-001  2025-09-30 10:00:00  Define user authentication API',
        '2        43    frontend-app  agent-002  2025-09-30 10:00:00  Implement authentication endpoint',
        '',
      ]);
      const json = await chorale(temp.dir, 'tasks', 'list', '--json', '--url', t.url);
      expect(JSON.parse(json.stdout).tasks).toHaveLength(2);

      const released = await chorale(temp.dir, 'tasks', 'release', '2', '43', '--url', t.url);
      expect(released.stdout).toBe('released frontend-app#43\n');
      const again = await chorale(temp.dir, 'tasks', 'release', '2', '43', '--url', t.url);
      expect(again.code).toBe(1);
      expect(again.stdout).toBe('');
      expect(oneLine(again.stderr)).toBe(
        'chorale: DELETE /api/tasks/2/43: 404 not_found: no claimed task 2/43',
      );
    },
    TIMEOUT,
  );
});

describe('chorale sessions', () => {
  it(
    'lists, shows and resolves a session with a reason and who decided',
    async () => {
      const t = await start('cli-token');
      await t.call('/api/tasks', { method: 'POST', json: API_CLAIM });
      const claimed = (await (
        await t.call('/api/tasks', { method: 'POST', json: CLIENT_CLAIM })
      ).json()) as { dependencies: { session_id: string }[] };
      await t.node.coordinator.whenIdle();
      const id = claimed.dependencies[0]!.session_id;
      const api = ['--url', t.url, '--token', 'cli-token'];

      const list = await chorale(temp.dir, 'sessions', 'list', ...api);
      expect(list.code).toBe(0);
      const [header, row, end] = list.stdout.split('\n');
      expect(header).toMatch(
        /^SESSION\s+STATUS\s+TYPE\s+PARTICIPANTS\s+PLAN\s+MESSAGES\s+LAST ACTIVITY\s+REASON$/,
      );
      expect(row).toMatch(
        new RegExp(
          `^${id}\\s+active\\s+dependency\\s+agent-001,agent-002\\s+1\\s+1\\s+2025-09-30 10:00:00\\s+\\S`,
        ),
      );
      expect(end).toBe('');

      const show = await chorale(temp.dir, 'sessions', 'show', id, ...api);
      expect(show.code).toBe(0);
      expect(show.stdout).toContain(`${id}  active  dependency`);
      expect(show.stdout).toContain('waiting on   agent-001, agent-002');
      expect(show.stdout).toContain('Plan (revision 1, meta_coordinator, template)');
      expect(show.stdout).toContain('backend-api#42  Define user authentication API  (agent-001)');

      const resolved = await chorale(
        temp.dir,
        'sessions',
        'resolve',
        id,
        '--reason',
        'Agreed on a call',
        '--by',
        'frank',
        ...api,
      );
      expect(resolved).toMatchObject({ code: 0, stderr: '' });
      expect(resolved.stdout).toBe(`${id} resolved by frank: Agreed on a call\n`);
      const history = await chorale(
        temp.dir,
        'sessions',
        'list',
        '--status',
        'resolved',
        '--json',
        ...api,
      );
      expect(JSON.parse(history.stdout).sessions).toEqual([
        expect.objectContaining({ session_id: id, status: 'resolved', decided_by: 'frank' }),
      ]);
      const twice = await chorale(temp.dir, 'sessions', 'close', id, '--reason', 'x', ...api);
      expect(twice.code).toBe(1);
      expect(oneLine(twice.stderr)).toBe(
        `chorale: POST /api/sessions/${id}/close: 409 session_closed: session "${id}" is already resolved`,
      );
    },
    TIMEOUT,
  );

  it(
    'says so clearly when the node is not there, refuses the token, or the session is unknown',
    async () => {
      const port = await closedPort();
      const gone = await chorale(temp.dir, 'sessions', 'list', '--url', `http://127.0.0.1:${port}`);
      expect(gone.code).toBe(1);
      expect(gone.stdout).toBe('');
      expect(oneLine(gone.stderr)).toBe(
        `chorale: no chorale node answers at http://127.0.0.1:${port} (connection refused): is "chorale start" running there? (--url)`,
      );

      const t = await start('right');
      const wrong = await chorale(temp.dir, 'tasks', 'list', '--url', t.url, '--token', 'wrong');
      expect(oneLine(wrong.stderr)).toBe(
        'chorale: GET /api/tasks: 401 unauthorized: wrong bearer token',
      );
      const unknown = await chorale(
        temp.dir,
        'sessions',
        'show',
        'dep_0',
        '--url',
        t.url,
        '--token',
        'right',
      );
      expect(oneLine(unknown.stderr)).toBe(
        'chorale: GET /api/sessions/dep_0: 404 not_found: no session "dep_0"',
      );
      const noReason = await chorale(temp.dir, 'sessions', 'escalate', 'dep_0', '--url', t.url);
      expect(noReason.code).toBe(2);
      expect(oneLine(noReason.stderr)).toMatch(/required option '--reason <text>' not specified/);
      const status = await chorale(temp.dir, 'sessions', 'list', '--status', 'open');
      expect(status.code).toBe(2);
      expect(oneLine(status.stderr)).toMatch(
        /Allowed choices are active, resolved, escalated, closed/,
      );
    },
    TIMEOUT,
  );
});

/** Runs `chorale start` until its `http` line; returns the URL and a stop function. */
function startNode(dir: string, args: string[] = []) {
  const child = spawn(process.execPath, [BIN, 'start', ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      const match = /^http (\S+)$/m.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    exited.then((code) => reject(new Error(`chorale start exited (${code}): ${stderr}`)));
  });
  return {
    url,
    output: () => stdout,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('chorale start: the HTTP server', () => {
  it(
    'prints where it serves, answers health and the API, and stops on SIGTERM',
    async () => {
      await temp.write(
        '.choralerc.json',
        JSON.stringify({
          transport: [
            '@chorale/transport-libp2p',
            { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false },
          ],
          sinks: [],
          logLevel: 'warn',
        }),
      );
      const node = startNode(temp.dir, ['--http', '127.0.0.1:0']);
      const url = await node.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
      const info = (await (await fetch(`${url}/api/node`)).json()) as {
        peer_id: string;
        addresses: string[];
      };
      expect(node.output()).toContain(`peer id ${info.peer_id}`);
      expect(info.addresses[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await node.stop()).toBe(0);
      expect(node.output()).toMatch(/stopped\n$/);
    },
    TIMEOUT,
  );

  it(
    'refuses a non-loopback address without a token, and a malformed --http, before starting',
    async () => {
      await temp.write('.choralerc.json', JSON.stringify({ http: { listen: '0.0.0.0:7700' } }));
      const open = await chorale(temp.dir, 'start');
      expect(open.code).toBe(1);
      expect(open.stdout).toBe('');
      expect(oneLine(open.stderr)).toBe(
        'chorale: http.listen "0.0.0.0:7700" is not a loopback address: set http.token in the config (or CHORALE_TOKEN) so that the API needs a bearer token',
      );
      const malformed = await chorale(temp.dir, 'start', '--http', 'localhost');
      expect(malformed.code).toBe(1);
      expect(oneLine(malformed.stderr)).toBe(
        'chorale: http.listen: expected a "host:port" address such as 127.0.0.1:7700, got "localhost"',
      );
    },
    TIMEOUT,
  );
});
