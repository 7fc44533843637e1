import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChoraleError } from '@chorale/protocol';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { afterEach, describe, expect, it } from 'vitest';
import { choraleNode, tempDir } from './__fixtures__/nodes.js';
import { PeerKeyError } from './errors.js';
import { loadOrCreatePeerKey } from './identity.js';
import { Libp2pTransport } from './transport.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function dir(): Promise<string> {
  const d = await tempDir();
  cleanups.push(d.remove);
  return d.path;
}

describe('peer identity', () => {
  it('creates an Ed25519 key on first start (mode 0600) and keeps the peer id across restarts', async () => {
    const data = await dir();
    const first = choraleNode(data);
    await first.start();
    const id = first.peerId;
    await first.stop();
    expect(id).toMatch(/^12D3Koo/); // Ed25519 peer ids start this way
    const file = join(data, 'peer.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const bytes = await readFile(file);

    const second = choraleNode(data);
    await second.start();
    expect(second.peerId).toBe(id);
    await second.stop();
    expect(await readFile(file)).toEqual(bytes);

    // The same instance can start again after a stop, with the same identity.
    await second.start();
    expect(second.peerId).toBe(id);
    await second.stop();
    expect(second.peerId).toBe('');
  }, 20_000);

  it('resolves a relative peerKeyFile against the config folder', async () => {
    const base = await dir();
    const node = new Libp2pTransport({
      options: { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, peerKeyFile: 'keys/node.key' },
      components: { dataDir: await dir(), baseDir: base },
    });
    await node.start();
    const key = await loadOrCreatePeerKey(join(base, 'keys/node.key'));
    expect(node.peerId).toBe(peerIdFromPrivateKey(key).toString());
    await node.stop();
  }, 20_000);

  it('refuses a corrupt key file with a clear error, and leaves the file alone', async () => {
    const data = await dir();
    const file = join(data, 'peer.key');
    await writeFile(file, 'definitely not a protobuf key', { mode: 0o600 });
    const node = choraleNode(data);
    const error = await node.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PeerKeyError);
    expect(ChoraleError.isInstance(error)).toBe(true);
    expect((error as PeerKeyError).code).toBe('TRANSPORT_PEER_KEY_INVALID');
    expect((error as Error).message).toContain(file);
    expect(await readFile(file, 'utf8')).toBe('definitely not a protobuf key');
    expect(node.peerId).toBe('');
    await node.stop();
  });

  it('refuses an empty key file', async () => {
    const data = await dir();
    await writeFile(join(data, 'peer.key'), '');
    await expect(loadOrCreatePeerKey(join(data, 'peer.key'))).rejects.toThrow(/empty/);
  });
});
