import { ChoraleError } from '@chorale/protocol';

/** An option of the term index or the text cache that cannot work (e.g. `maxCandidates: 0`). */
export class InvalidIndexOptionError extends ChoraleError {
  readonly option: string;

  constructor(option: string, value: unknown) {
    super('INVALID_INDEX_OPTION', `${option} must be a positive integer, got ${String(value)}`);
    this.name = 'InvalidIndexOptionError';
    this.option = option;
  }
}

export function positiveInteger(value: number, option: string): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidIndexOptionError(option, value);
  return value;
}
