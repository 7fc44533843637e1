import type { Logger } from '@chorale/core';
import { pino } from 'pino';

/** pino, writing JSON lines to stderr so stdout stays for results. */
export function createLogger(level: string): Logger {
  return pino({ name: 'chorale', level }, pino.destination({ dest: 2, sync: true }));
}
