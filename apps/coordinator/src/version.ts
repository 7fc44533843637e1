import { createRequire } from 'node:module';

/** The version of the coordinator package (what `chorale --version` and `/api/node` say). */
export const VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
