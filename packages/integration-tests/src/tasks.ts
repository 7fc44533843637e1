import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The reference's pair: an API definition and the endpoint that calls it (wire field names). */
export const AUTH_API = {
  task_id: 42,
  project_id: 1,
  repository: 'backend-api',
  title: 'Define user authentication API',
  description: 'Define the REST API for user authentication: login, logout, token refresh',
  keywords: ['api', 'authentication'],
  agent_id: 'agent-001',
};

export const AUTH_CLIENT = {
  task_id: 43,
  project_id: 2,
  repository: 'frontend-app',
  title: 'Implement authentication endpoint',
  description: 'Call the authentication API from the login form',
  keywords: ['api', 'authentication'],
  agent_id: 'agent-002',
};

/** Writes `task` as `<dir>/<name>.json` and returns the path. */
export async function writeTask(dir: string, name: string, task: object): Promise<string> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(task));
  return path;
}

/** A new temporary directory with the given subdirectories, and its removal. */
export async function tempDirs<const N extends string>(
  ...names: N[]
): Promise<{ root: string; remove(): Promise<void> } & Record<N, string>> {
  const root = await mkdtemp(join(tmpdir(), 'chorale-it-'));
  const dirs = {} as Record<N, string>;
  for (const name of names) {
    dirs[name] = join(root, name);
    await mkdir(dirs[name]);
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }), ...dirs };
}

/** A CHORUS `task_claim` envelope for `task`, as JSON text (what a plain peer publishes). */
export function claimEnvelope(task: object, from = '12D3KooWPlainPeer'): string {
  return JSON.stringify({
    type: 'task_claim',
    from,
    timestamp: new Date().toISOString(),
    data: task,
    hop_count: 0,
  });
}

/** A CHORUS `coordination_response` envelope, as JSON text. */
export function responseEnvelope(sessionId: string, agentId: string, response: string): string {
  return JSON.stringify({
    type: 'meta_discussion',
    from: '12D3KooWPlainPeer',
    timestamp: new Date().toISOString(),
    data: {
      message_type: 'coordination_response',
      session_id: sessionId,
      agent_id: agentId,
      response,
    },
    hop_count: 0,
  });
}
