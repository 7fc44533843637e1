import { afterEach, describe, expect, it } from 'vitest';
import { addrOf, tempDir } from './__fixtures__/nodes.js';
import { Libp2pTransport } from './transport.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
}, 20_000);

/** Resolves when `t` has a connection to `peerId` (event-driven). */
function connectedTo(t: Libp2pTransport, peerId: string): Promise<void> {
  const node = t.libp2p;
  if (!node) throw new Error('not started');
  if (t.peers().includes(peerId)) return Promise.resolve();
  return new Promise((resolve) => {
    const onConnect = (event: CustomEvent<{ toString(): string }>) => {
      if (event.detail.toString() !== peerId) return;
      node.removeEventListener('peer:connect', onConnect);
      resolve();
    };
    node.addEventListener('peer:connect', onConnect);
  });
}

describe('bootstrap peers are kept connected', () => {
  it('dials a bootstrap peer that comes up late, and again after it restarts', async () => {
    const dirA = await tempDir();
    const dirB = await tempDir();
    cleanups.push(dirA.remove, dirB.remove);
    const make = (dir: string, listen: string, bootstrap: string[] = []) => {
      const t = new Libp2pTransport({
        options: { listen: [listen], mdns: false, bootstrap },
        components: { dataDir: dir, baseDir: dir },
        redial: { minDelayMs: 20, maxDelayMs: 200 },
      });
      cleanups.push(() => t.stop());
      return t;
    };

    // Learn A's address (and create its key), then take it down.
    const probe = make(dirA.path, '/ip4/127.0.0.1/tcp/0');
    await probe.start();
    const addrA = addrOf(probe);
    const idA = probe.peerId;
    const listenA = addrA.slice(0, addrA.indexOf('/p2p/'));
    await probe.stop();

    const b = make(dirB.path, '/ip4/127.0.0.1/tcp/0', [addrA]);
    await b.start();
    expect(b.peers()).not.toContain(idA);
    const first = connectedTo(b, idA);

    const a1 = make(dirA.path, listenA);
    await a1.start();
    expect(a1.peerId).toBe(idA);
    await first;

    // A goes away and comes back: B dials it again by itself.
    const disconnected = new Promise<void>((resolve) => {
      b.libp2p?.addEventListener('peer:disconnect', (e) => {
        if (e.detail.toString() === idA) resolve();
      });
    });
    await a1.stop();
    await disconnected;
    expect(b.peers()).not.toContain(idA);
    const again = connectedTo(b, idA);
    const a2 = make(dirA.path, listenA);
    await a2.start();
    await again;
    expect(b.peers()).toContain(idA);
  }, 20_000);
});
