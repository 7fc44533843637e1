import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, chorale, oneLine, tempDir } from '../__fixtures__/cli.js';

const TIMEOUT = 30_000;

type Json = Record<string, unknown>;

beforeAll(assertBuilt);

let temp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  temp = await tempDir();
});
afterEach(() => temp.remove());

describe('chorale config check', () => {
  it(
    'without a config prints the resolved defaults and the plugin list as JSON',
    async () => {
      const run = await chorale(temp.dir, 'config', 'check');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const out = JSON.parse(run.stdout) as {
        file: string | null;
        config: Json & { session: Json; detector: Json; topics: Json };
        plugins: { entry: string; kind: string; name: string }[];
      };
      expect(out.file).toBeNull();
      expect(out.config.session).toEqual({
        maxSessionDuration: 30 * 60_000,
        maxParticipants: 5,
        escalationThreshold: 10,
        cleanupInterval: 10 * 60_000,
        inactiveAfter: 2 * 60 * 60_000,
        plannerTimeout: 30_000,
        planTakeoverDelay: 10_000,
      });
      expect(out.config.detector).toEqual({ coordinationHops: 3 });
      expect(out.config.topics).toEqual({
        coordination: 'CHORUS/coordination/v1',
        metaDiscussion: 'hmmm/meta-discussion/v1',
      });
      expect(out.config.dataDir).toBe(`${temp.dir}/.chorale`);
      expect(out.config.store).toBe('memory');
      expect(out.plugins.map((p) => [p.entry, p.kind, p.name])).toEqual([
        ['transport', 'transport', '@chorale/transport-libp2p'],
        ['planners[0]', 'planner', '@chorale/planner-template'],
        ['rules[0]', 'rules', '@chorale/rules-standard'],
        ['sinks[0]', 'sink', '@chorale/sink-jsonl'],
      ]);
    },
    TIMEOUT,
  );

  it(
    'names the config file it found and shows its values',
    async () => {
      await temp.write(
        '.choralerc.json',
        JSON.stringify({ session: { escalationThreshold: 4, maxSessionDuration: '5m' } }),
      );
      const run = await chorale(temp.dir, 'config', 'check');
      expect(run.code).toBe(0);
      const out = JSON.parse(run.stdout) as { file: string; config: { session: Json } };
      expect(out.file).toBe(`${temp.dir}/.choralerc.json`);
      expect(out.config.session).toMatchObject({
        escalationThreshold: 4,
        maxSessionDuration: 5 * 60_000,
      });
    },
    TIMEOUT,
  );

  /** Runs `config check` on a bad `.choralerc.json` and returns its one stderr line. */
  async function refused(config: string): Promise<string> {
    await temp.write('.choralerc.json', config);
    const run = await chorale(temp.dir, 'config', 'check');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const line = oneLine(run.stderr);
    expect(line).toMatch(/^chorale: /);
    return line;
  }

  it(
    'a value of the wrong type: one line naming the file, the key and what was expected',
    async () => {
      const line = await refused('{"session": {"maxParticipants": "five"}}');
      expect(line).toContain('.choralerc.json');
      expect(line).toContain('session.maxParticipants');
      expect(line).toMatch(/expected a positive integer/);
      expect(line).toContain('"five"');
    },
    TIMEOUT,
  );

  it(
    'an unknown key: named, with the key it probably meant',
    async () => {
      const line = await refused('{"sesion": {"maxParticipants": 3}}');
      expect(line).toContain('.choralerc.json');
      expect(line).toContain('sesion');
      expect(line).toContain('unknown key');
      expect(line).toContain('"session"');
    },
    TIMEOUT,
  );

  it(
    'a bad duration names the key and the accepted forms',
    async () => {
      const line = await refused('{"session": {"maxSessionDuration": "soon"}}');
      expect(line).toContain('.choralerc.json');
      expect(line).toContain('session.maxSessionDuration');
      expect(line).toMatch(/expected a duration/);
    },
    TIMEOUT,
  );

  it(
    'a plugin that does not exist: the file, the entry and the plugin are named',
    async () => {
      const line = await refused('{"planners": ["@chorale/planner-does-not-exist"]}');
      expect(line).toContain('.choralerc.json');
      expect(line).toContain('planners[0]');
      expect(line).toContain('@chorale/planner-does-not-exist');
      expect(line).toMatch(/cannot find the plugin/);
    },
    TIMEOUT,
  );

  it(
    'a relative plugin path that does not exist is named the same way',
    async () => {
      const line = await refused('{"sinks": ["./my-sink.js"]}');
      expect(line).toContain('.choralerc.json');
      expect(line).toContain('sinks[0]');
      expect(line).toContain('./my-sink.js');
    },
    TIMEOUT,
  );

  it(
    'a module that is not a plugin of the kind the entry needs',
    async () => {
      await temp.write('not-a-plugin.mjs', 'export default { hello: "world" };\n');
      const line = await refused('{"rules": ["./not-a-plugin.mjs"]}');
      expect(line).toContain('.choralerc.json');
      expect(line).toContain('rules[0]');
    },
    TIMEOUT,
  );

  it(
    'bad plugin options: checked by the plugin’s own schema, named by key',
    async () => {
      const line = await refused('{"sinks": [["@chorale/sink-jsonl", {"pth": "x.jsonl"}]]}');
      expect(line).toContain('.choralerc.json');
      expect(line).toContain('sinks[0][1].pth');
      expect(line).toContain('unknown key');
    },
    TIMEOUT,
  );

  it(
    'a config file that is not JSON: the file is named',
    async () => {
      const line = await refused('{"session": ');
      expect(line).toContain('.choralerc.json');
      expect(line).toMatch(/cannot load the config file/);
    },
    TIMEOUT,
  );

  it(
    'a config that is not an object',
    async () => {
      const line = await refused('[1, 2]');
      expect(line).toContain('.choralerc.json');
      expect(line).toMatch(/expected an object/);
    },
    TIMEOUT,
  );

  it(
    '--config naming a file that does not exist',
    async () => {
      const run = await chorale(temp.dir, 'config', 'check', '--config', 'nope.json');
      expect(run.code).not.toBe(0);
      expect(oneLine(run.stderr)).toMatch(/^chorale: nope\.json: .*not found/);
    },
    TIMEOUT,
  );

  it(
    'every command refuses a bad config before doing anything, the same way',
    async () => {
      await temp.write('.choralerc.json', '{"session": {"maxParticipants": "five"}}');
      const tasks = await temp.write('t.jsonl', '');
      const task = await temp.write(
        't.json',
        '{"task_id": 1, "project_id": 1, "repository": "r", "title": "t", "agent_id": "a"}',
      );
      for (const args of [
        ['demo'],
        ['detect', '--tasks', tasks],
        ['rules', 'test', 'a', 'b'],
        ['start'],
        ['agent', 'claim', '--task', task, '--connect', '/ip4/127.0.0.1/tcp/9'],
      ]) {
        const run = await chorale(temp.dir, ...args);
        expect(run.code, args.join(' ')).toBe(1);
        expect(run.stdout).toBe('');
        expect(oneLine(run.stderr)).toContain('session.maxParticipants');
      }
    },
    TIMEOUT,
  );
});
