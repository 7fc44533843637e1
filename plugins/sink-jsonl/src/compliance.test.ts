import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testSink } from '@chorale/testing/sink';
import { afterAll } from 'vitest';
import { jsonlSink } from './index.js';

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((f) => rm(f, { recursive: true, force: true })));
});

testSink(async () => {
  const folder = await mkdtemp(join(tmpdir(), 'chorale-sink-'));
  folders.push(folder);
  const path = join(folder, 'nested', 'slurp.jsonl');
  return {
    sink: jsonlSink({ path }),
    read: async () => {
      const text = await readFile(path, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as unknown);
    },
  };
});
