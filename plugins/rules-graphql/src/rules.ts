import type { DependencyRule, RuleMatch, TaskText } from '@chorale/core';

/** The first of `words` the text has, as a word (never a substring). */
const any = (t: TaskText, words: string[]): boolean => t.find(words) !== undefined;

const SCHEMA = ['schema', 'schemas', 'sdl', 'typedefs'];
const RESOLVER = ['resolver', 'resolvers'];

/**
 * A GraphQL schema change and a resolver change, in two repositories, must land together: one
 * task names the schema and the other a resolver. More sure when the tasks say "graphql".
 * The schema goes first.
 */
export const graphqlSchema: DependencyRule = {
  name: 'GraphQL_Schema',
  description: 'GraphQL schema and resolver dependencies',
  keywords: ['graphql', 'schema', 'resolver', 'query', 'mutation'],
  validate(a, b): RuleMatch | null {
    const schemaA = any(a, SCHEMA);
    const schemaB = any(b, SCHEMA);
    const resolverA = any(a, RESOLVER);
    const resolverB = any(b, RESOLVER);
    if (!(schemaA && resolverB) && !(schemaB && resolverA)) return null;
    const graphql = a.has('graphql') || b.has('graphql');
    const match: RuleMatch = {
      reason: 'GraphQL schema and resolver must be coordinated',
      confidence: graphql ? 0.8 : 0.6,
    };
    // the schema first, when only one side has it
    if (schemaA && !schemaB) match.first = 'a';
    else if (schemaB && !schemaA) match.first = 'b';
    return match;
  },
};

const PRODUCER = ['producer', 'producers', 'produce', 'produces', 'publisher', 'publishers'];
const CONSUMER = ['consumer', 'consumers', 'consume', 'consumes', 'subscriber', 'subscribers'];

/**
 * A microservice that produces messages (or an API) and one that consumes them must agree on
 * the interface: one task is on the producer side, the other on the consumer side. The
 * producer goes first.
 */
export const microserviceInterface: DependencyRule = {
  name: 'Microservice_Interface',
  description: 'Microservice interface and consumer dependencies',
  keywords: ['microservice', 'interface', 'consumer', 'producer'],
  validate(a, b): RuleMatch | null {
    const producerA = any(a, PRODUCER);
    const producerB = any(b, PRODUCER);
    const consumerA = any(a, CONSUMER);
    const consumerB = any(b, CONSUMER);
    if (!(producerA && consumerB) && !(producerB && consumerA)) return null;
    const match: RuleMatch = {
      reason: 'Microservice producer and consumer must coordinate',
      confidence:
        any(a, ['microservice', 'microservices']) || any(b, ['microservice', 'microservices'])
          ? 0.75
          : 0.65,
    };
    if (producerA && !consumerA && !producerB) match.first = 'a';
    else if (producerB && !consumerB && !producerA) match.first = 'b';
    return match;
  },
};
