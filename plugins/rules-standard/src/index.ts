/**
 * @packageDocumentation
 *
 * The four dependency rules of CHORUS — API_Contract, Database_Schema,
 * Configuration_Dependency and Security_Compliance — as a Chorale rule pack, the default one.
 * They keep the reference's names, descriptions, keywords and reasons, but match words, not
 * substrings ("api" is not in "rapid", "auth" is not in "author"), ask that the two tasks share
 * a subject, grade their confidence by the evidence, and say which task goes first where they
 * can tell (an API definition before its implementation, a schema before its users).
 */
import { definePlugin, type RulePack, SPECIFICATION_VERSION } from '@chorale/core';
import { z } from 'zod';
import { apiContract } from './api-contract.js';
import { configurationDependency } from './configuration-dependency.js';
import { databaseSchema } from './database-schema.js';
import { securityCompliance } from './security-compliance.js';
import {
  MIN_SHARED_SUBJECT_OVERLAP,
  SHARED_SUBJECT_WORDS,
  sharedSubject,
  sharedSubjectThreshold,
} from './shared-subject.js';

export { type Overlap, subjectOverlap } from './overlap.js';
export { rareWordWeight, rarity, subjectGate } from './rarity.js';
export { titleCoverage, titleCoverageReaches } from './title-coverage.js';
export {
  apiContract,
  configurationDependency,
  databaseSchema,
  MIN_SHARED_SUBJECT_OVERLAP,
  SHARED_SUBJECT_WORDS,
  securityCompliance,
  sharedSubject,
  sharedSubjectThreshold,
};

/**
 * The rules, in the reference's order (which breaks ties between equally confident matches),
 * then Shared_Subject.
 */
export const STANDARD_RULES = [
  apiContract,
  databaseSchema,
  configurationDependency,
  securityCompliance,
  sharedSubject,
] as const;

export type StandardRuleName = (typeof STANDARD_RULES)[number]['name'];
const NAMES = STANDARD_RULES.map((r) => r.name) as [StandardRuleName, ...StandardRuleName[]];

export const standardRulesOptions = z
  .object({
    /** Rules to leave out, by name. */
    exclude: z.array(z.enum(NAMES)).optional(),
  })
  .strict();
export type StandardRulesOptions = z.infer<typeof standardRulesOptions>;

/** The standard rule pack (all four rules unless `exclude` names some). */
export function standardRules(options: StandardRulesOptions = {}): RulePack {
  const exclude = new Set<string>(options.exclude ?? []);
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: '@chorale/rules-standard',
    rules: STANDARD_RULES.filter((r) => !exclude.has(r.name)),
  };
}

export default definePlugin({
  kind: 'rules',
  name: '@chorale/rules-standard',
  specificationVersion: SPECIFICATION_VERSION,
  options: standardRulesOptions,
  create: (options) => standardRules(options),
});
