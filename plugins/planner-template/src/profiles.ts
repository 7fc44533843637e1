/**
 * What the template planner says for each kind of relationship. A profile names the role of
 * the task that goes first and of the one that follows, what each side shares, where they meet,
 * what to watch for and when the work is done.
 */
export interface RelationshipProfile {
  /** Role of the task that goes first, e.g. "API definition". */
  firstRole: string;
  /** Role of the task that follows, e.g. "implementation". */
  secondRole: string;
  /** What the second task waits for, e.g. "the finalized API contract". */
  awaits: string;
  /** Words that mark the task that goes first (matched as whole words or stems). */
  firstWords: readonly string[];
  /** Words that mark the task that follows. */
  secondWords: readonly string[];
  firstShares: string;
  secondShares: string;
  coordinationPoints: readonly string[];
  potentialConflicts: readonly string[];
  successCriteria: readonly string[];
}

const API_CONTRACT: RelationshipProfile = {
  firstRole: 'API definition',
  secondRole: 'implementation',
  awaits: 'the finalized API contract',
  firstWords: ['define', 'design', 'spec', 'specification', 'openapi', 'contract', 'api', 'schema'],
  secondWords: ['implement', 'consume', 'integrate', 'client', 'call', 'use'],
  firstShares: 'API specification document, endpoint definitions, request and response examples',
  secondShares: 'implementation plan, integration tests',
  coordinationPoints: [
    'Review the API spec before implementation begins',
    'Sync on implementation progress at every milestone',
    'Joint testing before completion',
  ],
  potentialConflicts: [
    'API spec changes during implementation',
    'Performance requirements not captured in the spec',
    'Authentication/authorization approach',
  ],
  successCriteria: [
    'API spec reviewed and agreed by both agents',
    'Implementation matches the spec',
    'Integration tests pass',
    'Documentation complete',
  ],
};

const DATABASE_SCHEMA: RelationshipProfile = {
  firstRole: 'schema change',
  secondRole: 'dependent service update',
  awaits: 'the reviewed migration',
  firstWords: ['table', 'schema', 'migration', 'migrate', 'column', 'index', 'database'],
  secondWords: ['service', 'update', 'query', 'queries', 'model', 'use', 'read'],
  firstShares: 'migration script, table and column definitions, rollout plan',
  secondShares: 'queries and models that read or write the changed tables, deployment timing',
  coordinationPoints: [
    'Review the migration before it is applied',
    'Agree on a backward-compatible rollout (expand, migrate, contract)',
    'Test the service against the migrated schema in a staging environment',
  ],
  potentialConflicts: [
    'Breaking renames or type changes of columns',
    'Migration order between environments',
    'Data backfill and locking on large tables',
  ],
  successCriteria: [
    'Migration applied and reversible',
    'Service works with the old and the new schema during the rollout',
    'No data lost or corrupted',
    'Schema documentation updated',
  ],
};

const CONFIGURATION_DEPENDENCY: RelationshipProfile = {
  firstRole: 'configuration change',
  secondRole: 'dependent component',
  awaits: 'the agreed setting names and defaults',
  firstWords: [
    'add',
    'config',
    'configuration',
    'flag',
    'setting',
    'settings',
    'environment',
    'parameter',
  ],
  secondWords: ['implement', 'check', 'checks', 'read', 'use', 'consume', 'support'],
  firstShares: 'setting and flag names, default values, the environments where they apply',
  secondShares: 'code paths that read the settings, expected behaviour for each value',
  coordinationPoints: [
    'Agree on names and defaults before either side merges',
    'Roll out the setting before the code that reads it',
    'Verify the behaviour in every environment',
  ],
  potentialConflicts: [
    'Names or defaults that differ between the components',
    'A value missing in one environment',
    'Stale flags left behind after the rollout',
  ],
  successCriteria: [
    'Setting defined in every environment',
    'Both components read the same names and defaults',
    'Behaviour verified with the setting on and off',
    'Documentation of the setting complete',
  ],
};

const SECURITY_COMPLIANCE: RelationshipProfile = {
  firstRole: 'security change',
  secondRole: 'dependent integration',
  awaits: 'the reviewed security design',
  firstWords: ['implement', 'token', 'jwt', 'encrypt', 'encryption', 'key', 'policy', 'permission'],
  secondWords: ['update', 'middleware', 'integrate', 'client', 'use', 'adopt'],
  firstShares: 'security requirements, token and key formats, expiry and rotation rules',
  secondShares: 'affected integration points, test plan for the protected flows',
  coordinationPoints: [
    'Security review of the design before implementation',
    'Coordinate the deployment so no window leaves either side unprotected',
    'Joint test of the authentication and authorization flows',
  ],
  potentialConflicts: [
    'Incompatible token formats or lifetimes',
    'Secrets exchanged in plain text',
    'Broken user sessions during the rollout',
  ],
  successCriteria: [
    'Security review passed',
    'Both sides enforce the same policy',
    'Negative tests (expired, invalid or missing credentials) pass',
    'No secrets in code, logs or messages',
  ],
};

