import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Components,
  MemorySessionStore,
  sequentialIds,
  silentLogger,
  systemClock,
} from '@chorale/core';
import { sampleSlurpEvent } from '@chorale/testing/sink';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadConfig,
  PluginInvalidError,
  PluginLoadError,
  PluginNotFoundError,
  PluginSpecificationError,
  type parseConfig,
  resolvePlugins,
} from './index.js';
import { useTempProject } from './test-project.js';

/** What the CLI passes: a folder where the built-in plugins are installed (here, this package's). */
const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const ZOD = import.meta.resolve('zod');

const project = useTempProject('chorale-plugins-');
const write = project.write;

/** A plugin module file: real zod (by absolute URL), a definition of the given kind. */
function pluginModule(kind: string, body: string, version = 'v1'): string {
  return `import { z } from '${ZOD}';
export default {
  kind: '${kind}',
  name: 'test-${kind}',
  specificationVersion: '${version}',
  options: z.strictObject({ prefix: z.string().default('team'), limit: z.number().int().optional() }),
  create(options, components) { ${body} },
};
`;
}

const RULES = pluginModule(
  'rules',
  "return { specificationVersion: 'v1', name: options.prefix + '-rules', baseDir: components.baseDir, rules: [] };",
);

function components(): Components {
  return {
    clock: systemClock,
    ids: sequentialIds(),
    logger: silentLogger,
    dataDir: join(project.root(), '.chorale'),
    baseDir: project.root(),
  };
}

