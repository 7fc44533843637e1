import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** What a line must be: a regular expression or a predicate. */
export type LineMatch = RegExp | ((line: string) => boolean);

const matches = (match: LineMatch, line: string) =>
  typeof match === 'function' ? match(line) : match.test(line);

/** Every line a stream has written, kept, and the waiters for the next ones. */
export class Lines {
  readonly seen: string[] = [];
  readonly #listeners = new Set<(line: string) => void>();

  constructor(stream: Readable) {
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      this.seen.push(line);
      for (const listener of [...this.#listeners]) listener(line);
    });
  }

  /** Calls `listener` for every line from now on; returns the unsubscribe function. */
  onLine(listener: (line: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The last `count` lines, for error messages. */
  tail(count = 20): string {
    return this.seen.slice(-count).join('\n');
  }
}

export interface WaitOptions {
  /** Give up after this long (default 20 s). */
  timeoutMs?: number;
  /** Only lines from this index of `lines.seen` on (default 0: lines already seen count too). */
  from?: number;
  /** Give up when this settles first (e.g. the process that writes the lines has exited). */
  until?: Promise<unknown>;
  /** What is awaited, for the error message. */
  what?: string;
}

/**
 * Resolves with the first line (already seen, or to come) that matches; rejects on timeout or
 * when `until` settles first, with the last lines written in the error.
 */
export function waitForLine(
  lines: Lines,
  match: LineMatch,
  options: WaitOptions = {},
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const what = options.what ?? String(match);
  const earlier = lines.seen.slice(options.from ?? 0).find((line) => matches(match, line));
  if (earlier !== undefined) return Promise.resolve(earlier);
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      off();
      fn();
    };
    const fail = (why: string) =>
      finish(() => reject(new Error(`${why} waiting for ${what}; last lines:\n${lines.tail()}`)));
    const off = lines.onLine((line) => {
      if (matches(match, line)) finish(() => resolve(line));
    });
    const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
    options.until?.then(
      () => fail('the process exited'),
      () => fail('the process failed'),
    );
  });
}

/** The line parsed as a JSON object, or undefined when it is not one. */
export function jsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A line that is a JSON object satisfying `predicate`. */
export const json =
  (predicate: (value: Record<string, unknown>) => boolean): LineMatch =>
  (line) => {
    const value = jsonLine(line);
    return value !== undefined && predicate(value);
  };

/**
 * Resolves with the first JSON line of a file (e.g. a JSON Lines sink another process writes)
 * that satisfies `predicate`, reading the file again every 50 ms; rejects on timeout.
 */
export async function waitForFileLine(
  path: string,
  predicate: (value: Record<string, unknown>) => boolean,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = await readFile(path, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const value = jsonLine(line);
      if (value !== undefined && predicate(value)) return value;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for a line in ${path}; it holds:\n${text}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The JSON lines of a file (none when it does not exist). */
export async function readJsonLines(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').flatMap((line): Record<string, unknown>[] => {
    const value = jsonLine(line);
    return value ? [value] : [];
  });
}
