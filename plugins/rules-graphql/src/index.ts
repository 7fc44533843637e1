/**
 * @packageDocumentation
 *
 * An example of a team's own rule pack: the two custom rules of the CHORUS documentation,
 * GraphQL_Schema (a schema and its resolvers) and Microservice_Interface (a producer and its
 * consumers), written against the `RulePack` contract of `@chorale/core` and nothing else.
 * Copy it to start your own.
 */
import { definePlugin, type RulePack, SPECIFICATION_VERSION } from '@chorale/core';
import { z } from 'zod';
import { graphqlSchema, microserviceInterface } from './rules.js';

export { graphqlSchema, microserviceInterface };

/** The pack: both rules. */
export function graphqlRules(): RulePack {
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: '@chorale/rules-graphql',
    rules: [graphqlSchema, microserviceInterface],
  };
}

export default definePlugin({
  kind: 'rules',
  name: '@chorale/rules-graphql',
  specificationVersion: SPECIFICATION_VERSION,
  options: z.object({}).strict(),
  create: () => graphqlRules(),
});
