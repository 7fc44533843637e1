import type { TaskContext } from '@chorale/protocol';

/**
 * Synthetic claimed tasks for the detector benchmark: titles and descriptions built from the
 * vocabulary of software issues, with code identifiers, across 1,000 repositories (100
 * ecosystems of 10 repositories that share identifiers, as the SDKs of one specification do).
 *
 * Task `i` is a pure function of the seed and `i`, so a benchmark can make a million tasks
 * without keeping them. Word choice is Zipf-like (a few words in most tasks, a long tail), about
 * one task in three has an identifier no other task has (new names keep appearing, as in real
 * trackers), and every 100th task is a specification whose implementation, in another
 * repository of the same ecosystem, comes 7 tasks later (a real dependent pair).
 */

const ECOSYSTEMS = 100;
const REPOSITORIES_PER_ECOSYSTEM = 10;
const IDENTIFIERS_PER_ECOSYSTEM = 300;

const VERBS = `Add Fix Update Implement Support Remove Refactor Migrate Document Deprecate Expose
Handle Validate Define Rename Move Improve Allow Introduce Replace Optimize Cache Retry Log Test
Bump Clean Split Merge Restore Enable Disable Propagate Parse Serialize Configure`.split(/\s+/);

/** Subject words, most common first (the order sets their Zipf rank). */
const NOUNS = `error test config api client server request response cache token user session
schema database query endpoint migration table model service handler middleware auth
authentication authorization permission role policy secret key certificate tls encryption
logging logger log metrics metric tracing trace span exporter collector sampler propagator
context baggage attribute resource instrumentation library sdk plugin extension module package
dependency build release version changelog documentation example tutorial guide readme
workflow pipeline job runner cluster node pod container image registry deployment helm chart
operator controller reconciler webhook admission crd manifest kustomize terraform provider
state backend storage bucket object blob file stream buffer reader writer encoder decoder
parser serializer json yaml protobuf grpc http websocket transport connection pool socket
proxy gateway router route path header cookie cors csrf redirect timeout retry backoff
limit quota rate throttle queue topic producer consumer subscriber publisher event listener
callback promise future async thread worker scheduler cron timer clock timezone date locale
translation unicode encoding compression gzip checksum hash signature jwt oauth oidc saml
sso ldap mfa password login logout signup profile account organization team member invite
notification email sms push template theme layout component button form input dropdown modal
dialog tooltip menu sidebar navbar footer page view screen dashboard chart graph table grid
list pagination search filter sort index shard replica partition snapshot backup restore
upgrade downgrade compatibility deprecation warning panic crash leak memory cpu performance
latency throughput benchmark profiler flamegraph allocation garbage pointer struct interface
trait generic macro annotation decorator reflection codegen compiler linter formatter
typescript python golang rust java kotlin swift ruby php dotnet android ios browser wasm
webtransport quic libp2p peer discovery mdns bootstrap relay nat hole punching dht gossipsub
pubsub multiaddr identify ping noise yamux mplex stream muxer dialer listener upgrade
kubernetes docker compose volume network ingress service mesh istio envoy sidecar probe
health readiness liveness feature flag toggle environment variable setting parameter option
default override fallback preference locale accessibility keyboard shortcut focus contrast`
  .split(/\s+/)
  .filter((w) => w !== '');

const FILLER = `the a an when we should it is not with for in on to of and or but this that
currently after before because so which returns fails throws shows breaks works still also
only always never sometimes some users reported see expected instead however then if`.split(/\s+/);

const SENTENCES: readonly ((w: Words) => string)[] = [
  (w) =>
    `When ${w.noun()} is ${w.pick(['empty', 'missing', 'invalid', 'large'])} the ${w.noun()} ${w.pick(['fails', 'returns 500', 'panics', 'hangs'])}.`,
  (w) =>
    `The ${w.noun()} ${w.noun()} should ${w.verb().toLowerCase()} ${w.identifier()} instead of ${w.noun()}.`,
  (w) =>
    `We ${w.filler()} ${w.verb().toLowerCase()} the ${w.noun()} in ${w.identifier()} so ${w.noun()} ${w.filler()} works.`,
  (w) => `See ${w.identifier()} and the ${w.noun()} ${w.noun()} for details.`,
  (w) =>
    `Users reported that ${w.identifier()} ${w.pick(['is ignored', 'breaks', 'leaks memory', 'times out'])} with ${w.noun()}.`,
  (w) =>
    `This ${w.pick(['blocks', 'affects', 'is needed by'])} the ${w.noun()} ${w.noun()} of ${w.noun()}.`,
];

/** A small, fast, seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cumulative Zipf weights (exponent 1) over `n` ranks. */
function zipf(n: number): Float64Array {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    sum += 1 / (r + 1);
    cumulative[r] = sum;
  }
  for (let r = 0; r < n; r++) cumulative[r]! /= sum;
  return cumulative;
}

