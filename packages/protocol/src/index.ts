/**
 * @packageDocumentation
 *
 * The wire format of Chorale, compatible with CHORUS agents: the JSON envelope
 * `{type, from, timestamp, data, hop_count}`, the task claim and the eight HMMM
 * meta-discussion message types, the default topic names, and the parsers that validate
 * everything that arrives from outside. Parsing never throws: it returns the typed message
 * or a `ProtocolError` with the reason.
 */
export * from './errors.js';
export * from './model.js';
export { formatRfc3339, parseRfc3339 } from './time.js';
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  type DecodeOptions,
  decodeEnvelope,
  decodeEnvelopeValue,
  encodeCoordinationMessage,
  encodeDependency,
  encodeEnvelope,
  encodeMessage,
  encodeParticipant,
  encodeProvenance,
  encodeSections,
  encodeSlurpEvent,
  encodeTaskContext,
  envelopeToJson,
  parseJson,
  parseMessage,
  parseTaskContext,
} from './wire.js';
