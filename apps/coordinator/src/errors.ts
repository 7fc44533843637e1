import { ChoraleError } from '@chorale/protocol';

/** A mistake in how the CLI was called (a missing file, a bad argument). Exit code 2. */
export class UsageError extends ChoraleError {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}

/** A task file that cannot be read or has a bad line. */
export class TaskFileError extends ChoraleError {
  constructor(message: string) {
    super('TASK_FILE', message);
    this.name = 'TaskFileError';
  }
}

/** An agent command found no coordinator subscribed to the topic it publishes on. */
export class NoCoordinatorError extends ChoraleError {
  constructor(topic: string, wait: string) {
    super('NO_COORDINATOR', `no coordinator on ${topic} within ${wait}`, { isRetryable: true });
    this.name = 'NoCoordinatorError';
  }
}

/** The demo ran, but a SLURP sink could not write some of its events. */
export class SinkFailedError extends ChoraleError {
  constructor(failures: readonly string[]) {
    super(
      'SINK_FAILED',
      `${failures.length} SLURP event write(s) failed, the first: ${failures[0] ?? 'unknown'}`,
    );
    this.name = 'SinkFailedError';
  }
}
