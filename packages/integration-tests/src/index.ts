/**
 * @packageDocumentation
 *
 * Chorale's multi-process tests: real `chorale start` nodes, CLI agents and plain upstream
 * gossipsub peers on 127.0.0.1. Nothing here is published; the helpers in this package
 * (spawnChorale, waitForLine, plainPeer) exist for its own tests.
 */
export {};
