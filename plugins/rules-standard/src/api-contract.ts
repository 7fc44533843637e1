import type { DependencyRule, RuleMatch, TaskText } from '@chorale/core';
import { confidence, Match } from './match.js';
import { subjectOverlap } from './overlap.js';
import { perText } from './per-text.js';
import { subjectGate } from './rarity.js';
import { titleCoverageReaches } from './title-coverage.js';
import {
  hasAny,
  hasAnyPrefix,
  Phrases,
  PrefixList,
  present,
  stems,
  WordList,
} from './word-lists.js';

/** Words that name an API or its contract. */
const API_WORDS = new WordList([
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
]);
/** Stems of building against an API (implement, implementation, integrate, consumer, client). */
const IMPLEMENT_STEMS = new PrefixList(['implement', 'integrat']);
const IMPLEMENT_WORDS = new WordList([
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
]);
/** Words of defining an API: the task that does these goes first. */
const DEFINE_WORDS = new WordList([
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
]);

/**
 * The rule's own words, left out of the shared subject: naming, building or defining an API is
 * the kind of the link, not what it is about ("proposal" and "specification" on both sides say
 * that both define something, not that it is the same thing).
 */
const VOCABULARY = stems([
  ...API_WORDS,
  ...IMPLEMENT_WORDS,
  ...DEFINE_WORDS,
  'implement',
  'implementation',
]);

/**
 * The share of one title (rarity-weighted, see `titleCoverage`) the shared subject must cover:
 * half, so the subject is what that task is about.
 */
const MIN_TITLE_COVERAGE = 0.5;

/** "user interface" is not an API: a text with it names one only with another API word. */
const USER_INTERFACE = new Phrases(['user interface', 'user interfaces']);
const API_WORDS_BUT_INTERFACE = new WordList(
  [...API_WORDS].filter((w) => w !== 'interface' && w !== 'interfaces'),
);

/** Whether the text names an API ("user interface" is not one). */
const namesApi = perText(
  (t: TaskText): boolean =>
    hasAny(t, API_WORDS) && (!USER_INTERFACE.anyIn(t) || hasAny(t, API_WORDS_BUT_INTERFACE)),
);

const implementsSomething = perText(
  (t: TaskText): boolean => hasAnyPrefix(t, IMPLEMENT_STEMS) || hasAny(t, IMPLEMENT_WORDS),
);

function defines(t: TaskText): boolean {
  return hasAny(t, DEFINE_WORDS);
}

/**
 * One task names an API and the other implements (or integrates, or is a client of) one, and
 * they are about the same thing: they share a subject rare enough among the known tasks
 * (`subjectOverlap` at least `subjectGate`, the API words themselves left out). Naming "API" on
 * both sides is no longer enough: most tasks of a project with an API say it. The task that
 * defines the API goes first.
 *
 * Confidence: 0.55 + 0.1 for the shared subject, + 0.15 when both name an API, + 0.05 when
 * more than one subject word is shared, + 0.05 when the first task defines the API; at most 0.9.
 */
export const apiContract: DependencyRule = {
  name: 'API_Contract',
  description: 'Tasks involving API contracts and implementations',
  keywords: ['api', 'endpoint', 'contract', 'interface', 'schema'],
  validate(a, b, corpus): RuleMatch | null {
    const apiA = namesApi(a);
    const apiB = namesApi(b);
    if (!apiA && !apiB) return null;
    const implA = implementsSomething(a);
    const implB = implementsSomething(b);
    // a defines, b implements; or b defines, a implements
    const ab = apiA && implB;
    const ba = apiB && implA;
    if (!ab && !ba) return null;
    const overlap = subjectOverlap(a, b, corpus, VOCABULARY);
    const gate = subjectGate(corpus);
    if (overlap.score < gate) return null;
    // the shared subject must be much of what one of the titles is about, not one category
    // word among others ("Add Span.AddLink method" / "Add Enabled method to Logger")
    if (!titleCoverageReaches(a, b, corpus, VOCABULARY, MIN_TITLE_COVERAGE)) return null;

    let first: 'a' | 'b' | undefined;
    const defA = defines(a) && !implA;
    const defB = defines(b) && !implB;
    if (ab && !ba) first = 'a';
    else if (ba && !ab) first = 'b';
    else if (defA !== defB) first = defA ? 'a' : 'b';
    const definer = first === 'a' ? a : first === 'b' ? b : undefined;

    const bothApi = apiA && apiB;
    const defined = definer !== undefined && defines(definer);
    const score =
      0.55 + (bothApi ? 0.15 : 0) + 0.1 + (overlap.a.length > 1 ? 0.05 : 0) + (defined ? 0.05 : 0);
    const match = new Match(
      'API definition and implementation dependency',
      confidence(Math.min(score, 0.9)),
      () => ({
        a: [...present(a, API_WORDS), ...overlap.a],
        b: [...present(b, API_WORDS), ...overlap.b],
        signals: [
          ab && ba
            ? 'both name an API and implement one'
            : 'one names an API, the other implements it',
          ...(bothApi ? ['both name an API'] : []),
          ...(defined ? ['the first defines it'] : []),
          ...overlap.signals,
        ],
      }),
    );
    if (first) match.first = first;
    return match;
  },
};
