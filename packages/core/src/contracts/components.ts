/** Time, ids and logging are injected, so policies and timers are tested without sleeping. */

export type TimerHandle = unknown;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A source of unique ids. `next('msg')` → `msg_...`. */
export interface IdSource {
  next(prefix: string): string;
}

/** Random ids (UUID v4 based), the default outside tests. */
export const randomIds: IdSource = {
  next: (prefix) => `${prefix}_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`,
};

/** Sequential ids (`msg_1`, `msg_2`, ...): deterministic, for tests and demos. */
export function sequentialIds(): IdSource {
  const counters = new Map<string, number>();
  return {
    next(prefix) {
      const n = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, n);
      return `${prefix}_${n}`;
    },
  };
}

type LogFn = (fields: Record<string, unknown>, message: string) => void;

/** The subset of pino's API Chorale uses; a pino logger fits as it is. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const noop: LogFn = () => {};
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** What the host gives a plugin factory. A plugin asks only for what it needs. */
export interface Components {
  clock: Clock;
  ids: IdSource;
  logger: Logger;
  /** Where a plugin may keep files (keys, databases), already created. */
  dataDir: string;
  /** The folder relative paths in the config are resolved from. */
  baseDir: string;
}
