import type { Command } from 'commander';
import { ApiClient } from '../http/client.js';

/** The options every command that talks to a running node takes. */
export interface ApiOptions {
  url: string;
  token?: string;
  json?: boolean;
}

export const DEFAULT_NODE_URL = 'http://127.0.0.1:7700';

export function withApiOptions(command: Command): Command {
  return command
    .option('--url <url>', "the node's HTTP address (chorale start prints it)", DEFAULT_NODE_URL)
    .option('--token <token>', 'bearer token of the node (default: CHORALE_TOKEN)')
    .option('--json', "print the API's JSON instead of a table");
}

export function clientFor(options: ApiOptions): ApiClient {
  return new ApiClient({ url: options.url, token: options.token ?? process.env.CHORALE_TOKEN });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `2025-09-30T10:00:00.000Z` → `2025-09-30 10:00:00`. */
export function shortTime(rfc3339: string | undefined): string {
  return rfc3339 ? rfc3339.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : '';
}

export function out(text: string): void {
  process.stdout.write(`${text}\n`);
}
