import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { ConfigError, type ConfigProblem } from './errors.js';

export const TEMPLATE_PLANNER = '@chorale/planner-template';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `expected <what>, got <the value>`, for the error of a schema. */
function expected(what: string) {
  return (issue: { input?: unknown }) => `expected ${what}, got ${show(issue.input)}`;
}

const DURATION = 'a duration such as "30m", "2h", "45s", "500ms", or a number of milliseconds';

const duration = z
  .union([z.number(), z.string()], { error: expected(DURATION) })
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.issues.push({
        code: 'custom',
        message: `expected ${DURATION}, got ${show(value)}`,
        input: value,
      });
      return z.NEVER;
    }
    return ms;
  });

function integer(min: number, what: string) {
  return z
    .number({ error: expected(what) })
    .int({ error: expected(what) })
    .min(min, { error: expected(what) });
}

const text = (what: string) =>
  z.string({ error: expected(what) }).min(1, { error: expected(what) });

const PLUGIN = 'a plugin name or path, or [name, options]';
const pluginName = text('a plugin name or path');
const pluginEntry = z
  .union([pluginName, z.tuple([pluginName]), z.tuple([pluginName, z.unknown()])], {
    error: expected(PLUGIN),
  })
  .transform(
    (entry): PluginRef =>
      typeof entry === 'string' ? { name: entry } : { name: entry[0], options: entry[1] },
  );

const pluginList = (what: string) => z.array(pluginEntry, { error: expected(`a list of ${what}`) });

const sessionSchema = z.strictObject({
  maxSessionDuration: duration.prefault('30m'),
  maxParticipants: integer(1, 'a positive integer').default(5),
  escalationThreshold: integer(1, 'a positive integer').default(10),
  cleanupInterval: duration.prefault('10m'),
  inactiveAfter: duration.prefault('2h'),
  plannerTimeout: duration.prefault('30s'),
  planTakeoverDelay: duration.prefault('10s'),
});

const detectorSchema = z.strictObject({
  coordinationHops: integer(0, 'a non-negative integer').default(3),
});

const topicsSchema = z.strictObject({
  coordination: text('a topic name').default('CHORUS/coordination/v1'),
  metaDiscussion: text('a topic name').default('hmmm/meta-discussion/v1'),
});

const plannerCacheSchema = z.strictObject({
  ttl: duration.prefault('1h'),
  maxEntries: integer(0, 'a non-negative integer (0 turns the cache off)').default(1_000),
});

const TOKENS = 'a non-negative integer of tokens (0 for no limit)';
const tokenBudgetSchema = z.strictObject({
  perSession: integer(0, TOKENS).default(20_000),
  perHour: integer(0, TOKENS).default(500_000),
});

const LISTEN =
  'a "host:port" address such as "127.0.0.1:7700" ("[::1]:7700" for IPv6, port 0 for any free port)';

/** `host:port` → its parts; IPv6 hosts in brackets. */
export function parseListen(value: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]/]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65_535) return undefined;
  return { host: match[1] ?? match[2]!, port };
}

const httpSchema = z.strictObject({
  listen: z
    .string({ error: expected(LISTEN) })
    .refine((value) => parseListen(value) !== undefined, { error: expected(LISTEN) })
    .default('127.0.0.1:7700'),
  /** Bearer token the `/api` routes require; `CHORALE_TOKEN` sets it too. */
  token: text('a token').optional(),
});

/** The one schema over the whole config. Every key has a default. */
export const configSchema = z.strictObject(
  {
    /** Lets editors find a JSON schema; ignored. */
    $schema: z.string().optional(),
    dataDir: text('a folder path').default('.chorale'),
    transport: pluginEntry.prefault('@chorale/transport-libp2p'),
    planners: pluginList('planners').prefault([TEMPLATE_PLANNER]),
    rules: pluginList('rule packs').prefault(['@chorale/rules-standard']),
    sinks: pluginList('sinks').prefault([['@chorale/sink-jsonl', {}]]),
    store: z
      .union([z.literal('memory'), pluginEntry], { error: expected(`"memory" or ${PLUGIN}`) })
      .prefault('memory'),
    session: sessionSchema.prefault({}),
    detector: detectorSchema.prefault({}),
    topics: topicsSchema.prefault({}),
    /** Plans of LLM planners reused for the same dependency within `ttl`. */
    plannerCache: plannerCacheSchema.prefault({}),
    /** Tokens the LLM planners may spend; when spent the chain skips them. */
    tokenBudget: tokenBudgetSchema.prefault({}),
    /** Secrets redacted from prompts, published messages and SLURP events. */
    redaction: z.boolean({ error: expected('true or false') }).default(true),
    /** The HTTP server of `chorale start` (API, dashboard, metrics, health); `false` turns it off. */
    http: z
      .union([z.literal(false), httpSchema], { error: expected('false or { listen, token }') })
      .prefault({}),
    maxMessageBytes: integer(1, 'a positive integer (bytes)').default(65_536),
    logLevel: z
      .enum(LOG_LEVELS, { error: expected(LOG_LEVELS.map((l) => `"${l}"`).join(', ')) })
      .default('info'),
  },
  { error: expected('an object (the config)') },
);

