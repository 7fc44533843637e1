/**
 * @packageDocumentation
 *
 * The template planner: a deterministic, offline coordination planner. It writes the
 * reference's five-section plan (SEQUENCE, INFORMATION SHARING, COORDINATION POINTS,
 * POTENTIAL CONFLICTS, SUCCESS CRITERIA) for the relationship type (API_Contract,
 * Database_Schema, Configuration_Dependency, Security_Compliance, Cross_Reference, and a
 * generic text for a team's own rules) and the session type (dependency, conflict, planning),
 * naming the tasks and agents. Same request, same plan; it never fails, so it is the default
 * planner and always the last one of the planner chain.
 */
import { definePlugin, SPECIFICATION_VERSION } from '@chorale/core';
import { z } from 'zod';
import { templatePlanner } from './template-planner.js';

export { humanize, PROFILES, type RelationshipProfile } from './profiles.js';
export { type TemplatePlannerOptions, templatePlanner, writePlan } from './template-planner.js';

export const templatePlannerOptions = z.strictObject({
  name: z.string().min(1).optional(),
});

export default definePlugin({
  kind: 'planner',
  name: '@chorale/planner-template',
  specificationVersion: SPECIFICATION_VERSION,
  options: templatePlannerOptions,
  create: (options) => templatePlanner(options),
});
