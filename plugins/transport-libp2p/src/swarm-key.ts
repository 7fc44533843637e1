import { readFile, writeFile } from 'node:fs/promises';
import { SwarmKeyError } from './errors.js';

const HEADER = '/key/swarm/psk/1.0.0/';
const ENCODING = '/base16/';

/** A new pre-shared key in the libp2p (and go-libp2p, kubo) `swarm.key` format. */
export function generateSwarmKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `${HEADER}\n${ENCODING}\n${Buffer.from(bytes).toString('hex')}\n`;
}

/** Writes a new swarm key to `path` (mode 0600) and returns its text. */
export async function writeSwarmKey(path: string): Promise<string> {
  const key = generateSwarmKey();
  await writeFile(path, key, { mode: 0o600, flag: 'wx' });
  return key;
}

/** Reads and checks a swarm key file; returns its bytes as `@libp2p/pnet` expects them. */
export async function readSwarmKey(path: string): Promise<Uint8Array> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SwarmKeyError(path, (error as Error).message, { cause: error });
  }
  const [header, encoding, hex] = text.split(/\r\n|\r|\n/);
  if (header !== HEADER) throw new SwarmKeyError(path, `the first line is not "${HEADER}"`);
  if (encoding !== ENCODING) throw new SwarmKeyError(path, `the second line is not "${ENCODING}"`);
  if (!/^[0-9a-fA-F]{64}$/.test(hex ?? ''))
    throw new SwarmKeyError(path, 'the third line is not 64 hex digits');
  return new TextEncoder().encode(`${HEADER}\n${ENCODING}\n${hex}`);
}
