/**
 * mDNS discovery between two nodes in network namespaces this test creates (a veth pair, no
 * other interface): multicast never touches the machine's own interfaces. Needs root, the `ip`
 * tool and the built package (the nodes run as separate processes inside the namespaces).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './__fixtures__/nodes.js';

const script = fileURLToPath(new URL('./__fixtures__/mdns-node.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

function hasIp(): boolean {
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skipReason =
  process.platform !== 'linux'
    ? 'network namespaces are Linux only'
    : process.getuid?.() !== 0
      ? 'creating network namespaces needs root'
      : !hasIp()
        ? 'the ip tool (iproute2) is not installed'
        : !existsSync(dist)
          ? 'the package is not built (run pnpm build): the namespaced nodes run from dist'
          : undefined;

const tag = `${process.pid % 100000}`;
const ns = { a: `chorale-mdns-${tag}-a`, b: `chorale-mdns-${tag}-b` };
const veth = { a: `chm${tag}a`, b: `chm${tag}b` };
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

interface Line {
  event: string;
  peerId?: string;
  from?: string;
  title?: string;
}

function run(namespace: string, dataDir: string, listen: string, role: string) {
  const child = spawn(
    'ip',
    ['netns', 'exec', namespace, process.execPath, script, dataDir, listen, role],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: Line[] = [];
  const waiters: Array<{ test: (l: Line) => boolean; resolve: (l: Line) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as Line;
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const next = (test: (l: Line) => boolean) =>
    new Promise<Line>((resolve) => {
      const seen = lines.find(test);
      if (seen) resolve(seen);
      else waiters.push({ test, resolve });
    });
  return { child, next };
}

describe.skipIf(skipReason !== undefined)(
  `mDNS inside network namespaces${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    const children: ChildProcess[] = [];
    const dirs: Array<{ remove(): Promise<void> }> = [];

    beforeAll(() => {
      ip('netns', 'add', ns.a);
      ip('netns', 'add', ns.b);
      ip('link', 'add', veth.a, 'type', 'veth', 'peer', 'name', veth.b);
      ip('link', 'set', veth.a, 'netns', ns.a);
      ip('link', 'set', veth.b, 'netns', ns.b);
      for (const [side, addr] of [
        ['a', '10.213.0.1/24'],
        ['b', '10.213.0.2/24'],
      ] as const) {
        ip('-n', ns[side], 'addr', 'add', addr, 'dev', veth[side]);
        ip('-n', ns[side], 'link', 'set', veth[side], 'up');
        ip('-n', ns[side], 'link', 'set', 'lo', 'up');
        ip('-n', ns[side], 'route', 'add', '224.0.0.0/4', 'dev', veth[side]);
      }
    });

    afterAll(async () => {
      for (const child of children) child.kill('SIGTERM');
      await Promise.all(
        children.map((c) =>
          c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined,
        ),
      );
      for (const name of [ns.a, ns.b]) {
        try {
          ip('netns', 'del', name); // removes the veth end inside it, and so the pair
        } catch {
          // already gone
        }
      }
      for (const d of dirs) await d.remove();
    }, 20_000);

    it('two nodes find each other by mDNS and exchange a claim', async () => {
      const dirA = await tempDir();
      const dirB = await tempDir();
      dirs.push(dirA, dirB);
      const receiver = run(ns.a, dirA.path, '/ip4/10.213.0.1/tcp/0', 'receiver');
      children.push(receiver.child);
      const a = await receiver.next((l) => l.event === 'started');
      const sender = run(ns.b, dirB.path, '/ip4/10.213.0.2/tcp/0', 'sender');
      children.push(sender.child);
      const b = await sender.next((l) => l.event === 'started');
      await receiver.next((l) => l.event === 'connected' && l.peerId === b.peerId);
      const got = await receiver.next((l) => l.event === 'received');
      expect(got).toEqual({ event: 'received', from: b.peerId, title: 'found by mDNS' });
      expect(a.peerId).not.toBe(b.peerId);
    }, 30_000);
  },
);
