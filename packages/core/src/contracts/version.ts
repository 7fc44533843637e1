import { ChoraleError } from '@chorale/protocol';

/** The plugin contract version this core speaks. A plugin declares the one it was written for. */
export const SPECIFICATION_VERSION = 'v1' as const;
export type SpecificationVersion = typeof SPECIFICATION_VERSION;

export class UnsupportedSpecificationError extends ChoraleError {
  constructor(kind: string, name: string, version: unknown) {
    super(
      'UNSUPPORTED_SPECIFICATION',
      `${kind} "${name}" implements contract ${JSON.stringify(version)}, but this Chorale speaks "${SPECIFICATION_VERSION}"`,
    );
    this.name = 'UnsupportedSpecificationError';
  }
}

/** Refuses, with a typed error, a plugin written for a contract version this core does not know. */
export function assertSpecification(
  kind: string,
  value: { specificationVersion?: unknown; name?: unknown },
): void {
  if (value.specificationVersion !== SPECIFICATION_VERSION) {
    throw new UnsupportedSpecificationError(
      kind,
      String(value.name ?? 'unnamed'),
      value.specificationVersion,
    );
  }
}
