import { testRulePack } from '@chorale/testing/rules';
import { graphqlRules } from './index.js';

testRulePack(() => graphqlRules(), {
  examples: [
    {
      a: 'Add Order type to the GraphQL schema',
      b: 'Implement order resolvers',
      relationship: 'GraphQL_Schema',
      first: 'a',
    },
    {
      a: 'Orders service: Kafka producer for order events',
      b: 'Billing: consumer for order events',
      relationship: 'Microservice_Interface',
      first: 'a',
    },
  ],
  counterExamples: [
    // substrings are not words: "schematic" is not "schema", "resolvers" needs the word
    { a: 'Update the schematic drawings', b: 'Fix DNS resolver timeouts' },
    { a: 'Reduce CPU consumption', b: 'Reproduce the crash' },
  ],
});
