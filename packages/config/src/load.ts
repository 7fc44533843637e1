import { access } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { cosmiconfig, defaultLoaders, type Loader } from 'cosmiconfig';
import { ConfigLoadError, messageOf } from './errors.js';
import { parseConfig, type ResolvedConfig } from './schema.js';

export const MODULE_NAME = 'chorale';

/** Where a config is looked for, in each folder from the working directory up to the project's root. */
export const SEARCH_PLACES = [
  'package.json',
  '.choralerc',
  '.choralerc.json',
  '.choralerc.yaml',
  '.choralerc.yml',
  'chorale.config.ts',
  'chorale.config.mts',
  'chorale.config.js',
  'chorale.config.mjs',
  'chorale.config.cjs',
] as const;

const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;

export interface LoadConfigOptions {
  /** Where the search starts, and the base of relative paths when no file is found. Default: the working directory. */
  cwd?: string;
  /** A config file to load instead of searching (relative to `cwd`). */
  configFile?: string;
}

export interface LoadedConfig {
  config: ResolvedConfig;
  /** The file the config came from; absent when none was found (the embedded defaults). */
  filepath?: string;
}

/**
 * Finds and loads the config with cosmiconfig under the name `chorale`: a `chorale` key in
 * package.json, `.choralerc` (YAML), `.choralerc.json|yaml|yml`, `chorale.config.ts|mts|js|mjs|cjs`
 * (TypeScript through Node's type stripping), searching from `cwd` up to the project's root
 * (the folder with a package.json). No config → the embedded defaults. Throws ConfigLoadError when
 * the file cannot be read or evaluated, ConfigError when it does not match the schema.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const explorer = cosmiconfig(MODULE_NAME, {
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: 'project',
    cache: false,
    loaders: Object.fromEntries(
      MODULE_EXTENSIONS.map((ext) => [ext, requireDefaultExport(defaultLoaders[ext])]),
    ),
  });

  let result: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  if (options.configFile !== undefined) {
    const filepath = resolve(cwd, options.configFile);
    try {
      await access(filepath);
    } catch {
      throw new ConfigLoadError(filepath, 'config file not found');
    }
    result = await explorer.load(filepath).catch((error: unknown) => {
      if (error instanceof ConfigLoadError) throw error;
      throw new ConfigLoadError(
        filepath,
        `cannot load the config file: ${messageOf(error)}`,
        error,
      );
    });
    if (result === null && basename(filepath) === 'package.json') {
      throw new ConfigLoadError(filepath, `has no "${MODULE_NAME}" key`);
    }
  } else {
    result = await explorer.search(cwd).catch((error: unknown) => {
      if (error instanceof ConfigLoadError) throw error;
      const filepath = fileOf(error) ?? cwd;
      throw new ConfigLoadError(
        filepath,
        `cannot load the config file: ${messageOf(error)}`,
        error,
      );
    });
  }

  if (!result) return { config: parseConfig({}, undefined, { cwd }) };
  const { filepath } = result;
  const raw =
    result.isEmpty || result.config === null || result.config === undefined ? {} : result.config;
  return { config: parseConfig(raw, filepath), filepath };
}

/** A module config must have a default export; cosmiconfig alone would skip it silently. */
function requireDefaultExport(load: Loader): Loader {
  return async (filepath, content) => {
    const value = await load(filepath, content);
    if (value === undefined) {
      throw new ConfigLoadError(
        filepath,
        'the module has no default export (export default defineConfig({ ... }))',
      );
    }
    return value;
  };
}

/** The file cosmiconfig was reading when it failed (it sets `filepath` on the error). */
function fileOf(error: unknown): string | undefined {
  const filepath =
    typeof error === 'object' && error !== null
      ? (error as { filepath?: unknown }).filepath
      : undefined;
  return typeof filepath === 'string' ? filepath : undefined;
}
