import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  assertSpecification,
  type Components,
  MemorySessionStore,
  PLUGIN_KINDS,
  type Planner,
  type PluginDefinition,
  type PluginKind,
  type PluginKinds,
  type RulePack,
  type SessionStore,
  type SlurpSink,
  type Transport,
} from '@chorale/core';
import templatePlugin from '@chorale/planner-template';
import { resolve as resolveModule } from 'import-meta-resolve';
import {
  ConfigError,
  type ConfigProblem,
  PluginInvalidError,
  PluginLoadError,
  PluginNotFoundError,
  PluginSpecificationError,
} from './errors.js';
import { formatIssues, type PluginRef, type ResolvedConfig, TEMPLATE_PLANNER } from './schema.js';

export interface ResolvePluginsOptions {
  /**
   * Folders (or file URLs) to resolve plugin packages from when the config's folder cannot: the
   * CLI passes its own, so the built-in plugins resolve even where the user's project does not
   * install them.
   */
  resolveFrom?: readonly (string | URL)[];
}

/** The plugin instances a config names, created and ready to be started. */
export interface ResolvedPlugins {
  transport?: Transport;
  /** In order; the template planner is always the last. */
  planners: Planner[];
  rulePacks: RulePack[];
  sinks: SlurpSink[];
  store: SessionStore;
}

export interface ResolvePluginsSelection {
  /** Leave the transport out (the demo runs on the in-memory bus whatever the config says). Default true. */
  transport?: boolean;
  /** Only these kinds (e.g. `['rules']` for `chorale rules test`). Default: every kind. */
  kinds?: readonly PluginKind[];
}

/** A plugin the config names, found, checked and with valid options (as `chorale config check` lists it). */
export interface CheckedPlugin {
  /** Where the entry sits in the config, e.g. `planners[1]`. */
  entry: string;
  kind: PluginKind;
  /** The name or path as written in the config. */
  ref: string;
  /** The name the plugin gives itself. */
  name: string;
  options: unknown;
}

interface Slot<K extends PluginKind> {
  kind: K;
  /** Where the entry sits in the config, e.g. `planners[1]`. */
  entry: string;
  ref: PluginRef;
}

interface Loaded<K extends PluginKind> extends Slot<K> {
  definition: PluginDefinition<K, unknown>;
  options?: unknown;
}

/**
 * Imports every plugin the config names, checks each is a plugin definition of the kind its
 * entry needs and of this contract version, validates all their options (every problem reported
 * at once, with its key path, before anything is created), then creates the instances in config
 * order. Names resolve from the config's folder, then from `resolveFrom`; relative paths from the
 * config's folder.
 */
export async function resolvePlugins(
  config: ResolvedConfig,
  components: Components,
  options: ResolvePluginsOptions & ResolvePluginsSelection = {},
): Promise<ResolvedPlugins> {
  const loaded = await loadPlugins(config, options);
  const created: { kind: PluginKind; instance: unknown }[] = [];
  try {
    for (const plugin of loaded)
      created.push({ kind: plugin.kind, instance: await create(plugin, components) });
  } catch (error) {
    await Promise.allSettled(created.map(({ instance }) => closeQuietly(instance)));
    throw error;
  }

  const of = <K extends PluginKind>(kind: K) =>
    created.filter((c) => c.kind === kind).map((c) => c.instance as PluginKinds[K]);
  const planners = of('planner');
  const wantsPlanners = (options.kinds ?? PLUGIN_KINDS).includes('planner');
  if (wantsPlanners && !config.planners.some((p) => p.name === TEMPLATE_PLANNER)) {
    planners.push(await templatePlugin.create(templatePlugin.options.parse({}), components));
  }
  return {
    ...(of('transport')[0] ? { transport: of('transport')[0] } : {}),
    planners,
    rulePacks: of('rules'),
    sinks: of('sink'),
    store: of('store')[0] ?? new MemorySessionStore(),
  };
}

/**
 * Imports and checks every plugin the config names and validates its options, without creating
 * anything (no file opened, no socket bound): what `chorale config check` reports.
 */
export async function checkPlugins(
  config: ResolvedConfig,
  options: ResolvePluginsOptions & ResolvePluginsSelection = {},
): Promise<CheckedPlugin[]> {
  const loaded = await loadPlugins(config, options);
  return loaded.map((p) => ({
    entry: p.entry,
    kind: p.kind,
    ref: p.ref.name,
    name: p.definition.name,
    options: p.options,
  }));
}

async function loadPlugins(
  config: ResolvedConfig,
  options: ResolvePluginsOptions & ResolvePluginsSelection,
): Promise<Loaded<PluginKind>[]> {
  const wanted = (kind: PluginKind) =>
    (options.kinds ?? PLUGIN_KINDS).includes(kind) &&
    (kind !== 'transport' || options.transport !== false);
  const slots: Slot<PluginKind>[] = [
    { kind: 'transport' as const, entry: 'transport', ref: config.transport },
    ...config.planners.map((ref, i) => ({
      kind: 'planner' as const,
      entry: `planners[${i}]`,
      ref,
    })),
    ...config.rules.map((ref, i) => ({ kind: 'rules' as const, entry: `rules[${i}]`, ref })),
    ...config.sinks.map((ref, i) => ({ kind: 'sink' as const, entry: `sinks[${i}]`, ref })),
    ...(config.store === 'memory'
      ? []
      : [{ kind: 'store' as const, entry: 'store', ref: config.store }]),
  ].filter((slot) => wanted(slot.kind));
  const parents = parentUrls(config.baseDir, options.resolveFrom ?? []);

  const loaded: Loaded<PluginKind>[] = [];
  for (const slot of slots)
    loaded.push({ ...slot, definition: await loadDefinition(slot, parents) });

  const problems: ConfigProblem[] = [];
  for (const plugin of loaded) {
    const given = plugin.ref.options === undefined ? {} : plugin.ref.options;
    const result = plugin.definition.options.safeParse(given, { reportInput: true });
    const at = pathOf(plugin.entry);
    if (result.success) plugin.options = result.data;
    else problems.push(...formatIssues(result.error.issues, [...at, 1]));
  }
  if (problems.length > 0) throw new ConfigError(problems, config.configFile);
  return loaded;
}

