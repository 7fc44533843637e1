import type { DependencyRule, RuleMatch, TaskText } from '@chorale/core';
import { confidence, hasAnyPrefix, present, sharedSubjects } from './words.js';

/** Words that name an API or its contract. */
const API_WORDS = [
  'api',
  'apis',
  'endpoint',
  'endpoints',
  'contract',
  'contracts',
  'interface',
  'interfaces',
  'schema',
  'openapi',
  'swagger',
  'grpc',
  'protobuf',
  'proto',
  'rpc',
  'graphql',
  'webhook',
  'webhooks',
];
/** Stems of building against an API (implement, implementation, integrate, consumer, client). */
const IMPLEMENT_STEMS = ['implement', 'integrat'];
const IMPLEMENT_WORDS = [
  'consume',
  'consumes',
  'consumer',
  'consumers',
  'consuming',
  'client',
  'clients',
  'sdk',
  'sdks',
  'binding',
  'bindings',
];
/** Words of defining an API: the task that does these goes first. */
const DEFINE_WORDS = [
  'define',
  'defines',
  'defined',
  'defining',
  'definition',
  'definitions',
  'design',
  'designs',
  'specify',
  'specifies',
  'specification',
  'specifications',
  'spec',
  'specs',
  'draft',
  'propose',
  'proposal',
  'document',
  'openapi',
  'swagger',
  'contract',
  'contracts',
];

const VOCABULARY = new Set([...API_WORDS, ...IMPLEMENT_WORDS, 'implement', 'implementation']);

/** Whether the text names an API ("user interface" is not one). */
function namesApi(t: TaskText): boolean {
  const found = present(t, API_WORDS);
  if (found.length === 0) return false;
  if (t.hasPhrase('user interface') || t.hasPhrase('user interfaces')) {
    return found.some((w) => w !== 'interface' && w !== 'interfaces');
  }
  return true;
}

function implementsSomething(t: TaskText): boolean {
  return hasAnyPrefix(t, IMPLEMENT_STEMS) || present(t, IMPLEMENT_WORDS).length > 0;
}

function defines(t: TaskText): boolean {
  return present(t, DEFINE_WORDS).length > 0;
}

/**
 * One task names an API and the other implements (or integrates, or is a client of) one, and
 * they are about the same thing: both name an API, or they share a subject word. The task that
 * defines the API goes first.
 */
export const apiContract: DependencyRule = {
  name: 'API_Contract',
  description: 'Tasks involving API contracts and implementations',
  keywords: ['api', 'endpoint', 'contract', 'interface', 'schema'],
  validate(a, b): RuleMatch | null {
    const apiA = namesApi(a);
    const apiB = namesApi(b);
    const implA = implementsSomething(a);
    const implB = implementsSomething(b);
    // a defines, b implements; or b defines, a implements
    const ab = apiA && implB;
    const ba = apiB && implA;
    if (!ab && !ba) return null;
    const shared = sharedSubjects(a, b, VOCABULARY);
    const bothApi = apiA && apiB;
    if (!bothApi && shared.length === 0) return null;

    let first: 'a' | 'b' | undefined;
    const defA = defines(a) && !implA;
    const defB = defines(b) && !implB;
    if (ab && !ba) first = 'a';
    else if (ba && !ab) first = 'b';
    else if (defA !== defB) first = defA ? 'a' : 'b';
    const definer = first === 'a' ? a : first === 'b' ? b : undefined;

    const score =
      0.55 +
      (bothApi ? 0.15 : 0) +
      (shared.length > 0 ? 0.1 : 0) +
      (shared.length > 1 ? 0.05 : 0) +
      (definer && defines(definer) ? 0.05 : 0);
    const match: RuleMatch = {
      reason: 'API definition and implementation dependency',
      confidence: confidence(Math.min(score, 0.9)),
    };
    if (first) match.first = first;
    return match;
  },
};
