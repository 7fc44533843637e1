import { ChoraleError } from '@chorale/protocol';

/** One thing wrong in a config: where (`session.maxParticipants`) and what was expected. */
export interface ConfigProblem {
  /** Key path in the config, e.g. `planners[0][1].model`; empty for the config as a whole. */
  path: string;
  message: string;
}

/** The config does not match its schema (or a plugin's options do not match the plugin's). */
export class ConfigError extends ChoraleError {
  readonly problems: readonly ConfigProblem[];
  readonly filepath: string | undefined;

  constructor(problems: readonly ConfigProblem[], filepath?: string) {
    const file = displayPath(filepath);
    super(
      'CONFIG_INVALID',
      problems
        .map((p) => [file, p.path, p.message].filter((part) => part !== '').join(': '))
        .join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
    this.filepath = filepath;
  }
}

/** The config file cannot be found, read or evaluated (a syntax error, a module that throws). */
export class ConfigLoadError extends ChoraleError {
  readonly filepath: string;

  constructor(filepath: string, reason: string, cause?: unknown) {
    super('CONFIG_LOAD', `${displayPath(filepath)}: ${reason}`, { cause });
    this.name = 'ConfigLoadError';
    this.filepath = filepath;
  }
}

interface PluginErrorInit {
  /** Where the plugin is named in the config, e.g. `planners[1]`. */
  entry: string;
  /** The plugin as the config names it. */
  plugin: string;
  cause?: unknown;
}

/** Base of the errors about one plugin entry of the config. */
export abstract class PluginError extends ChoraleError {
  readonly entry: string;
  readonly plugin: string;

  protected constructor(code: string, init: PluginErrorInit, message: string) {
    super(code, `${init.entry} (${init.plugin}): ${message}`, { cause: init.cause });
    this.entry = init.entry;
    this.plugin = init.plugin;
  }
}

/** No module of that name or path could be resolved. */
export class PluginNotFoundError extends PluginError {
  constructor(init: PluginErrorInit & { searched: readonly string[] }) {
    super(
      'PLUGIN_NOT_FOUND',
      init,
      `cannot find the plugin module (looked from ${init.searched.join(', ')})`,
    );
    this.name = 'PluginNotFoundError';
  }
}

/** The module was found but importing it, or creating the instance, failed. */
export class PluginLoadError extends PluginError {
  constructor(init: PluginErrorInit & { stage: 'import' | 'create' }) {
    const what =
      init.stage === 'import' ? 'importing the plugin module failed' : 'creating the plugin failed';
    super('PLUGIN_LOAD', init, `${what}: ${messageOf(init.cause)}`);
    this.name = 'PluginLoadError';
  }
}

/** The module's default export is not a plugin definition of the kind the entry needs. */
export class PluginInvalidError extends PluginError {
  constructor(init: PluginErrorInit & { reason: string }) {
    super('PLUGIN_INVALID', init, init.reason);
    this.name = 'PluginInvalidError';
  }
}

/** The plugin was written for a contract version this Chorale does not speak. */
export class PluginSpecificationError extends PluginError {
  constructor(init: PluginErrorInit) {
    super('PLUGIN_UNSUPPORTED_SPECIFICATION', init, messageOf(init.cause));
    this.name = 'PluginSpecificationError';
  }
}

/** A path as the user wrote it or as short as it can be said from the current folder. */
export function displayPath(filepath: string | undefined): string {
  if (!filepath) return '';
  const cwd = process.cwd();
  return filepath.startsWith(`${cwd}/`) ? filepath.slice(cwd.length + 1) : filepath;
}

export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // One line: cosmiconfig puts the reason on the line after "JSON Error in <file>:".
  return error.message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^[>|\d\s]*\|/.test(line))
    .join(' ');
}
