import type { z } from 'zod';
import type { Components } from './components.js';
import type { Planner } from './planner.js';
import type { RulePack } from './rules.js';
import type { SlurpSink } from './sink.js';
import type { SessionStore } from './store.js';
import type { Transport } from './transport.js';
import type { SpecificationVersion } from './version.js';

export interface PluginKinds {
  transport: Transport;
  planner: Planner;
  rules: RulePack;
  sink: SlurpSink;
  store: SessionStore;
}
export type PluginKind = keyof PluginKinds;
export const PLUGIN_KINDS = [
  'transport',
  'planner',
  'rules',
  'sink',
  'store',
] as const satisfies readonly PluginKind[];

/**
 * What a plugin module exports as its default: its kind, name, the contract version it was
 * written for, the schema of its options, and the factory. The host validates the options
 * with the schema before calling `create`.
 */
export interface PluginDefinition<K extends PluginKind = PluginKind, O = unknown> {
  readonly kind: K;
  readonly name: string;
  readonly specificationVersion: SpecificationVersion;
  readonly options: z.ZodType<O>;
  create(options: O, components: Components): PluginKinds[K] | Promise<PluginKinds[K]>;
}

/** Declares a plugin module's default export with its types checked. */
export function definePlugin<K extends PluginKind, O>(
  definition: PluginDefinition<K, O>,
): PluginDefinition<K, O> {
  return definition;
}
