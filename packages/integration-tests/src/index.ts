/**
 * @packageDocumentation
 *
 * Chorale's multi-process tests: real `chorale start` nodes, CLI agents (`chorale agent claim`,
 * `chorale agent reply`) and plain gossipsub peers built from upstream libraries only, all on
 * 127.0.0.1. Nothing here is published; the helpers (spawnChorale/startNode, waitForLine,
 * plainPeer, waitForRoute) exist for this package's own tests.
 */
export { COORDINATION_TOPIC, META_TOPIC, waitForRoute } from './mesh-probe.js';
export { type PlainMessage, type PlainPeer, plainPeer } from './plain-peer.js';
export {
  CHORALE_BIN,
  type ChoraleNode,
  type ChoraleProcess,
  type Exit,
  type NodeConfig,
  spawnChorale,
  startNode,
  stopAll,
} from './spawn-chorale.js';
export {
  json,
  jsonLine,
  type LineMatch,
  Lines,
  readJsonLines,
  type WaitOptions,
  waitForFileLine,
  waitForLine,
} from './wait-for-line.js';
