import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '@chorale/core';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { PeerKeyError } from './errors.js';

/**
 * Loads the node's private key from `path`, or creates an Ed25519 key there (mode 0600) on
 * first start, so the peer id survives restarts. The file holds the libp2p protobuf encoding
 * of the key, as go-libp2p and kubo write it.
 */
export async function loadOrCreatePeerKey(path: string, logger?: Logger): Promise<PrivateKey> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new PeerKeyError(path, (error as Error).message, { cause: error });
    }
  }
  if (bytes !== undefined) {
    if (bytes.byteLength === 0) throw new PeerKeyError(path, 'the file is empty');
    let key: PrivateKey;
    try {
      key = privateKeyFromProtobuf(bytes);
    } catch (error) {
      throw new PeerKeyError(path, `not a libp2p private key (${(error as Error).message})`, {
        cause: error,
      });
    }
    const mode = (await stat(path)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      logger?.warn(
        { path, mode: mode.toString(8) },
        'peer key file is readable by other users; chmod 600 it',
      );
    }
    return key;
  }
  const key = await generateKeyPair('Ed25519');
  await mkdir(dirname(path), { recursive: true });
  try {
    // `wx`: never overwrite a key another process created meanwhile.
    await writeFile(path, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return loadOrCreatePeerKey(path, logger);
    throw new PeerKeyError(path, (error as Error).message, { cause: error });
  }
  await chmod(path, 0o600);
  logger?.info({ path }, 'created a new peer key');
  return key;
}
