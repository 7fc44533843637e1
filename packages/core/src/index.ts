/**
 * @packageDocumentation
 *
 * The core of Chorale: the domain model (re-exported from `@chorale/protocol`), the plugin
 * contracts (Transport, Planner, RulePack, SlurpSink, SessionStore) with their specification
 * version, the MetaCoordinator session engine and its policies (planner chain with plan cache
 * and token budget, secret redaction), and the embedded defaults: an in-memory bus and an
 * in-memory session store. No network, no LLM, no file system.
 */
export * from '@chorale/protocol';
export * from './contracts/components.js';
export * from './contracts/planner.js';
export * from './contracts/plugin.js';
export * from './contracts/rules.js';
export * from './contracts/sink.js';
export * from './contracts/store.js';
export * from './contracts/transport.js';
export * from './contracts/version.js';
export * from './coordinator/errors.js';
export * from './coordinator/events.js';
export * from './coordinator/meta-coordinator.js';
export * from './coordinator/options.js';
export * from './coordinator/plan-cache.js';
export * from './coordinator/planner-chain.js';
export * from './coordinator/redact-message.js';
export * from './coordinator/token-budget.js';
export * from './memory/memory-store.js';
export * from './memory/memory-transport.js';
export * from './prompt/index.js';
export * from './redaction/redact.js';
export * from './session/classify.js';
export * from './session/consensus.js';
export * from './session/events.js';
export * from './session/slurp.js';
export * from './session/state.js';
