import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Components, sequentialIds, silentLogger, systemClock } from '@chorale/core';
import { ChoraleError, encodeSlurpEvent } from '@chorale/protocol';
import { sampleSlurpEvent } from '@chorale/testing/sink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import plugin, { jsonlSink, SinkClosedError, SinkEncodeError, SinkWriteError } from './index.js';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'chorale-jsonl-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(folder, { recursive: true, force: true });
});

const lines = async (path: string) =>
  (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');

describe('jsonlSink', () => {
  it('resolves a relative path against baseDir and creates the parent folders', async () => {
    const sink = jsonlSink({ path: 'a/b/slurp.jsonl', baseDir: folder });
    expect(sink.path).toBe(join(folder, 'a/b/slurp.jsonl'));
    await sink.emit(sampleSlurpEvent(1));
    await sink.close();
    expect((await lines(sink.path)).map((l) => JSON.parse(l))).toEqual([
      encodeSlurpEvent(sampleSlurpEvent(1)),
    ]);
  });

  it('appends to an existing file instead of replacing it', async () => {
    const path = join(folder, 'slurp.jsonl');
    await writeFile(path, '{"earlier":true}\n');
    const sink = jsonlSink({ path });
    await sink.emit(sampleSlurpEvent(2));
    await sink.close();
    const again = jsonlSink({ path });
    await again.emit(sampleSlurpEvent(3));
    await again.close();
    const written = await lines(path);
    expect(written).toHaveLength(3);
    expect(JSON.parse(written[0]!)).toEqual({ earlier: true });
    expect(JSON.parse(written[2]!).session_id).toBe(sampleSlurpEvent(3).sessionId);
  });

  it('flushes each line to disk (datasync) before emit resolves', async () => {
    const path = join(folder, 'slurp.jsonl');
    const probe = await open(path, 'a');
    const datasync = vi.spyOn(Object.getPrototypeOf(probe), 'datasync');
    await probe.close();
    const sink = jsonlSink({ path });
    await sink.emit(sampleSlurpEvent(1));
    expect(datasync).toHaveBeenCalledTimes(1);
    await sink.emit(sampleSlurpEvent(2));
    expect(datasync).toHaveBeenCalledTimes(2);
    await sink.close();
  });

  it('writes concurrent emits in call order, one whole line each', async () => {
    const path = join(folder, 'slurp.jsonl');
    const sink = jsonlSink({ path });
    const big = 'x'.repeat(200_000);
    const events = Array.from({ length: 40 }, (_, i) =>
      sampleSlurpEvent(i, { projectPath: i % 2 === 0 ? big : `repo-${i}` }),
    );
    await Promise.all(events.map((e) => sink.emit(e)));
    await sink.close();
    const parsed = (await lines(path)).map((l) => JSON.parse(l));
    expect(parsed.map((p) => p.session_id)).toEqual(events.map((e) => e.sessionId));
  });

  it('refuses an event JSON cannot hold, without writing or blocking later events', async () => {
    const path = join(folder, 'slurp.jsonl');
    const sink = jsonlSink({ path });
    const bad = sampleSlurpEvent(1);
    bad.metadata.size = 10n;
    const error = await sink.emit(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkEncodeError);
    expect((error as ChoraleError).code).toBe('SINK_ENCODE');
    expect(String((error as Error).message)).toContain(bad.sessionId);
    await sink.emit(sampleSlurpEvent(2));
    await sink.close();
    expect(await lines(path)).toHaveLength(1);
  });

  it('reports a file it cannot open as a SinkWriteError, and keeps working for later events', async () => {
    const path = join(folder, 'slurp.jsonl');
    await mkdir(path); // a folder where the file should be
    const sink = jsonlSink({ path });
    const error = await sink.emit(sampleSlurpEvent(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkWriteError);
    expect(ChoraleError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(path);
    await expect(sink.emit(sampleSlurpEvent(2))).rejects.toBeInstanceOf(SinkWriteError);
    await rm(path, { recursive: true });
    await sink.emit(sampleSlurpEvent(3));
    await sink.close();
    expect((await lines(path)).map((l) => JSON.parse(l).session_id)).toEqual([
      sampleSlurpEvent(3).sessionId,
    ]);
  });

  it('rejects emit after close with SinkClosedError naming the file', async () => {
    const sink = jsonlSink({ path: join(folder, 'slurp.jsonl') });
    await sink.close();
    const error = await sink.emit(sampleSlurpEvent(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkClosedError);
    expect((error as ChoraleError).code).toBe('SINK_CLOSED');
    expect((error as Error).message).toContain('slurp.jsonl');
  });
});

describe('plugin definition', () => {
  const components = (): Components => ({
    clock: systemClock,
    ids: sequentialIds(),
    logger: silentLogger,
    dataDir: join(folder, '.chorale'),
    baseDir: folder,
  });

  it('is a v1 sink plugin writing <dataDir>/slurp.jsonl by default', async () => {
    expect(plugin.kind).toBe('sink');
    expect(plugin.specificationVersion).toBe('v1');
    const options = plugin.options.parse({});
    const sink = await plugin.create(options, components());
    await sink.emit(sampleSlurpEvent(1));
    await sink.close();
    expect(await lines(join(folder, '.chorale', 'slurp.jsonl'))).toHaveLength(1);
  });

  it('resolves a configured relative path from baseDir', async () => {
    const sink = await plugin.create(
      plugin.options.parse({ path: 'records/events.jsonl' }),
      components(),
    );
    await sink.emit(sampleSlurpEvent(1));
    await sink.close();
    expect(await lines(join(folder, 'records', 'events.jsonl'))).toHaveLength(1);
  });

  it('refuses unknown or empty options', () => {
    expect(plugin.options.safeParse({ pth: 'x' }).success).toBe(false);
    expect(plugin.options.safeParse({ path: '' }).success).toBe(false);
    expect(plugin.options.safeParse({ path: 3 }).success).toBe(false);
  });
});
