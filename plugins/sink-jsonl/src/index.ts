/**
 * @packageDocumentation
 *
 * A SLURP sink that appends every closed session's decision record to a JSON Lines file, one
 * event per line, as the snake_case JSON CHORUS's SLURP integrator receives. `emit` resolves
 * once the line is flushed to disk; concurrent emits never interleave; parent folders are
 * created. The default sink of Chorale, writing `<dataDir>/slurp.jsonl`.
 */
import { join } from 'node:path';
import { definePlugin, SPECIFICATION_VERSION } from '@chorale/core';
import { z } from 'zod';
import { jsonlSink } from './jsonl-sink.js';

export {
  type JsonlSink,
  type JsonlSinkOptions,
  jsonlSink,
  SinkClosedError,
  SinkEncodeError,
  SinkWriteError,
} from './jsonl-sink.js';

export const jsonlSinkOptions = z.strictObject({
  /** The file to append to, relative to the config file's folder. Default `<dataDir>/slurp.jsonl`. */
  path: z.string().min(1).optional(),
});

export default definePlugin({
  kind: 'sink',
  name: '@chorale/sink-jsonl',
  specificationVersion: SPECIFICATION_VERSION,
  options: jsonlSinkOptions,
  create: (options, components) =>
    jsonlSink({
      path: options.path ?? join(components.dataDir, 'slurp.jsonl'),
      baseDir: components.baseDir,
    }),
});
