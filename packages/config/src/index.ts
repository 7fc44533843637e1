/**
 * @packageDocumentation
 *
 * Loads the Chorale configuration and creates its plugins. The config is found by cosmiconfig
 * under the name `chorale` (`chorale.config.ts|js|mjs`, `.choralerc.json|yaml`, a `chorale` key
 * in package.json), checked as a whole by one zod schema that fills in every default, and
 * refused, before anything starts, with every problem listed as file, key path and what was
 * expected. Plugins are named by package or relative path, with their options; each is checked
 * to be a plugin of the right kind and contract version, its options are validated by its own
 * schema, and the instances are created. The template planner is always the last planner.
 */
export { formatDuration, parseDuration } from './duration.js';
export {
  ConfigError,
  ConfigLoadError,
  type ConfigProblem,
  PluginError,
  PluginInvalidError,
  PluginLoadError,
  PluginNotFoundError,
  PluginSpecificationError,
} from './errors.js';
export {
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  MODULE_NAME,
  SEARCH_PLACES,
} from './load.js';
export {
  type CheckedPlugin,
  checkPlugins,
  type ResolvedPlugins,
  type ResolvePluginsOptions,
  type ResolvePluginsSelection,
  resolvePlugins,
} from './resolve.js';
export {
  type ChoraleConfig,
  configSchema,
  defineConfig,
  formatIssues,
  formatPath,
  type LogLevel,
  type ParseConfigOptions,
  type PluginRef,
  parseConfig,
  parseListen,
  type ResolvedConfig,
  TEMPLATE_PLANNER,
} from './schema.js';
