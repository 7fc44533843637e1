/**
 * The dashboard in headless Chromium (Debian's `chromium`, driven by playwright-core) against
 * real `chorale start` nodes with their HTTP server: the page shows the demo's sessions and the
 * dependency graph of their four repositories, follows the node's events without reloading (a
 * session escalated through the API appears in the escalation queue), sends a reply, and
 * resolves a session with a reason, after which it is in the history; a node with a token is
 * asked for it once.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_SCENARIO } from '@chorale/coordinator';
import type { TaskContext } from '@chorale/protocol';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChoraleProcess, spawnChorale, stopAll } from './spawn-chorale.js';
import { tempDirs } from './tasks.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const TOKEN = 'dashboard-e2e-token';

interface SessionSummary {
  session_id: string;
  status: string;
  repositories: string[];
  plan_revision: number;
  resolution: string;
  decided_by?: string;
}

/** A `chorale start` node with its HTTP API on a free port of 127.0.0.1. */
interface HttpNode {
  process: ChoraleProcess;
  url: string;
  api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
}

async function startHttpNode(dir: string, token?: string): Promise<HttpNode> {
  const rc = {
    transport: ['@chorale/transport-libp2p', { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }],
    http: { listen: '127.0.0.1:0', ...(token ? { token } : {}) },
    sinks: [['@chorale/sink-jsonl', { path: 'slurp.jsonl' }]],
  };
  await writeFile(join(dir, '.choralerc.json'), JSON.stringify(rc, null, 2));
  const proc = spawnChorale(['start'], { cwd: dir });
  const line = await proc.waitForLine(/^http http:\/\/127\.0\.0\.1:\d+/);
  const url = line.slice('http '.length).trim();
  return {
    process: proc,
    url,
    async api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return JSON.parse(text) as T;
    },
  };
}

/** A demo task as a claim on the wire (snake_case). */
const claim = (task: TaskContext) => ({
  task_id: task.taskId,
  project_id: task.projectId,
  repository: task.repository,
  title: task.title,
  description: task.description,
  keywords: task.keywords,
  agent_id: task.agentId,
});

/** Asks the node again until `check` passes (the node plans in the background). */
async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const region = (page: Page, name: RegExp) => page.getByRole('region', { name });
const card = (within: Locator, title: string) =>
  within.getByRole('article', { name: title, exact: true });

/** The demo's four tasks claimed through the API; waits until both sessions have a plan. */
async function claimDemo(node: HttpNode): Promise<{ schema: SessionSummary; api: SessionSummary }> {
  for (const step of DEFAULT_SCENARIO) {
    for (const task of step.tasks) await node.api('POST', '/api/tasks', claim(task));
  }
  const { sessions } = await until(
    'two planned sessions',
    () => node.api<{ sessions: SessionSummary[] }>('GET', '/api/sessions?status=active'),
    ({ sessions }) => sessions.length === 2 && sessions.every((s) => s.plan_revision >= 1),
  );
  const find = (repository: string) => sessions.find((s) => s.repositories.includes(repository))!;
  return { schema: find('user-db'), api: find('backend-api') };
}

const SCHEMA = 'user-db ↔ user-service';
const API = 'backend-api ↔ frontend-app';

/** Clicks `action` on a session card, gives the reason in the dialog and confirms. */
async function decide(page: Page, within: Locator, action: string, reason: string) {
  await within.getByRole('button', { name: action }).click();
  const dialog = page.getByRole('dialog', { name: new RegExp(`^${action} `) });
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByLabel('Decided by').fill('e2e operator');
  await dialog.getByRole('button', { name: action }).click();
  return dialog;
}