/** Imports the module an entry names and checks its default export. */
async function loadDefinition<K extends PluginKind>(
  slot: Slot<K>,
  parents: URL[],
): Promise<PluginDefinition<K, unknown>> {
  const { entry, ref, kind } = slot;
  const init = { entry, plugin: ref.name };
  const url = locate(ref.name, slot, parents);
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (cause) {
    throw new PluginLoadError({ ...init, cause, stage: 'import' });
  }
  const definition = module.default;
  if (!isDefinition(definition)) {
    throw new PluginInvalidError({
      ...init,
      reason:
        definition === undefined
          ? 'the module has no default export; a plugin module exports definePlugin({ kind, name, ... }) as its default'
          : 'the default export is not a plugin definition (definePlugin({ kind, name, specificationVersion, options, create }))',
    });
  }
  if (definition.kind !== kind) {
    throw new PluginInvalidError({
      ...init,
      reason: `is a ${JSON.stringify(definition.kind)} plugin, but this entry needs a ${JSON.stringify(kind)} plugin`,
    });
  }
  try {
    assertSpecification(kind, definition);
  } catch (cause) {
    throw new PluginSpecificationError({ ...init, cause });
  }
  return definition as PluginDefinition<K, unknown>;
}

async function create(plugin: Loaded<PluginKind>, components: Components): Promise<unknown> {
  const init = { entry: plugin.entry, plugin: plugin.ref.name };
  let instance: unknown;
  try {
    instance = await plugin.definition.create(plugin.options, components);
  } catch (cause) {
    throw new PluginLoadError({ ...init, cause, stage: 'create' });
  }
  if (typeof instance !== 'object' || instance === null) {
    throw new PluginInvalidError({
      ...init,
      reason: `create() returned ${String(instance)}, not a ${plugin.kind}`,
    });
  }
  try {
    assertSpecification(plugin.kind, instance);
  } catch (cause) {
    await closeQuietly(instance);
    throw new PluginSpecificationError({ ...init, cause });
  }
  return instance;
}

/** The URL of the module a name or path designates, or PluginNotFoundError. */
function locate(name: string, slot: Slot<PluginKind>, parents: URL[]): string {
  const init = { entry: slot.entry, plugin: name };
  const relative =
    name.startsWith('./') ||
    name.startsWith('../') ||
    name.startsWith('.\\') ||
    name.startsWith('..\\');
  if (isAbsolute(name) || name.startsWith('file:')) {
    const url = name.startsWith('file:') ? name : pathToFileURL(name).href;
    return tryResolve(url, parents[0]!) ?? notFound(init, [name]);
  }
  // The template planner also resolves from this package's own dependencies: it is always there.
  const candidates = relative
    ? parents.slice(0, 1)
    : name === TEMPLATE_PLANNER
      ? [...parents, new URL(import.meta.url)]
      : parents;
  for (const parent of candidates) {
    const url = tryResolve(name, parent);
    if (url) return url;
  }
  return notFound(
    init,
    candidates.map((p) => decodeURIComponent(new URL('.', p).pathname)),
  );
}

function notFound(init: { entry: string; plugin: string }, searched: string[]): never {
  throw new PluginNotFoundError({ ...init, searched });
}

function tryResolve(specifier: string, parent: URL): string | undefined {
  try {
    const url = resolveModule(specifier, parent.href);
    // Relative and absolute specifiers resolve without looking at the disk.
    return !url.startsWith('file:') || existsSync(fileURLToPath(url)) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Parent URLs to resolve from: a file inside each folder (the file itself need not exist). */
function parentUrls(baseDir: string, resolveFrom: readonly (string | URL)[]): URL[] {
  const inFolder = (folder: string) =>
    pathToFileURL(join(resolvePath(folder), 'chorale.config.js'));
  const urls = [inFolder(baseDir)];
  for (const from of resolveFrom) {
    if (from instanceof URL || from.startsWith('file:')) urls.push(new URL(from));
    else urls.push(inFolder(from));
  }
  return urls;
}

function isDefinition(value: unknown): value is PluginDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const options = v.options as { safeParse?: unknown } | undefined;
  return (
    typeof v.kind === 'string' &&
    typeof v.name === 'string' &&
    typeof v.create === 'function' &&
    typeof options === 'object' &&
    options !== null &&
    typeof options.safeParse === 'function'
  );
}

/** `planners[1]` → `['planners', 1]`. */
function pathOf(entry: string): (string | number)[] {
  return entry
    .split(/[[\].]+/)
    .filter((p) => p !== '')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

async function closeQuietly(instance: unknown): Promise<void> {
  const i = instance as { close?: () => unknown; stop?: () => unknown };
  try {
    if (typeof i.close === 'function') await i.close();
    else if (typeof i.stop === 'function') await i.stop();
  } catch {
    // Already failing; the first error is the one to report.
  }
}
