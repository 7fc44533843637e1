import { type LoadedConfig, loadConfig } from '@chorale/config';
import type { Logger } from '@chorale/core';
import { createLogger } from '../logger.js';

export interface ConfigOption {
  config?: string;
}

export async function load(options: ConfigOption): Promise<LoadedConfig> {
  return loadConfig(options.config ? { configFile: options.config } : {});
}

/** The configured log level, but never chattier than `floor` allows (the demo keeps stdout readable). */
export function loggerFor(level: string, quiet = false): Logger {
  const order = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
  return createLogger(quiet && order.indexOf(level) < order.indexOf('warn') ? 'warn' : level);
}