const CROSS_REFERENCE: RelationshipProfile = {
  firstRole: 'referenced task',
  secondRole: 'referencing task',
  awaits: 'the referenced work',
  firstWords: [],
  secondWords: [],
  firstShares: 'status, scope changes and the artefacts the other task refers to',
  secondShares: 'what it needs from the referenced task and by when',
  coordinationPoints: [
    'Confirm the reference is still accurate before work starts',
    'Notify the other agent of every change of scope or interface',
    'Review the combined result before completion',
  ],
  potentialConflicts: [
    'The referenced task changes scope or is dropped',
    'Assumptions about the referenced work that were never confirmed',
    'Timelines that do not line up',
  ],
  successCriteria: [
    'Referenced work delivered as the referencing task expects',
    'Both tasks link to each other in their records',
    'Combined result tested end to end',
  ],
};

const SHARED_SUBJECT: RelationshipProfile = {
  firstRole: 'specification or defining change',
  secondRole: 'work on the same subject',
  awaits: 'the agreed shape of the shared subject',
  firstWords: ['spec', 'specification', 'define', 'design', 'propose', 'proposal', 'rfc', 'add'],
  secondWords: ['implement', 'support', 'document', 'docs', 'update', 'use', 'adopt'],
  firstShares: 'the names, identifiers and behaviour both tasks touch, and every change to them',
  secondShares: 'where it uses the shared subject, and any assumption it makes about it',
  coordinationPoints: [
    'Agree on the shared names, identifiers and behaviour before either side merges',
    'Tell the other agent of every change to the shared subject',
    'Review both changes side by side before completion',
  ],
  potentialConflicts: [
    'The two tasks describe the shared subject differently',
    'One side renames or removes what the other still uses',
    'Release order between the repositories',
  ],
  successCriteria: [
    'Both tasks use the same names and behaviour for the shared subject',
    'Documentation and implementation agree',
    'Tests of both repositories pass against the combined change',
  ],
};

/** Profiles of the relationships Chorale ships rules for, by rule name. */
export const PROFILES: Readonly<Record<string, RelationshipProfile>> = {
  API_Contract: API_CONTRACT,
  Database_Schema: DATABASE_SCHEMA,
  Configuration_Dependency: CONFIGURATION_DEPENDENCY,
  Security_Compliance: SECURITY_COMPLIANCE,
  Explicit_Reference: CROSS_REFERENCE,
  /** The name of explicit references before they became `Explicit_Reference`. */
  Cross_Reference: CROSS_REFERENCE,
  Shared_Subject: SHARED_SUBJECT,
};

/** "GraphQL_Schema" → "GraphQL Schema". */
export function humanize(relationship: string): string {
  const words = relationship.replace(/[_\-.]+/g, ' ').trim();
  return words === '' ? 'dependency' : words;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A profile for a relationship no built-in profile knows (a team's own rule). */
export function genericProfile(relationship: string): RelationshipProfile {
  const name = humanize(relationship);
  return {
    firstRole: 'provider',
    secondRole: 'dependent work',
    awaits: `the agreed ${name} interface`,
    firstWords: ['define', 'design', 'add', 'create', 'spec', 'schema', 'producer', 'provide'],
    secondWords: ['implement', 'consume', 'consumer', 'use', 'integrate', 'update', 'resolver'],
    firstShares: `the ${name} interfaces, contracts and artefacts it changes`,
    secondShares: `how it uses the ${name} interfaces, its integration tests`,
    coordinationPoints: [
      `Review the ${name} changes together before dependent work begins`,
      'Sync at every milestone and on every interface change',
      'Joint testing before completion',
    ],
    potentialConflicts: [
      `${capitalize(name)} changes made after dependent work has started`,
      'Assumptions on one side that the other never agreed to',
      'Release order between the repositories',
    ],
    successCriteria: [
      `${capitalize(name)} changes reviewed and agreed by both agents`,
      'Dependent work matches the agreed interface',
      'Integration tests of both repositories pass',
      'Documentation complete',
    ],
  };
}

export function profileFor(relationship: string): RelationshipProfile {
  return Object.hasOwn(PROFILES, relationship)
    ? PROFILES[relationship]!
    : genericProfile(relationship);
}
