import { testRulePack } from '@chorale/testing/rules';
import { standardRules } from './index.js';

testRulePack(() => standardRules(), {
  examples: [
    {
      a: 'Define user authentication API',
      b: 'Implement authentication endpoint',
      relationship: 'API_Contract',
      first: 'a',
    },
    {
      a: 'Add user preferences table',
      b: 'Update user service for preferences',
      relationship: 'Database_Schema',
      first: 'a',
    },
    {
      a: 'Add feature flag for new UI',
      b: 'Implement feature flag checks in backend',
      relationship: 'Configuration_Dependency',
      first: 'a',
    },
    {
      a: 'Implement JWT token refresh',
      b: 'Update authentication middleware',
      relationship: 'Security_Compliance',
    },
    {
      a: 'Add a new AddLink() operation to Span',
      b: 'trace: add Span.AddLink method',
      relationship: 'Shared_Subject',
    },
  ],
  counterExamples: [
    { a: 'Rapid prototyping of the dashboard', b: 'Implement dashboard charts' },
    { a: 'Fix author list in the changelog', b: 'Update author avatars in the changelog' },
    { a: 'Make the user service stable', b: 'Update user service for preferences' },
  ],
});
