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