const NOUN_WEIGHTS = zipf(NOUNS.length);

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The identifiers of an ecosystem: camelCase, PascalCase, SCREAMING_SNAKE, snake and dotted names. */
function ecosystemIdentifiers(ecosystem: number): string[] {
  const random = prng(0x1d3a + ecosystem * 7919);
  const noun = () => NOUNS[Math.floor(random() * NOUNS.length)]!;
  const prefix = `${noun().slice(0, 4)}${ecosystem}`;
  const names: string[] = [];
  for (let i = 0; i < IDENTIFIERS_PER_ECOSYSTEM; i++) {
    const [a, b, c] = [noun(), noun(), noun()];
    switch (i % 5) {
      case 0:
        names.push(`${a}${capitalize(b)}${capitalize(c)}`);
        break;
      case 1:
        names.push(`${capitalize(prefix)}${capitalize(a)}${capitalize(b)}`);
        break;
      case 2:
        names.push(`${prefix}_${a}_${b}`.toUpperCase());
        break;
      case 3:
        names.push(`${a}_${b}_${c}`);
        break;
      default:
        names.push(`${a}.${b}${capitalize(c)}`);
    }
  }
  return names;
}

const IDENTIFIERS: string[][] = Array.from({ length: ECOSYSTEMS }, (_, e) =>
  ecosystemIdentifiers(e),
);

/** The generator's random choices for one task. */
class Words {
  readonly random: () => number;
  readonly #ecosystem: number;
  readonly #unique: string | undefined;

  constructor(random: () => number, ecosystem: number, unique: string | undefined) {
    this.random = random;
    this.#ecosystem = ecosystem;
    this.#unique = unique;
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  noun(): string {
    const u = this.random();
    let lo = 0;
    let hi = NOUN_WEIGHTS.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (NOUN_WEIGHTS[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return NOUNS[lo]!;
  }

  verb(): string {
    return this.pick(VERBS);
  }

  filler(): string {
    return this.pick(FILLER);
  }

  identifier(): string {
    if (this.#unique !== undefined && this.random() < 0.5) return this.#unique;
    return this.pick(IDENTIFIERS[this.#ecosystem]!);
  }
}

export interface SyntheticOptions {
  seed?: number;
  /** Project id of every task (default 1). */
  projectId?: TaskContext['projectId'];
}

/** The 1,000 repositories: `eco<e>/<kind>-<r>`. */
export function repositoryOf(ecosystem: number, index: number): string {
  const kinds = [
    'spec',
    'js',
    'go',
    'python',
    'java',
    'rust',
    'dotnet',
    'docs',
    'collector',
    'ops',
  ];
  return `eco${ecosystem}/${kinds[index % kinds.length]}-${ecosystem}`;
}

/** Task `i` of the synthetic stream (deterministic for a seed). */
export function syntheticTask(i: number, options: SyntheticOptions = {}): TaskContext {
  const seed = options.seed ?? 1;
  const random = prng((seed * 0x9e3779b1) ^ (i * 0x85ebca6b));
  // A specification (i % 100 === 0) and its implementation 7 tasks later share an ecosystem,
  // a feature identifier and a subject.
  const pairBase = i % 100 === 7 ? i - 7 : i % 100 === 0 ? i : undefined;
  const ecosystem =
    pairBase !== undefined ? pairBase % ECOSYSTEMS : Math.floor(random() * ECOSYSTEMS);
  const unique =
    random() < 0.33 ? `${NOUNS[i % NOUNS.length]}${capitalize(i.toString(36))}` : undefined;
  const words = new Words(random, ecosystem, unique);

  let repository: string;
  let title: string;
  const sentences: string[] = [];
  if (pairBase !== undefined) {
    const feature = `${capitalize(NOUNS[pairBase % NOUNS.length]!)}${capitalize(NOUNS[(pairBase >> 3) % NOUNS.length]!)}V${pairBase.toString(36)}`;
    const subject = NOUNS[(pairBase >> 5) % NOUNS.length]!;
    if (i === pairBase) {
      repository = repositoryOf(ecosystem, 0);
      title = `Specify ${feature} for ${subject}`;
      sentences.push(`Define the ${subject} contract of ${feature} in the specification.`);
    } else {
      repository = repositoryOf(ecosystem, 1 + (pairBase % 9));
      title = `Implement ${feature} ${subject} support`;
      sentences.push(`Implement ${feature} as the specification defines it for ${subject}.`);
    }
  } else {
    repository = repositoryOf(ecosystem, Math.floor(random() * REPOSITORIES_PER_ECOSYSTEM));
    const parts = [words.verb(), words.noun(), words.noun()];
    const shape = random();
    if (shape < 0.5) parts.push('in', words.identifier());
    else if (shape < 0.75) parts.push(words.noun());
    title = parts.join(' ');
  }
  const count = 1 + Math.floor(random() * 3);
  for (let s = 0; s < count; s++) sentences.push(words.pick(SENTENCES)(words));

  return {
    taskId: i,
    projectId: options.projectId ?? 1,
    repository,
    title,
    description: sentences.join(' '),
    keywords: [],
    agentId: `agent-${i % 5000}`,
  };
}
