import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LineMatch, Lines, type WaitOptions, waitForLine } from './wait-for-line.js';

/** The `chorale` bin of @chorale/coordinator (its CLI is built into apps/coordinator/dist). */
export const CHORALE_BIN = fileURLToPath(
  new URL('../node_modules/@chorale/coordinator/bin/chorale.js', import.meta.url),
);

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `chorale` process, its output kept line by line. */
export interface ChoraleProcess {
  readonly child: ChildProcess;
  readonly stdout: Lines;
  readonly stderr: Lines;
  /** Settles once the process has exited and its output is read to the end. */
  readonly closed: Promise<Exit>;
  /** The first stdout line (or stderr with `stream: 'stderr'`) that matches; rejects on timeout or exit. */
  waitForLine(
    match: LineMatch,
    options?: WaitOptions & { stream?: 'stdout' | 'stderr' },
  ): Promise<string>;
  /** Sends `signal` (default SIGTERM) unless the process has exited, and waits for it to close. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

const running = new Set<ChoraleProcess>();

/** Runs `node chorale.js ...args` in `cwd`. */
export function spawnChorale(args: string[], options: { cwd: string }): ChoraleProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [CHORALE_BIN, ...args], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = new Lines(child.stdout);
  const stderr = new Lines(child.stderr);
  let exit: Exit | undefined;
  const closed = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      exit = { code, signal };
      running.delete(proc);
      resolve(exit);
    });
    child.on('error', () => {
      // 'close' follows
    });
  });
  const proc: ChoraleProcess = {
    child,
    stdout,
    stderr,
    closed,
    waitForLine: (match, { stream = 'stdout', ...rest } = {}) =>
      waitForLine(stream === 'stdout' ? stdout : stderr, match, {
        what: `${String(match)} on the ${stream} of chorale ${args.join(' ')}`,
        until: closed,
        ...rest,
      }),
    stop: (signal = 'SIGTERM') => {
      if (exit === undefined) child.kill(signal);
      return closed;
    },
  };
  running.add(proc);
  return proc;
}

/** Kills (SIGKILL) every process spawned here that is still running, and waits for them. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((proc) => proc.stop('SIGKILL')));
}

/** A started `chorale start` node. */
export interface ChoraleNode {
  readonly process: ChoraleProcess;
  readonly dir: string;
  /** Its first `listening` address (with /p2p/<peer id>). */
  readonly addr: string;
  readonly peerId: string;
  /** Where its JSON Lines sink writes the SLURP events. */
  readonly slurpPath: string;
  /** Its HTTP server (API, metrics, health), on 127.0.0.1 and a free port. */
  readonly httpUrl: string;
}

export interface NodeConfig {
  /** Options of @chorale/transport-libp2p beyond loopback listening and mDNS off. */
  transport?: Record<string, unknown>;
  session?: Record<string, unknown>;
}

/**
 * Writes `.choralerc.json` in `dir` (libp2p on 127.0.0.1 port 0, mDNS off, debug logs, a
 * JSON Lines sink `slurp.jsonl`, HTTP on 127.0.0.1 port 0) and runs `chorale start` there until it prints its addresses.
 */
export async function startNode(dir: string, config: NodeConfig = {}): Promise<ChoraleNode> {
  const rc = {
    transport: [
      '@chorale/transport-libp2p',
      { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, ...config.transport },
    ],
    logLevel: 'debug',
    sinks: [['@chorale/sink-jsonl', { path: 'slurp.jsonl' }]],
    http: { listen: '127.0.0.1:0' },
    ...(config.session ? { session: config.session } : {}),
  };
  await writeFile(join(dir, '.choralerc.json'), JSON.stringify(rc, null, 2));
  const proc = spawnChorale(['start'], { cwd: dir });
  const listening = await proc.waitForLine(/^listening \/ip4\/127\.0\.0\.1\//);
  const peerLine = await proc.waitForLine(/^peer id /);
  const httpLine = await proc.waitForLine(/^http /);
  await proc.waitForLine(/coordinator started/);
  return {
    process: proc,
    dir,
    addr: listening.slice('listening '.length),
    peerId: peerLine.slice('peer id '.length),
    slurpPath: join(dir, 'slurp.jsonl'),
    httpUrl: httpLine.slice('http '.length),
  };
}
