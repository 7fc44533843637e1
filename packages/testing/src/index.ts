/**
 * @packageDocumentation
 *
 * Test support for Chorale and its plugins. The conformance suites, one per plugin kind,
 * are separate entries (`@chorale/testing/transport`, `/planner`, `/rules`, `/sink`,
 * `/store`): each is `(setup) => void` and registers vitest tests, so a team writing its own
 * plugin runs the same suite as the built-in ones. This entry holds the fakes.
 * `@chorale/testing/fake-anthropic` and `/fake-ollama` are fake LLM provider servers.
 */
export { flush, ManualClock } from './manual-clock.js';
