import type { SlurpEvent } from '@chorale/protocol';
import type { SpecificationVersion } from './version.js';

/** Receives the decision record of every closed session. */
export interface SlurpSink {
  readonly specificationVersion: SpecificationVersion;
  readonly name: string;
  /** Resolves once the event is durable (written and flushed, acknowledged...). */
  emit(event: SlurpEvent): Promise<void>;
  close(): Promise<void>;
}