async function configFrom(content: object): Promise<ReturnType<typeof parseConfig>> {
  const path = await write('.choralerc.json', JSON.stringify(content));
  return (await loadConfig({ cwd: project.root(), configFile: path })).config;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('resolvePlugins', () => {
  it('creates the embedded defaults: template planner, JSONL sink in <dataDir>, memory store', async () => {
    const config = await configFrom({ rules: [] });
    const plugins = await resolvePlugins(config, components(), {
      resolveFrom: [PACKAGE_DIR],
      transport: false,
    });
    expect(plugins.transport).toBeUndefined();
    expect(plugins.planners.map((p) => p.name)).toEqual(['template']);
    expect(plugins.store).toBeInstanceOf(MemorySessionStore);
    expect(plugins.sinks).toHaveLength(1);
    await plugins.sinks[0]!.emit(sampleSlurpEvent(1));
    await plugins.sinks[0]!.close();
    expect(
      (await readFile(join(project.root(), '.chorale', 'slurp.jsonl'), 'utf8')).split('\n'),
    ).toHaveLength(2);
  });

  it('resolves a relative plugin path from the config file folder, with its options', async () => {
    await write('rules/our-rules.mjs', RULES);
    const config = await configFrom({
      rules: [['./rules/our-rules.mjs', { prefix: 'payments' }], './rules/our-rules.mjs'],
      sinks: [],
    });
    const plugins = await resolvePlugins(config, components(), { transport: false });
    expect(plugins.rulePacks.map((r) => r.name)).toEqual(['payments-rules', 'team-rules']);
    expect((plugins.rulePacks[0] as unknown as { baseDir: string }).baseDir).toBe(project.root());
  });

  it('resolves package names from resolveFrom when the project does not install them', async () => {
    const config = await configFrom({
      rules: [],
      sinks: [['@chorale/sink-jsonl', { path: 'out/events.jsonl' }]],
    });
    const notFound = await failure(resolvePlugins(config, components(), { transport: false }));
    expect(notFound).toBeInstanceOf(PluginNotFoundError);
    const plugins = await resolvePlugins(config, components(), {
      resolveFrom: [PACKAGE_DIR],
      transport: false,
    });
    await plugins.sinks[0]!.emit(sampleSlurpEvent(1));
    await plugins.sinks[0]!.close();
    expect(await readFile(join(project.root(), 'out/events.jsonl'), 'utf8')).toContain(
      '"session_id"',
    );
  });

  it('keeps the template planner last, after the planners the config names', async () => {
    await write(
      'planners/echo.mjs',
      pluginModule(
        'planner',
        "return { specificationVersion: 'v1', name: 'echo', plan: async () => ({ text: 'x' }) };",
      ),
    );
    const config = await configFrom({ planners: ['./planners/echo.mjs'], rules: [], sinks: [] });
    const plugins = await resolvePlugins(config, components(), { transport: false });
    expect(plugins.planners.map((p) => p.name)).toEqual(['echo', 'template']);
    const named = await configFrom({
      planners: ['./planners/echo.mjs', ['@chorale/planner-template', { name: 'fallback' }]],
      rules: [],
      sinks: [],
    });
    expect(
      (await resolvePlugins(named, components(), { transport: false })).planners.map((p) => p.name),
    ).toEqual(['echo', 'fallback']);
  });

  it('creates the transport and a store plugin named by path', async () => {
    await write(
      'transport.mjs',
      pluginModule(
        'transport',
        "return { specificationVersion: 'v1', name: 'fake-transport', peerId: 'p1' };",
      ),
    );
    await write(
      'store.mjs',
      pluginModule(
        'store',
        "return { specificationVersion: 'v1', name: 'file-store', close: async () => {} };",
      ),
    );
    const config = await configFrom({
      transport: './transport.mjs',
      store: './store.mjs',
      rules: [],
      sinks: [],
    });
    const plugins = await resolvePlugins(config, components());
    expect(plugins.transport?.name).toBe('fake-transport');
    expect(plugins.store.name).toBe('file-store');
  });

  it('a plugin that cannot be found: PluginNotFoundError naming the entry and where it looked', async () => {
    const config = await configFrom({
      rules: ['@acme/no-such-rules', './rules/missing.mjs'],
      sinks: [],
    });
    const error = await failure(
      resolvePlugins(config, components(), { resolveFrom: [PACKAGE_DIR], transport: false }),
    );
    expect(error).toBeInstanceOf(PluginNotFoundError);
    expect(error?.message).toMatch(
      /^rules\[0\] \(@acme\/no-such-rules\): cannot find the plugin module \(looked from /,
    );
    expect(error?.message).toContain(project.root());
    const relative = await configFrom({ rules: ['./rules/missing.mjs'], sinks: [] });
    const error2 = await failure(resolvePlugins(relative, components(), { transport: false }));
    expect(error2?.message).toMatch(/^rules\[0\] \(\.\/rules\/missing\.mjs\): cannot find/);
    expect((error2 as PluginNotFoundError).code).toBe('PLUGIN_NOT_FOUND');
  });

  it('a plugin of the wrong kind: PluginInvalidError naming the entry and both kinds', async () => {
    const config = await configFrom({ planners: ['@chorale/sink-jsonl'], rules: [], sinks: [] });
    const error = await failure(
      resolvePlugins(config, components(), { resolveFrom: [PACKAGE_DIR], transport: false }),
    );
    expect(error).toBeInstanceOf(PluginInvalidError);
    expect(error?.message).toBe(
      'planners[0] (@chorale/sink-jsonl): is a "sink" plugin, but this entry needs a "planner" plugin',
    );
  });

  it('a module that is not a plugin: PluginInvalidError', async () => {
    await write('rules/none.mjs', 'export const rules = [];\n');
    await write('rules/bad.mjs', 'export default { rules: [] };\n');
    for (const [file, reason] of [
      ['none', /has no default export/],
      ['bad', /is not a plugin definition/],
    ] as const) {
      const config = await configFrom({ rules: [`./rules/${file}.mjs`], sinks: [] });
      const error = await failure(resolvePlugins(config, components(), { transport: false }));
      expect(error).toBeInstanceOf(PluginInvalidError);
      expect(error?.message).toMatch(reason);
      expect(error?.message.startsWith(`rules[0] (./rules/${file}.mjs): `)).toBe(true);
    }
  });

  it('a plugin written for another contract version: PluginSpecificationError', async () => {
    await write(
      'rules/old.mjs',
      pluginModule('rules', "return { specificationVersion: 'v1', name: 'x', rules: [] };", 'v0'),
    );
    const config = await configFrom({ rules: ['./rules/old.mjs'], sinks: [] });
    const error = await failure(resolvePlugins(config, components(), { transport: false }));
    expect(error).toBeInstanceOf(PluginSpecificationError);
    expect(error?.message).toMatch(
      /^rules\[0\] \(\.\/rules\/old\.mjs\): rules "test-rules" implements contract "v0"/,
    );
  });

  it('bad plugin options: a ConfigError with the file and the key path of every problem', async () => {
    await write('rules/our-rules.mjs', RULES);
    const config = await configFrom({
      planners: [['@chorale/planner-template', { name: 5 }]],
      rules: [['./rules/our-rules.mjs', { prefix: 3, limit: 1.5, extra: true }]],
      sinks: [['@chorale/sink-jsonl', { path: '' }]],
    });
    const error = await failure(
      resolvePlugins(config, components(), { resolveFrom: [PACKAGE_DIR], transport: false }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      { path: 'planners[0][1].name', message: 'expected string, got 5' },
      { path: 'rules[0][1].prefix', message: 'expected string, got 3' },
      { path: 'rules[0][1].limit', message: 'expected int, got 1.5' },
      { path: 'rules[0][1].extra', message: 'unknown key' },
      { path: 'sinks[0][1].path', message: expect.stringContaining('>=1') },
    ]);
    expect(error?.message.split('\n')[0]).toMatch(
      /\.choralerc\.json: planners\[0\]\[1\]\.name: expected string, got 5$/,
    );
  });

  it('a plugin module that throws on import, or whose create throws: PluginLoadError; created plugins are closed', async () => {
    await write('rules/boom.mjs', "throw new Error('rules exploded');\n");
    const config = await configFrom({ rules: ['./rules/boom.mjs'], sinks: [] });
    const error = await failure(resolvePlugins(config, components(), { transport: false }));
    expect(error).toBeInstanceOf(PluginLoadError);
    expect(error?.message).toBe(
      'rules[0] (./rules/boom.mjs): importing the plugin module failed: rules exploded',
    );

    await write(
      'sinks/first.mjs',
      pluginModule(
        'sink',
        "globalThis.__closed = 0; return { specificationVersion: 'v1', name: 's', emit: async () => {}, close: async () => { globalThis.__closed++; } };",
      ),
    );
    await write('sinks/broken.mjs', pluginModule('sink', "throw new Error('no disk');"));
    const sinks = await configFrom({
      rules: [],
      sinks: ['./sinks/first.mjs', './sinks/broken.mjs'],
    });
    const error2 = await failure(resolvePlugins(sinks, components(), { transport: false }));
    expect(error2).toBeInstanceOf(PluginLoadError);
    expect(error2?.message).toBe(
      'sinks[1] (./sinks/broken.mjs): creating the plugin failed: no disk',
    );
    expect((globalThis as { __closed?: number }).__closed).toBe(1);
  });
});
