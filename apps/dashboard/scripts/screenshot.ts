/**
 * Takes docs/dashboard.png: starts `chorale start` (libp2p on 127.0.0.1, HTTP on a free port)
 * in a temporary folder, claims the demo's four tasks through the API, plays the demo's
 * discussions (the API and its client agree; the schema change talks past the message limit
 * and is escalated), and captures the page at 1280×800 in headless Chromium.
 *
 *   pnpm --filter @chorale/dashboard screenshot [-- --out file.png]
 *
 * Needs the workspace built (`pnpm build`) and Debian's chromium (or CHROMIUM_PATH).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

/** The coordinator's CLI and its demo scenario, from the workspace (the coordinator depends on this package, not the other way). */
const COORDINATOR = new URL('../../coordinator/', import.meta.url);
const CHORALE_BIN = fileURLToPath(new URL('bin/chorale.js', COORDINATOR));
interface DemoStep {
  tasks: {
    taskId: number | string;
    projectId: number | string;
    repository: string;
    title: string;
    description: string;
    keywords: string[];
    agentId: string;
  }[];
  lines: Record<string, { text: string; type?: string }[]>;
}
const { DEFAULT_SCENARIO } = (await import(new URL('dist/index.js', COORDINATOR).href)) as {
  DEFAULT_SCENARIO: DemoStep[];
};

const { values } = parseArgs({
  // `pnpm run screenshot -- --out x.png` passes the `--` on
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    out: {
      type: 'string',
      default: fileURLToPath(new URL('../../../docs/dashboard.png', import.meta.url)),
    },
  },
});
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  process.stderr.write(
    `${chromiumPath} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)\n`,
  );
  process.exit(1);
}

const dir = await mkdtemp(join(tmpdir(), 'chorale-screenshot-'));
await writeFile(
  join(dir, '.choralerc.json'),
  JSON.stringify({
    transport: ['@chorale/transport-libp2p', { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }],
    http: { listen: '127.0.0.1:0' },
    sinks: [],
    logLevel: 'warn',
  }),
);
const child = spawn(process.execPath, [CHORALE_BIN, 'start'], {
  cwd: dir,
  env: { ...process.env, NO_COLOR: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});

try {
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('chorale start printed no "http" line in 30 s')),
      30_000,
    );
    child.once('exit', (code) => reject(new Error(`chorale start exited (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('http ')) {
        clearTimeout(timer);
        resolve(line.slice('http '.length).trim());
      }
    });
  });

  const api = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  type Summary = {
    session_id: string;
    status: string;
    repositories: string[];
    plan_revision: number;
  };
  const sessions = async () =>
    (await api<{ sessions: Summary[] }>('GET', '/api/sessions')).sessions;

  for (const step of DEFAULT_SCENARIO) {
    for (const task of step.tasks) {
      await api('POST', '/api/tasks', {
        task_id: task.taskId,
        project_id: task.projectId,
        repository: task.repository,
        title: task.title,
        description: task.description,
        keywords: task.keywords,
        agent_id: task.agentId,
      });
    }
  }
  const deadline = Date.now() + 20_000;
  let planned = await sessions();
  while (planned.length < DEFAULT_SCENARIO.length || planned.some((s) => s.plan_revision < 1)) {
    if (Date.now() > deadline)
      throw new Error(`the demo sessions were not planned: ${JSON.stringify(planned)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    planned = await sessions();
  }

  // Each step's agents say their lines in turn until the session is over.
  for (const step of DEFAULT_SCENARIO) {
    const repository = step.tasks[0]!.repository;
    const session = planned.find((s) => s.repositories.includes(repository))!;
    const rounds = Math.max(...Object.values(step.lines).map((lines) => lines.length));
    talk: for (let round = 0; round < rounds; round++) {
      for (const [agent, lines] of Object.entries(step.lines)) {
        const line = lines[round];
        if (!line) continue;
        const { session: now } = await api<{ session: Summary }>(
          'POST',
          `/api/sessions/${session.session_id}/messages`,
          { agent_id: agent, content: line.text, ...(line.type ? { type: line.type } : {}) },
        );
        if (now.status !== 'active') break talk;
      }
    }
  }

  const browser = await chromium.launch({ executablePath: chromiumPath });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page
      .getByRole('region', { name: /^Escalation queue/ })
      .getByRole('article')
      .first()
      .waitFor();
    await page
      .getByRole('region', { name: /^History/ })
      .getByRole('article')
      .first()
      .waitFor();
    await page.getByRole('status').getByText('Live').waitFor();
    // Two frames for the graph's layout to be painted.
    await page.evaluate(
      'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))',
    );
    await page.screenshot({ path: values.out });
    process.stdout.write(`${values.out}\n`);
  } finally {
    await browser.close();
  }
} finally {
  if (child.exitCode === null && child.signalCode === null) {
    const closed = new Promise((resolve) => child.once('close', resolve));
    child.kill('SIGTERM');
    await closed;
  }
  await rm(dir, { recursive: true, force: true });
}