/** What a config file holds (`defineConfig`'s argument). Every key is optional. */
export type ChoraleConfig = z.input<typeof configSchema>;

/** A plugin entry: the name or path as written, and its options (checked by the plugin's own schema). */
export interface PluginRef {
  name: string;
  options?: unknown;
}

/** The config with every default filled in, durations in milliseconds and plugin entries normalised. */
export interface ResolvedConfig {
  /** The file the config came from, when there was one (named in errors). */
  configFile?: string;
  /** The folder relative paths are resolved from: the config file's folder, or the working directory. */
  baseDir: string;
  /** Absolute. */
  dataDir: string;
  transport: PluginRef;
  /** Always ends with the template planner. */
  planners: PluginRef[];
  rules: PluginRef[];
  sinks: PluginRef[];
  store: PluginRef | 'memory';
  session: {
    maxSessionDuration: number;
    maxParticipants: number;
    escalationThreshold: number;
    cleanupInterval: number;
    inactiveAfter: number;
    plannerTimeout: number;
    planTakeoverDelay: number;
  };
  detector: { coordinationHops: number };
  topics: { coordination: string; metaDiscussion: string };
  /** Plan cache of the LLM planners: TTL in ms, entries at most (0: off). */
  plannerCache: { ttl: number; maxEntries: number };
  /** Tokens per session and per sliding hour (0: no limit). */
  tokenBudget: { perSession: number; perHour: number };
  redaction: boolean;
  /** The HTTP server of `chorale start`, or false when turned off. */
  http: false | { listen: string; token?: string };
  maxMessageBytes: number;
  logLevel: LogLevel;
}

/** Types a config file's content; returns it as it is. */
export function defineConfig(config: ChoraleConfig): ChoraleConfig {
  return config;
}

export interface ParseConfigOptions {
  /** The folder relative paths are resolved from when there is no file. Default: the working directory. */
  cwd?: string;
}

/**
 * Checks a config against the schema and fills in the defaults. Throws a ConfigError that lists
 * every problem with its key path and what was expected. `filepath` names the file in errors and
 * is the folder relative paths are resolved from.
 */
export function parseConfig(
  raw: unknown,
  filepath?: string,
  options: ParseConfigOptions = {},
): ResolvedConfig {
  const result = configSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues), filepath);
  const { $schema: _ignored, ...config } = result.data;
  const baseDir = filepath ? dirname(resolve(filepath)) : resolve(options.cwd ?? process.cwd());

  const planners = [...config.planners];
  const templateAt = planners.findIndex((p) => p.name === TEMPLATE_PLANNER);
  if (templateAt === -1) planners.push({ name: TEMPLATE_PLANNER });
  else if (templateAt !== planners.length - 1) {
    throw new ConfigError(
      [
        {
          path: `planners[${templateAt}]`,
          message: `expected ${TEMPLATE_PLANNER} last: it never fails, so the planners after it would never run`,
        },
      ],
      filepath,
    );
  }
  return {
    ...(filepath ? { configFile: resolve(filepath) } : {}),
    ...config,
    planners,
    baseDir,
    dataDir: resolve(baseDir, config.dataDir),
  };
}

/** Turns zod issues into problems: one per issue (one per key for unknown keys), with its key path. */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const hint = prefix.length === 0 ? suggestion(key, issue) : '';
        problems.push({ path: formatPath([...path, key]), message: `unknown key${hint}` });
      }
    } else if (issue.code === 'invalid_type' && !issue.message.startsWith('expected ')) {
      problems.push({
        path: formatPath(path),
        message: `expected ${issue.expected}, got ${show(issue.input)}`,
      });
    } else {
      problems.push({ path: formatPath(path), message: issue.message });
    }
  }
  return problems;
}

/** `['planners', 0, 1, 'model']` → `planners[0][1].model`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const name = String(key);
      out += /^[A-Za-z_$][\w$]*$/.test(name)
        ? out === ''
          ? name
          : `.${name}`
        : `[${JSON.stringify(name)}]`;
    }
  }
  return out;
}

/** A value as an error message shows it: JSON, shortened. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** ` (did you mean "session"?)` when an unknown key is one typo away from a known one. */
function suggestion(key: string, issue: z.core.$ZodIssue): string {
  const known = knownKeysAt(issue.path);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 4))
    ? ` (did you mean "${best}"?)`
    : '';
}

function knownKeysAt(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(configSchema.shape).filter((k) => k !== '$schema');
  if (path.length === 1) {
    const nested = {
      session: sessionSchema,
      detector: detectorSchema,
      topics: topicsSchema,
      plannerCache: plannerCacheSchema,
      tokenBudget: tokenBudgetSchema,
      http: httpSchema,
    }[String(path[0])];
    if (nested) return Object.keys(nested.shape);
  }
  return [];
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
