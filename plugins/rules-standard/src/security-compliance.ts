import type { DependencyRule, RuleMatch, TaskText } from '@chorale/core';
import { confidence, Match } from './match.js';
import { type Overlap, subjectOverlap } from './overlap.js';
import { perText } from './per-text.js';
import { subjectGate } from './rarity.js';
import {
  hasAny,
  hasAnyPrefix,
  Phrases,
  PrefixList,
  present,
  stems,
  WordList,
} from './word-lists.js';

/**
 * Families of security concerns. Two tasks in the same family (both about authentication,
 * both about encryption) are linked more surely than two tasks that merely say "security".
 * Every form of auth is a word of its own: "author" and "authority" are not among them.
 */
const FAMILIES: Record<string, { words: WordList; stems?: PrefixList; phrases?: Phrases }> = {
  auth: {
    words: new WordList([
      'auth',
      'authn',
      'authz',
      'oauth',
      'oauth2',
      'jwt',
      'jwts',
      'sso',
      'saml',
      'oidc',
      'mfa',
      '2fa',
      'login',
      'logout',
      'password',
      'passwords',
      'credential',
      'credentials',
      'permission',
      'permissions',
      'rbac',
      'acl',
      'acls',
    ]),
    // authenticate, authenticated, authentication, authenticator; authorize, authorization
    stems: new PrefixList(['authenticat', 'authoriz', 'authoris']),
    phrases: new Phrases([
      'access token',
      'refresh token',
      'bearer token',
      'auth token',
      'id token',
      'api token',
      'api key',
    ]),
  },
  crypto: {
    words: new WordList([
      'tls',
      'ssl',
      'mtls',
      'https',
      'certificate',
      'certificates',
      'cert',
      'certs',
      'cipher',
      'hmac',
    ]),
    stems: new PrefixList(['encrypt', 'decrypt']),
  },
  vulnerability: {
    words: new WordList([
      'vulnerability',
      'vulnerabilities',
      'cve',
      'csrf',
      'xss',
      'exploit',
      'sanitize',
      'sanitise',
    ]),
  },
};
const FAMILY_ENTRIES = Object.entries(FAMILIES);

/** Security words that belong to no family: evidence, but not of the same concern. */
const GENERIC = new WordList(['security', 'secure', 'secret', 'secrets', 'compliance']);
/** `token` alone may be a lexer's; it counts with another security word or in a phrase above. */
const WEAK = ['token', 'tokens'];

const VOCABULARY = stems([
  ...Object.values(FAMILIES).flatMap((f) => [...f.words]),
  ...GENERIC,
  ...WEAK,
  'authentication',
  'authorization',
  'authenticate',
  'authorize',
  'encryption',
  'encrypt',
]);

/**
 * The security concerns a text names (kept per text), a bit per family in FAMILY_ENTRIES order
 * (a number, not a set: every candidate of a registration is asked).
 */
const families = perText((t: TaskText): number => {
  let found = 0;
  for (let i = 0; i < FAMILY_ENTRIES.length; i++) {
    const family = FAMILY_ENTRIES[i]![1];
    if (
      hasAny(t, family.words) ||
      (family.stems !== undefined && hasAnyPrefix(t, family.stems)) ||
      (family.phrases?.anyIn(t) ?? false)
    ) {
      found |= 1 << i;
    }
  }
  return found;
});

/** The names of the families of `bits`, in FAMILY_ENTRIES order. */
function familyNames(bits: number): string[] {
  return FAMILY_ENTRIES.filter((_, i) => (bits & (1 << i)) !== 0).map(([name]) => name);
}

function securityWork(t: TaskText, fams: number): boolean {
  return fams !== 0 || hasAny(t, GENERIC);
}

/**
 * Both tasks are security work and about the same concern: the same family (authentication,
 * encryption, vulnerabilities), or a shared subject word.
 */
export const securityCompliance: DependencyRule = {
  name: 'Security_Compliance',
  description: 'Security changes requiring coordinated implementation',
  // the reference's five, then the forms of its concerns a task writes instead (the index ties
  // two tasks that have keywords of the same rule: "JWT" and "authentication" are both auth)
  keywords: [
    'security',
    'auth',
    'permission',
    'token',
    'encrypt',
    'authentication',
    'authorization',
    'jwt',
    'oauth',
    'encryption',
    'vulnerability',
  ],
  validate(a, b, corpus): RuleMatch | null {
    const famA = families(a);
    const famB = families(b);
    if (!securityWork(a, famA) || !securityWork(b, famB)) return null;
    const sameFamily = (famA & famB) !== 0;
    const overlap = subjectOverlap(a, b, corpus, VOCABULARY);
    // the subject counts when it is rare enough among the known tasks (see subjectGate)
    const shared = overlap.score >= subjectGate(corpus) ? overlap.a : [];
    if (!sameFamily && shared.length === 0) return null;
    const score =
      0.6 +
      (sameFamily ? 0.15 : 0) +
      (shared.length > 0 ? 0.1 : 0) +
      (shared.length > 1 ? 0.05 : 0);
    return new Match(
      'Security change requires coordinated implementation',
      confidence(Math.min(score, 0.9)),
      () =>
        evidence(
          [...familyNames(famA), ...present(a, GENERIC)],
          [...familyNames(famB), ...present(b, GENERIC)],
          overlap,
          sameFamily ? ['both are about the same security concern'] : ['both are security work'],
        ),
    );
  },
};

/** The evidence of a match: the rule's own words on each side, and the shared subject. */
function evidence(a: string[], b: string[], overlap: Overlap, signals: string[]) {
  return {
    a: [...a, ...overlap.a],
    b: [...b, ...overlap.b],
    signals: [...signals, ...overlap.signals],
  };
}
