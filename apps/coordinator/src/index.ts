/**
 * @packageDocumentation
 *
 * The `chorale` CLI and coordinator daemon. It composes the configured plugins (transport,
 * rules, planners, sinks, store) around the MetaCoordinator: `chorale start` runs a node on the
 * mesh, `chorale demo` runs simulated agents through sessions in one process, and `rules test`,
 * `detect`, `config check` and `agent claim|reply` help to try and script Chorale. `chorale start`
 * also serves the HTTP API, the dashboard, Prometheus metrics and health endpoints, which
 * `chorale sessions` and `chorale tasks` talk to.
 */
export { createProgram, main } from './cli.js';
export { type ChoraleNode, createNode } from './compose.js';
export { type DemoResult, runDemo } from './demo/run-demo.js';
export { AGREE, DEFAULT_SCENARIO, type DemoStep, type Line } from './demo/scenario.js';
export { ApiClient, ApiRequestError, NodeUnreachableError } from './http/client.js';
export { ApiError, HttpConfigError } from './http/errors.js';
export type * from './http/schemas.js';
export {
  type HttpNode,
  type HttpServer,
  type HttpServerOptions,
  startHttpServer,
} from './http/server.js';
