import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigLoadError, loadConfig } from './index.js';
import { useTempProject } from './test-project.js';

const project = useTempProject('chorale-config-');
const write = project.write;

describe('loadConfig finds every config format', () => {
  it.each([
    [
      'chorale.config.ts',
      "import type { Foo } from './types.ts';\nconst participants: number = 3;\nexport default { session: { maxParticipants: participants } } satisfies Record<string, unknown>;\n",
    ],
    ['chorale.config.js', 'export default { session: { maxParticipants: 3 } };\n'],
    [
      'chorale.config.mjs',
      'const config = { session: { maxParticipants: 3 } };\nexport default config;\n',
    ],
    ['chorale.config.cjs', 'module.exports = { session: { maxParticipants: 3 } };\n'],
    ['.choralerc.json', '{ "session": { "maxParticipants": 3 } }'],
    ['.choralerc.yaml', 'session:\n  maxParticipants: 3\n'],
    ['.choralerc.yml', 'session:\n  maxParticipants: 3\n'],
    ['.choralerc', 'session:\n  maxParticipants: 3\n'],
  ])('%s', async (name, content) => {
    const path = await write(name, content);
    const loaded = await loadConfig({ cwd: project.root() });
    expect(loaded.filepath).toBe(path);
    expect(loaded.config.session.maxParticipants).toBe(3);
    expect(loaded.config.session.escalationThreshold).toBe(10);
    expect(loaded.config.configFile).toBe(path);
    expect(loaded.config.baseDir).toBe(project.root());
  });

  it('a "chorale" key in package.json', async () => {
    const path = await write(
      'package.json',
      JSON.stringify({ name: 'p', chorale: { logLevel: 'warn' } }),
    );
    const loaded = await loadConfig({ cwd: project.root() });
    expect(loaded.filepath).toBe(path);
    expect(loaded.config.logLevel).toBe('warn');
  });

  it('searches up from a sub-folder of the project', async () => {
    const path = await write('.choralerc.json', '{ "dataDir": "var/chorale" }');
    await mkdir(join(project.root(), 'packages', 'app'), { recursive: true });
    const loaded = await loadConfig({ cwd: join(project.root(), 'packages', 'app') });
    expect(loaded.filepath).toBe(path);
    expect(loaded.config.dataDir).toBe(join(project.root(), 'var/chorale'));
  });

  it('no config: the embedded defaults, paths from cwd', async () => {
    const loaded = await loadConfig({ cwd: project.root() });
    expect(loaded.filepath).toBeUndefined();
    expect(loaded.config.dataDir).toBe(join(project.root(), '.chorale'));
    expect(loaded.config.planners).toEqual([{ name: '@chorale/planner-template' }]);
  });

  it('an empty config file: the embedded defaults', async () => {
    await write('.choralerc.yaml', '');
    const loaded = await loadConfig({ cwd: project.root() });
    expect(loaded.config.session.maxParticipants).toBe(5);
  });

  it('an explicit config file, relative to cwd, wins over the search', async () => {
    await write('.choralerc.json', '{ "logLevel": "warn" }');
    const path = await write('config/team.json', '{ "logLevel": "debug", "dataDir": "data" }');
    const loaded = await loadConfig({ cwd: project.root(), configFile: 'config/team.json' });
    expect(loaded.filepath).toBe(path);
    expect(loaded.config.logLevel).toBe('debug');
    expect(loaded.config.dataDir).toBe(join(project.root(), 'config', 'data'));
  });
});

describe('loadConfig refuses a bad config, naming the file', () => {
  it('an explicit file that does not exist', async () => {
    const error = await loadConfig({ cwd: project.root(), configFile: 'missing.json' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as ConfigLoadError).code).toBe('CONFIG_LOAD');
    expect((error as Error).message).toContain('missing.json: config file not found');
  });

  it.each([
    ['.choralerc.json', '{ "session": { '],
    ['.choralerc.yaml', 'session: [unclosed\n  - : :'],
    ['chorale.config.mjs', 'export default { session: { '],
    ['chorale.config.js', "throw new Error('config exploded');\nexport default {};\n"],
    ['chorale.config.ts', 'const x: number = ;\nexport default {};\n'],
  ])('a broken %s', async (name, content) => {
    const path = await write(name, content);
    const error = await loadConfig({ cwd: project.root() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as ConfigLoadError).filepath).toBe(path);
    expect((error as Error).message).toContain(`${name}: cannot load the config file:`);
  });

  it('the module that throws says why', async () => {
    await write('chorale.config.mjs', "throw new Error('config exploded');\n");
    await expect(loadConfig({ cwd: project.root() })).rejects.toThrow(
      /chorale\.config\.mjs: cannot load the config file: config exploded/,
    );
  });

  it('a module without a default export', async () => {
    await write('chorale.config.mjs', 'export const config = {};\n');
    await expect(loadConfig({ cwd: project.root() })).rejects.toThrow(
      /chorale\.config\.mjs: the module has no default export/,
    );
  });

  it('a package.json named explicitly without a "chorale" key', async () => {
    await expect(loadConfig({ cwd: project.root(), configFile: 'package.json' })).rejects.toThrow(
      /package\.json: has no "chorale" key/,
    );
  });

  it('a config that does not match the schema: file, key path, expectation', async () => {
    const path = await write(
      '.choralerc.yaml',
      'session:\n  maxParticipants: five\n  maxSessionDuration: soon\nplaners: []\n',
    );
    const error = await loadConfig({ cwd: project.root() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).filepath).toBe(path);
    const lines = (error as Error).message.split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines)
      expect(line.startsWith(`${path}: `) || line.startsWith('.choralerc.yaml: ')).toBe(true);
    expect((error as Error).message).toContain(
      'session.maxParticipants: expected a positive integer, got "five"',
    );
    expect((error as Error).message).toContain('planers: unknown key (did you mean "planners"?)');
  });
});
