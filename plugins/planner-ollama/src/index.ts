/**
 * @packageDocumentation
 *
 * The Ollama planner: asks a local model (default `phi3`, as the reference) through Ollama's
 * chat API for each session's coordination plan. Same prompt as the other LLM planners (the
 * reference's, with the detector's evidence and suggested order); the plan's JSON schema is
 * the request's `format`, so the answer is the five sections as JSON. The plan carries its
 * sections, the model, token counts and latency. It honours the coordinator's deadline: an
 * abort cancels that call's HTTP request, and only that one.
 */
import { definePlugin, SPECIFICATION_VERSION } from '@chorale/core';
import { z } from 'zod';
import { ollamaPlanner } from './ollama-planner.js';

export { OllamaApiError, OllamaConnectionError, OllamaResponseError } from './errors.js';
export {
  DEFAULT_OLLAMA_HOST,
  DEFAULT_OLLAMA_MODEL,
  type OllamaPlannerOptions,
  ollamaPlanner,
} from './ollama-planner.js';

export const ollamaPlannerOptions = z.strictObject({
  name: z.string().min(1).optional(),
  host: z.url({ protocol: /^https?$/ }).optional(),
  model: z.string().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  keepAlive: z.union([z.string().min(1), z.number()]).optional(),
  maxRetries: z.int().min(0).max(10).optional(),
  retryDelayMs: z.int().min(0).optional(),
  maxRetryDelayMs: z.int().min(0).optional(),
});

export default definePlugin({
  kind: 'planner',
  name: '@chorale/planner-ollama',
  specificationVersion: SPECIFICATION_VERSION,
  options: ollamaPlannerOptions,
  create: (options, components) =>
    ollamaPlanner({ ...options, clock: components.clock, logger: components.logger }),
});
