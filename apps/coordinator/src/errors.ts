import { isAbsolute, relative } from 'node:path';
import { PluginError, type ResolvedConfig } from '@chorale/config';
import { ChoraleError } from '@chorale/protocol';

/** A mistake in how the CLI was called (a missing file, a bad argument). Exit code 2. */
export class UsageError extends ChoraleError {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}

/** A task file that cannot be read or has a bad line. */
export class TaskFileError extends ChoraleError {
  constructor(message: string) {
    super('TASK_FILE', message);
    this.name = 'TaskFileError';
  }
}

/** An agent command found no coordinator subscribed to the topic it publishes on. */
export class NoCoordinatorError extends ChoraleError {
  constructor(topic: string, wait: string) {
    super('NO_COORDINATOR', `no coordinator on ${topic} within ${wait}`, { isRetryable: true });
    this.name = 'NoCoordinatorError';
  }
}

/** The demo ran, but a SLURP sink could not write some of its events. */
export class SinkFailedError extends ChoraleError {
  constructor(failures: readonly string[]) {
    super(
      'SINK_FAILED',
      `${failures.length} SLURP event write(s) failed, the first: ${failures[0] ?? 'unknown'}`,
    );
    this.name = 'SinkFailedError';
  }
}

/** A plugin entry of a config file is wrong (not found, not a plugin): the plugin's error, naming the file. */
export class ConfigPluginError extends ChoraleError {
  constructor(file: string, cause: PluginError) {
    super(cause.code, `${file}: ${cause.message}`, { cause });
    this.name = cause.name;
  }
}

/** Runs `load` (plugin resolution); a PluginError then names the config file, as schema errors do. */
export async function namingConfigFile<T>(
  config: ResolvedConfig,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!(error instanceof PluginError) || !config.configFile) throw error;
    const shown = relative(process.cwd(), config.configFile);
    const file = shown.startsWith('..') || isAbsolute(shown) ? config.configFile : shown;
    throw new ConfigPluginError(file, error);
  }
}
