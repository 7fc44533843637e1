/**
 * @packageDocumentation
 *
 * The Anthropic planner: asks Claude (Messages API, `@anthropic-ai/sdk`) for each session's
 * coordination plan. The prompt is the reference's (role, both tasks, repositories, agents,
 * relationship and reason, the five things the plan must address) with the detector's evidence
 * and suggested order; the model answers by calling a `submit_plan` tool with the five
 * sections, so the plan carries its sections, the model, token usage and latency. It honours
 * the coordinator's deadline, retries 429/5xx/529 answers with backoff within it and never
 * retries other errors. A missing API key is a configuration error at start.
 */
import { definePlugin, SPECIFICATION_VERSION } from '@chorale/core';
import { z } from 'zod';
import { anthropicPlanner } from './anthropic-planner.js';

export {
  type AnthropicPlannerOptions,
  anthropicPlanner,
  DEFAULT_ANTHROPIC_MODEL,
  PLAN_TOOL_NAME,
} from './anthropic-planner.js';
export {
  AnthropicApiError,
  AnthropicConnectionError,
  AnthropicResponseError,
  MissingApiKeyError,
} from './errors.js';

export const anthropicPlannerOptions = z
  .strictObject({
    name: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    maxTokens: z.int().min(1).max(64_000).optional(),
    temperature: z.number().min(0).max(1).optional(),
    baseURL: z.url({ protocol: /^https?$/ }).optional(),
    apiKey: z.string().min(1).optional(),
    maxRetries: z.int().min(0).max(10).optional(),
    retryDelayMs: z.int().min(0).optional(),
    maxRetryDelayMs: z.int().min(0).optional(),
  })
  .refine((options) => options.apiKey !== undefined || Boolean(process.env.ANTHROPIC_API_KEY), {
    path: ['apiKey'],
    message: 'no API key: set ANTHROPIC_API_KEY in the environment, or the apiKey option',
  });

export default definePlugin({
  kind: 'planner',
  name: '@chorale/planner-anthropic',
  specificationVersion: SPECIFICATION_VERSION,
  options: anthropicPlannerOptions,
  create: (options, components) =>
    anthropicPlanner({ ...options, clock: components.clock, logger: components.logger }),
});
