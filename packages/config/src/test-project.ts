import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * A fresh project folder for each test (its package.json is the project's root, where the
 * config search stops), removed afterwards. Test support, not part of the package.
 */
export function useTempProject(prefix: string): {
  root(): string;
  write(relative: string, content: string): Promise<string>;
} {
  let root = '';
  const write = async (relative: string, content: string) => {
    const path = join(root, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    return path;
  };
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
    await write('package.json', JSON.stringify({ name: 'project', type: 'module' }));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  return { root: () => root, write };
}