// Without the browser a local run skips these tests and says why; CI (which installs it) fails.
describe.skipIf(!hasChromium && !process.env.CI)(
  `dashboard in Chromium${hasChromium || process.env.CI ? '' : ` (skipped: no ${CHROMIUM}; apt-get install -y chromium)`}`,
  () => {
    let browser: Browser;
    let remove: () => Promise<void>;
    let open: HttpNode;
    let guarded: HttpNode;
    let openSessions: { schema: SessionSummary; api: SessionSummary };

    beforeAll(async () => {
      if (!hasChromium) {
        throw new Error(
          `${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`,
        );
      }
      const dirs = await tempDirs('open', 'guarded');
      remove = dirs.remove;
      [open, guarded] = await Promise.all([
        startHttpNode(dirs.open),
        startHttpNode(dirs.guarded, TOKEN),
      ]);
      openSessions = await claimDemo(open);
      await claimDemo(guarded);
      browser = await chromium.launch({ executablePath: CHROMIUM });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await stopAll();
      await remove?.();
    });

    async function newPage(width = 1280, height = 800) {
      const context = await browser.newContext({ viewport: { width, height } });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      return { page, errors, close: () => context.close() };
    }

    it('shows the sessions and the graph, follows events live, replies, escalates and resolves with a reason', async () => {
      const { page, errors, close } = await newPage();
      await page.goto(open.url);
      const active = region(page, /^Active sessions/);
      const queue = region(page, /^Escalation queue/);
      const past = region(page, /^History/);
      await card(active, API).waitFor();
      await card(active, SCHEMA).getByRole('heading', { name: /^Plan/ }).waitFor();
      await page.getByRole('status').getByText('Live').waitFor();

      // The dependency graph: every repository of the demo, drawn on a canvas.
      const graph = page.getByRole('img', { name: /^Dependency graph/ });
      const described = await graph.getAttribute('aria-label');
      for (const repository of ['backend-api', 'frontend-app', 'user-db', 'user-service'])
        expect(described).toContain(repository);
      expect(described).toContain('2 dependencies');
      expect(await graph.locator('canvas').count()).toBeGreaterThan(0);

      // Live: an escalation through the API reaches the open page without a reload.
      await page.evaluate('window.notReloaded = true');
      await open.api('POST', `/api/sessions/${openSessions.schema.session_id}/escalate`, {
        reason: 'The preferences read path needs a product decision',
        by: 'agent-004',
      });
      const escalated = card(queue, SCHEMA);
      await escalated.getByText('The preferences read path needs a product decision').waitFor();
      await card(active, SCHEMA).waitFor({ state: 'detached' });
      expect(await page.evaluate('window.notReloaded')).toBe(true);

      // A reply from the page, as agent-001, lands in the session.
      const apiCard = card(active, API);
      const reply = apiCard.getByRole('form', { name: /^Reply in session/ });
      await reply.getByLabel('Agent').selectOption('agent-001');
      await reply.getByLabel('Type').selectOption('agreement');
      await reply.getByLabel('Message').fill('Agreed from the dashboard: spec first.');
      await reply.getByRole('button', { name: 'Send reply' }).click();
      await apiCard.getByText('Agreed from the dashboard: spec first.').waitFor();

      // Resolve with a reason: the session leaves the active list for the history.
      const dialog = await decide(page, apiCard, 'Resolve', 'Spec reviewed, client can start');
      await dialog.waitFor({ state: 'detached' });
      await apiCard.waitFor({ state: 'detached' });
      const done = card(past, API);
      await done.getByText('Spec reviewed, client can start').waitFor();
      await done.getByText('by e2e operator').waitFor();
      expect(await active.getByText('No session under discussion.').count()).toBe(1);

      const detail = await open.api<SessionSummary & { messages: { content: string }[] }>(
        'GET',
        `/api/sessions/${openSessions.api.session_id}`,
      );
      expect(detail).toMatchObject({
        status: 'resolved',
        resolution: 'Spec reviewed, client can start',
        decided_by: 'e2e operator',
      });
      expect(detail.messages.map((m) => m.content)).toContain(
        'Agreed from the dashboard: spec first.',
      );
      expect(errors).toEqual([]);
      await close();
    });

    it('resolves an escalated session from the queue, which moves it to the history', async () => {
      const { page, errors, close } = await newPage();
      await page.goto(open.url);
      const escalated = card(region(page, /^Escalation queue/), SCHEMA);
      await escalated.waitFor();
      const dialog = await decide(page, escalated, 'Resolve', 'Ship the nullable column first');
      await dialog.waitFor({ state: 'detached' });
      await escalated.waitFor({ state: 'detached' });
      const resolved = card(region(page, /^History/), SCHEMA);
      await resolved.getByText('Ship the nullable column first').waitFor();
      const detail = await open.api<SessionSummary>(
        'GET',
        `/api/sessions/${openSessions.schema.session_id}`,
      );
      expect(detail).toMatchObject({ status: 'resolved', decided_by: 'e2e operator' });
      expect(errors).toEqual([]);
      await close();
    });

    it('asks a node with a token for it once and keeps it for the tab', async () => {
      const { page, errors, close } = await newPage();
      await page.goto(guarded.url);
      const tokenDialog = page.getByRole('dialog', { name: 'This node needs a token' });
      await tokenDialog.getByLabel('Token').fill('not the token');
      await tokenDialog.getByRole('button', { name: 'Connect' }).click();
      await tokenDialog.getByText('The node refused that token.').waitFor();
      await tokenDialog.getByLabel('Token').fill(TOKEN);
      await tokenDialog.getByRole('button', { name: 'Connect' }).click();
      await tokenDialog.waitFor({ state: 'detached' });
      await card(region(page, /^Active sessions/), API).waitFor();
      expect(await page.evaluate("sessionStorage.getItem('chorale.token')")).toBe(TOKEN);

      await page.reload();
      await card(region(page, /^Active sessions/), SCHEMA).waitFor();
      expect(await page.getByRole('dialog').count()).toBe(0);
      expect(errors).toEqual([]);
      await close();
    });

    it('follows the live events of a node with a token', async () => {
      const { page, close } = await newPage();
      try {
        await page.goto(guarded.url);
        await page.evaluate(`sessionStorage.setItem('chorale.token', ${JSON.stringify(TOKEN)})`);
        await page.reload();
        const status = page.getByRole('status');
        await status.getByText(/^(Live|Offline|Reconnecting)/).waitFor();
        expect(await status.textContent()).toMatch(/^Live/);
      } finally {
        await close();
      }
    });

    it('fits a narrow screen', async () => {
      const { page, close } = await newPage(390, 844);
      await page.goto(open.url);
      await region(page, /^History/)
        .getByRole('article')
        .first()
        .waitFor();
      await page.getByRole('img', { name: /^Dependency graph/ }).waitFor();
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await close();
    });
  },
);
