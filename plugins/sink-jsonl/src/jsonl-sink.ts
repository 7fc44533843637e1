import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type SlurpSink, SPECIFICATION_VERSION } from '@chorale/core';
import { ChoraleError, encodeSlurpEvent, type SlurpEvent } from '@chorale/protocol';

export interface JsonlSinkOptions {
  /** The file to append to. Relative paths are resolved against `baseDir`. */
  path: string;
  /** Folder a relative `path` is resolved from. Default: the current directory. */
  baseDir?: string;
}

/** `emit` was called after `close`. */
export class SinkClosedError extends ChoraleError {
  constructor(path: string) {
    super('SINK_CLOSED', `SLURP sink for ${path} is closed: the event was not written`);
    this.name = 'SinkClosedError';
  }
}

/** An event could not be turned into JSON (a value JSON cannot hold in its metadata). */
export class SinkEncodeError extends ChoraleError {
  constructor(sessionId: unknown, cause: unknown) {
    super(
      'SINK_ENCODE',
      `SLURP event of session ${String(sessionId)} cannot be written as JSON: ${messageOf(cause)}`,
      {
        cause,
      },
    );
    this.name = 'SinkEncodeError';
  }
}

/** The file could not be opened, written or flushed. */
export class SinkWriteError extends ChoraleError {
  constructor(path: string, cause: unknown) {
    super('SINK_WRITE', `cannot write SLURP event to ${path}: ${messageOf(cause)}`, {
      cause,
      isRetryable: true,
    });
    this.name = 'SinkWriteError';
  }
}

export interface JsonlSink extends SlurpSink {
  /** The absolute path of the file. */
  readonly path: string;
}

/**
 * A SLURP sink that appends one event per line to a JSON Lines file: the snake_case JSON of
 * `encodeSlurpEvent`, what CHORUS's SLURP integrator receives. `emit` resolves once the line is
 * written and flushed to disk (fdatasync). Emits are written one at a time, in call order, each
 * line with a single append, so concurrent emits never interleave. The file and its parent
 * folders are created on the first emit.
 */
export function jsonlSink(options: JsonlSinkOptions): JsonlSink {
  const path = resolve(options.baseDir ?? process.cwd(), options.path);
  let handle: FileHandle | undefined;
  /** The tail of the write queue: each emit waits for the previous one. */
  let queue: Promise<void> = Promise.resolve();
  let closed = false;
  let closing: Promise<void> | undefined;
  /** A write failed half way: start the next line on a fresh line. */
  let dirty = false;

  async function ensureOpen(): Promise<FileHandle> {
    if (handle) return handle;
    await mkdir(dirname(path), { recursive: true });
    handle = await open(path, 'a');
    if ((await handle.stat()).size === 0) await syncFolder(dirname(path));
    return handle;
  }

  async function write(line: string): Promise<void> {
    try {
      const file = await ensureOpen();
      const bytes = Buffer.from(dirty ? `\n${line}` : line, 'utf8');
      let offset = 0;
      dirty = false;
      while (offset < bytes.length) {
        dirty = offset > 0;
        const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset);
        offset += bytesWritten;
      }
      dirty = false;
      await file.datasync();
    } catch (error) {
      throw new SinkWriteError(path, error);
    }
  }

  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: 'jsonl',
    path,

    emit(event: SlurpEvent): Promise<void> {
      if (closed) return Promise.reject(new SinkClosedError(path));
      let line: string;
      try {
        line = `${JSON.stringify(encodeSlurpEvent(event))}\n`;
      } catch (error) {
        return Promise.reject(
          new SinkEncodeError((event as Partial<SlurpEvent> | undefined)?.sessionId, error),
        );
      }
      const written = queue.then(() => write(line));
      queue = written.catch(() => {});
      return written;
    },

    close(): Promise<void> {
      closed = true;
      closing ??= queue.then(async () => {
        const file = handle;
        handle = undefined;
        await file?.close();
      });
      return closing;
    },
  };
}

/** Makes a new file's folder entry durable too. Best effort: not every platform can open a folder. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const dir = await open(folder, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // The line itself is flushed; only the folder entry of a brand-new file is at stake.
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
