import type { CorpusStats, TaskContext } from '@chorale/core';
import { DependencyDetector, explain, taskFromText, taskText } from '@chorale/detector';
import { describe, expect, it } from 'vitest';
import defaultPlugin, {
  apiContract,
  configurationDependency,
  databaseSchema,
  MIN_SHARED_SUBJECT_OVERLAP,
  rareWordWeight,
  SHARED_SUBJECT_WORDS,
  securityCompliance,
  sharedSubject,
  sharedSubjectThreshold,
  standardRules,
} from './index.js';
import { subjectOverlap } from './overlap.js';
import { rarity } from './rarity.js';
import { titleCoverage } from './title-coverage.js';
import { hasAny, hasAnyPrefix, Phrases, PrefixList, present, WordList } from './word-lists.js';

const t = (title: string, description = '') => taskText(taskFromText(title, { description }));

function task(taskId: number, repository: string, title: string, description = ''): TaskContext {
  return {
    taskId,
    projectId: 1,
    repository,
    title,
    description,
    keywords: [],
    agentId: `agent-${taskId}`,
  };
}

describe('the reference examples, through the detector', () => {
  const cases: [string, string, string][] = [
    ['Define user authentication API', 'Implement authentication endpoint', 'API_Contract'],
    ['Add user preferences table', 'Update user service for preferences', 'Database_Schema'],
    [
      'Add feature flag for new UI',
      'Implement feature flag checks in backend',
      'Configuration_Dependency',
    ],
    ['Implement JWT token refresh', 'Update authentication middleware', 'Security_Compliance'],
  ];
  for (const [first, second, relationship] of cases) {
    it(`${first} / ${second} → ${relationship}`, () => {
      const detector = new DependencyDetector({
        rules: [standardRules()],
        clock: { now: () => 1000, setTimeout: () => 0, clearTimeout: () => {} },
      });
      expect(detector.register(task(1, 'org/one', first))).toEqual([]);
      const found = detector.register(task(2, 'org/two', second));
      expect(found).toHaveLength(1);
      expect(found[0]!.relationship).toBe(relationship);
      expect(found[0]!.confidence).toBeGreaterThan(0.5);
      expect(found[0]!.confidence).toBeLessThanOrEqual(0.9);
      expect(found[0]!.detectedAt).toBe(1000);
    });
  }

  it('uses the reference reason for API_Contract', () => {
    expect(
      apiContract.validate(
        t('Define user authentication API'),
        t('Implement authentication endpoint'),
      )?.reason,
    ).toBe('API definition and implementation dependency');
  });

  it('puts the API definition first, whichever task is claimed first', () => {
    const detector = new DependencyDetector({ rules: [standardRules()] });
    detector.register(task(2, 'org/web', 'Implement authentication endpoint'));
    const [dep] = detector.register(task(1, 'org/api', 'Define user authentication API'));
    expect(dep?.task1.title).toBe('Define user authentication API');
    expect(dep?.task2.title).toBe('Implement authentication endpoint');
  });

  it('puts the schema change before the service that uses it', () => {
    const m = databaseSchema.validate(
      t('Update user service for preferences'),
      t('Add user preferences table'),
    );
    expect(m?.first).toBe('b');
  });
});

describe('word-aware matching', () => {
  it('"api" is not in "rapid"', () => {
    expect(
      apiContract.validate(
        t('Rapid prototyping for the dashboard'),
        t('Implement dashboard widgets'),
      ),
    ).toBeNull();
    expect(
      apiContract.validate(t('Dashboard API'), t('Implement dashboard widgets')),
    ).not.toBeNull();
  });

  it('"auth" is not in "author" or "authority"', () => {
    expect(
      securityCompliance.validate(
        t('Fix author field in release notes'),
        t('Update author authority list in release notes'),
      ),
    ).toBeNull();
    expect(
      securityCompliance.validate(
        t('Fix auth field in release notes'),
        t('Update authorization for release notes'),
      ),
    ).not.toBeNull();
  });

  it('knows the forms of auth: authn, authz, authenticate, authorize, oauth, jwt', () => {
    for (const word of [
      'authn',
      'authz',
      'authenticate',
      'authorize',
      'authorization',
      'OAuth2',
      'JWT',
    ]) {
      expect(
        securityCompliance.validate(
          t(`Add ${word} to gateway`),
          t('Update authentication middleware'),
        ),
        word,
      ).not.toBeNull();
    }
  });

  it('"table" is not in "stable"', () => {
    expect(
      databaseSchema.validate(t('Make preferences stable'), t('Update service for preferences')),
    ).toBeNull();
    expect(
      databaseSchema.validate(t('Add preferences table'), t('Update service for preferences')),
    ).not.toBeNull();
  });

  it('"user interface" is not an API', () => {
    expect(
      apiContract.validate(
        t('Redesign the user interface for billing'),
        t('Implement billing export'),
      ),
    ).toBeNull();
  });

  it('"migrate" alone is not database work; a migration is', () => {
    // moving code, an API or a platform: the verb says nothing of a database
    expect(
      databaseSchema.validate(
        t('Document synchronous gauge support', 'We needed it to migrate our internal code.'),
        t('Add synchronous gauge instrument'),
      ),
    ).toBeNull();
    expect(
      databaseSchema.validate(
        t('Add migration for user preferences'),
        t('Read user preferences in the profile service'),
      ),
    ).not.toBeNull();
  });

  it('a lexer token is not security work', () => {
    expect(
      securityCompliance.validate(
        t('Fix token offsets in the lexer'),
        t('Add token kinds to the lexer'),
      ),
    ).toBeNull();
  });
});

describe('subjects and confidence', () => {
  it('two database tasks about different things do not match', () => {
    expect(databaseSchema.validate(t('Add orders table'), t('Migrate invoices schema'))).toBeNull();
  });

  it('two configuration tasks about different settings do not match, the same setting does', () => {
    expect(
      configurationDependency.validate(
        t('Add config for log level'),
        t('Update settings page colours'),
      ),
    ).toBeNull();
    const m = configurationDependency.validate(
      t('Add REQUEST_TIMEOUT config'),
      t('Read request_timeout setting in the worker'),
    );
    expect(m).not.toBeNull();
    expect(m?.first).toBe('a');
  });

  it('confidence grows with the evidence', () => {
    const weak = apiContract.validate(t('Billing API'), t('Implement billing'));
    const strong = apiContract.validate(
      t('Define billing invoices API'),
      t('Implement billing invoices endpoint'),
    );
    expect(weak && strong).toBeTruthy();
    expect(strong!.confidence!).toBeGreaterThan(weak!.confidence!);
  });

  it('explain shows every rule for two bare texts', () => {
    const result = explain('Define user authentication API', 'Implement authentication endpoint', [
      standardRules(),
    ]);
    expect(result.verdicts.map((v) => v.rule)).toEqual([
      'Explicit_Reference',
      'API_Contract',
      'Database_Schema',
      'Configuration_Dependency',
      'Security_Compliance',
      'Shared_Subject',
    ]);
    expect(result.best?.rule).toBe('API_Contract');
    expect(result.verdicts.find((v) => v.rule === 'API_Contract')?.keywords).toEqual({
      a: ['api'],
      b: ['endpoint'],
    });
  });
});

describe('plugin', () => {
  it('creates the pack from validated options', async () => {
    expect(defaultPlugin.kind).toBe('rules');
    expect(defaultPlugin.name).toBe('@chorale/rules-standard');
    const options = defaultPlugin.options.parse({ exclude: ['Security_Compliance'] });
    const pack = await defaultPlugin.create(options, undefined as never);
    expect(pack.rules.map((r) => r.name)).toEqual([
      'API_Contract',
      'Database_Schema',
      'Configuration_Dependency',
      'Shared_Subject',
    ]);
  });

  it('refuses unknown options and rule names', () => {
    expect(defaultPlugin.options.safeParse({ nope: 1 }).success).toBe(false);
    expect(defaultPlugin.options.safeParse({ exclude: ['Nope'] }).success).toBe(false);
  });
});

/** A corpus of `size` tasks where every term is in `df` of them (or in `rare` terms' 2). */
function corpus(size: number, df: number, rare: string[] = []): CorpusStats {
  return { size, documentFrequency: (term) => (rare.includes(term) ? 2 : df) };
}

describe('Shared_Subject', () => {
  it('needs more than one rare word in both titles: one and a word of the descriptions is not enough', () => {
    const c = corpus(300, 2);
    const one = sharedSubject.validate(
      t('Kernel crashes on start', 'The notebook restarts.'),
      t('Kernel fails to load', 'After the notebook opens.'),
      c,
    );
    expect(one).toBeNull(); // kernel 4.9 + notebook 0.35 × 4.9 = 6.5 < 10.7 (2.2 × 4.9)
    const two = sharedSubject.validate(
      t('Notebook kernel crashes on start'),
      t('Notebook kernel fails to load'),
      c,
    );
    expect(two?.confidence).toBeGreaterThan(0.7);
  });

  it('asks for as much evidence among a million known tasks as among a hundred', () => {
    // one word in both titles that no other task has weighs more among more tasks (3.9 among
    // a hundred, 12.9 among a million: above a fixed 7), and so does what two tasks share by chance
    const one = [t('Kernel crashes on start'), t('Kernel fails to load')] as const;
    const three = [t('Notebook kernel widget crashes'), t('Notebook kernel widget fails')] as const;
    for (const size of [100, 10_000, 1_000_000]) {
      const c = corpus(size, 2);
      expect(sharedSubject.validate(...one, c)).toBeNull();
      expect(sharedSubject.validate(...three, c)).not.toBeNull();
      expect(sharedSubjectThreshold(c)).toBeCloseTo(SHARED_SUBJECT_WORDS * rareWordWeight(c), 10);
    }
    // among few known tasks, never below the least overlap
    expect(sharedSubjectThreshold(corpus(10, 2))).toBe(MIN_SHARED_SUBJECT_OVERLAP);
    expect(sharedSubjectThreshold(corpus(1_000_000, 2))).toBeCloseTo(28.4, 1);
  });

  it('counts a word of either repository name for a quarter: it names the product, not the subject', () => {
    const c = corpus(300, 2);
    const inRepo = (repository: string, title: string) =>
      taskText(
        taskFromText(title, {
          repository,
          description: 'The kernel restarts and the session hangs.',
        }),
      );
    const a = 'Python crashes on start';
    const b = 'Python fails to load';
    const neutral = subjectOverlap(inRepo('acme/notebooks', a), inRepo('acme/editor', b), c);
    const product = subjectOverlap(
      inRepo('acme/notebooks', a),
      inRepo('acme/editor-python', b),
      c,
      new Set(),
      'either',
    );
    expect(product.score).toBeCloseTo(neutral.score - 0.75 * rarity(c, 'python'), 5);
    expect(product.signals).toContain('shared term "python" (both titles, a repository name, 1.2)');
    expect(neutral.signals).toContain('shared term "python" (both titles, 4.9)');
    // by default only a word of both repository names counts less
    const oneSided = subjectOverlap(
      inRepo('acme/notebooks', a),
      inRepo('acme/editor-python', b),
      c,
    );
    expect(oneSided.score).toBeCloseTo(neutral.score, 5);
    const bothSided = subjectOverlap(
      inRepo('acme/python-notebooks', a),
      inRepo('acme/editor-python', b),
      c,
    );
    expect(bothSided.score).toBeCloseTo(product.score, 5);
    // a repository named by its URL is the same repository (`TaskText.repository`): its host,
    // scheme and `.git` name nothing ("com" or "git" shared by two titles would count in full)
    const byUrl = subjectOverlap(
      inRepo('https://github.com/acme/python-notebooks.git', a),
      inRepo('git@github.com:acme/editor-python.git', b),
      c,
    );
    expect(byUrl.score).toBe(bothSided.score);
    expect(byUrl.signals).toEqual(bothSided.signals);
    const hooks = (repositoryA: string, repositoryB: string) =>
      subjectOverlap(
        inRepo(repositoryA, 'Git hooks crash'),
        inRepo(repositoryB, 'Git hooks fail'),
        c,
      ).score;
    expect(hooks('https://github.com/acme/notebooks.git', 'git@github.com:acme/editor.git')).toBe(
      hooks('acme/notebooks', 'acme/editor'),
    );
    // Shared_Subject: one subject in neutral repositories, none when "python" is a product
    expect(
      sharedSubject.validate(inRepo('acme/notebooks', a), inRepo('acme/editor-python', b), c),
    ).toBeNull();
    expect(
      sharedSubject.validate(inRepo('acme/notebooks', a), inRepo('acme/editor', b), c),
    ).not.toBeNull();
    // an identifier that is a repository's name (with or without separators) too
    const ids = subjectOverlap(
      inRepo('acme/app', 'Bump rules_nodejs'),
      inRepo('acme/rules_nodejs', 'Release rules_nodejs'),
      c,
      new Set(),
      'either',
    );
    expect(ids.signals.some((x) => x.startsWith('shared identifier rules_nodejs (1.8)'))).toBe(
      true,
    );
  });

  it('a kind rule keeps the entity a service is named after', () => {
    const c = corpus(300, 2);
    const m = databaseSchema.validate(
      taskText(taskFromText('Add orders table', { repository: 'acme/db' })),
      taskText(
        taskFromText('Update orders service for the new table', {
          repository: 'acme/orders-service',
        }),
      ),
      c,
    );
    expect(m?.evidence?.a).toContain('orders');
  });

  const spec = t('Add a new AddLink() operation to Span', 'Spans get links after they start.');
  const impl = t('trace: add Span.AddLink method', 'Implements the AddLink operation of the spec.');

  it('matches tasks that share a rare identifier and rare words, with the evidence', () => {
    const m = sharedSubject.validate(spec, impl, corpus(200, 3));
    expect(m).not.toBeNull();
    expect(m!.evidence!.a).toContain('addlink');
    expect(m!.evidence!.signals!.some((s) => s.startsWith('shared identifier addlink'))).toBe(true);
    expect(m!.confidence!).toBeGreaterThanOrEqual(0.6);
    expect(m!.confidence!).toBeLessThan(1);
  });

  it('does not match on words every known task has', () => {
    const a = t('Update the metrics exporter docs');
    const b = t('Fix metrics exporter retries');
    expect(sharedSubject.validate(a, b, corpus(500, 200))).toBeNull();
    // the same words, rare among the known tasks
    expect(sharedSubject.validate(a, b, corpus(500, 200, ['metric', 'exporter']))).not.toBeNull();
  });

  it('is surer with more rare evidence', () => {
    const few = sharedSubject.validate(spec, impl, corpus(200, 10));
    const rare = sharedSubject.validate(spec, impl, corpus(200, 2));
    expect(rare!.confidence!).toBeGreaterThan(few!.confidence!);
  });

  it('needs a shared identifier while too few tasks are known to tell a rare word', () => {
    const a = t('Make the user service stable');
    const b = t('Update user service for preferences');
    expect(sharedSubject.validate(a, b, corpus(3, 2))).toBeNull();
    expect(sharedSubject.validate(spec, impl, corpus(3, 2))).not.toBeNull();
  });

  it('puts a specification first, by its title or its repository', () => {
    const specRepo = taskText(
      taskFromText('Synchronous gauge instrument', { repository: 'org/specification' }),
    );
    const sdk = taskText(taskFromText('Synchronous gauge instrument', { repository: 'org/go' }));
    expect(sharedSubject.validate(sdk, specRepo, corpus(200, 2))?.first).toBe('b');
    expect(sharedSubject.validate(specRepo, sdk, corpus(200, 2))?.first).toBe('a');
  });

  it('puts a specification first by a word of its title, in any case, not by a part of a word', () => {
    const c = corpus(200, 2);
    const sdk = taskText(taskFromText('Synchronous gauge instrument', { repository: 'org/go' }));
    const titled = (title: string) => taskText(taskFromText(title, { repository: 'org/site' }));
    const first = (title: string) => {
      const m = sharedSubject.validate(sdk, titled(title), c);
      expect(m).not.toBeNull();
      return m?.first;
    };
    expect(first('RFC: Synchronous gauge instrument')).toBe('b');
    expect(first('Synchronous gauge instrument DESIGN')).toBe('b');
    expect(first('Respecify the synchronous gauge instrument')).toBeUndefined();
    expect(first('Synchronous gauge instrument')).toBeUndefined();
  });

  it('counts two bumps of one thing to different versions for less', () => {
    const a = t('build: update to rules_nodejs 0.10.0');
    const b = t('build: update bazel setup to rules_nodejs v0.38.0');
    const same = t('build: update bazel setup to rules_nodejs v0.10.0');
    const differ = sharedSubject.validate(a, b, corpus(200, 2));
    const agree = sharedSubject.validate(a, same, corpus(200, 2));
    expect(agree!.confidence!).toBeGreaterThan(differ?.confidence ?? 0);
  });

  it('is found by the detector with its own corpus statistics', () => {
    const detector = new DependencyDetector({ rules: [standardRules()] });
    for (let i = 0; i < 12; i++) {
      detector.register(task(100 + i, `org/filler${i}`, `Tune retry backoff number ${i}`));
    }
    detector.register(task(1, 'org/specification', 'Add a new AddLink() operation to Span'));
    const [dep] = detector.register(task(2, 'org/go', 'trace: add Span.AddLink method'));
    expect(dep).toMatchObject({ relationship: 'Shared_Subject', order: 'task1_first' });
    expect(dep!.task1.repository).toBe('org/specification');
    expect(dep!.evidence!.task1Terms).toContain('addlink');
    expect(dep!.evidence!.signals.length).toBeGreaterThan(0);
  });
});

describe('evidence of the kind rules', () => {
  it('API_Contract says which words matched on each side and why', () => {
    const m = apiContract.validate(
      t('Define user authentication API'),
      t('Implement authentication endpoint'),
    );
    expect(m?.evidence?.a).toEqual(expect.arrayContaining(['api', 'authentication']));
    expect(m?.evidence?.b).toEqual(expect.arrayContaining(['endpoint', 'authentication']));
    expect(m?.evidence?.signals).toContain('both name an API');
  });

  it('API_Contract needs a shared subject rarer than "API" itself', () => {
    const common = corpus(300, 120);
    expect(
      apiContract.validate(t('Terminal API for shells'), t('Implement the terminal API'), common),
    ).toBeNull();
    expect(
      apiContract.validate(
        t('Terminal API for shells'),
        t('Implement the terminal API'),
        corpus(300, 120, ['terminal']),
      ),
    ).not.toBeNull();
  });

  it('API_Contract needs the shared subject to be much of what one title is about', () => {
    const rare = corpus(300, 2);
    // one shared category word among other things on both sides: a third of each title
    expect(
      apiContract.validate(
        t('Add Enabled method to Logger API'),
        t('trace: implement Span.AddLink method'),
        rare,
      ),
    ).toBeNull();
    expect(
      titleCoverage(
        t('Add Enabled method to Logger API'),
        t('trace: implement Span.AddLink method'),
        rare,
      ),
    ).toBeCloseTo(1 / 4, 2); // method of enabled, method, logger, api
    // the same subject is the whole of one title
    const m = apiContract.validate(
      t('Add scope configuration API to Tracer, Meter, Logger'),
      t('Implement scope configuration'),
      rare,
    );
    expect(m?.evidence?.b).toEqual(expect.arrayContaining(['scope', 'configuration']));
  });

  it('API_Contract does not take words of defining an API for a shared subject', () => {
    // "proposal" and "specification" say that both define something, not that it is the same
    const rare = corpus(300, 120, ['proposal', 'specif', 'terminal']);
    expect(
      apiContract.validate(
        t('Consume the new proposal API'),
        t('Implement API proposal for specification'),
        rare,
      ),
    ).toBeNull();
    const evidence = apiContract.validate(
      t('Terminal proposal API'),
      t('Implement the terminal proposal API'),
      rare,
    )?.evidence?.a;
    expect(evidence).toContain('terminal');
    expect(evidence).not.toContain('proposal');
  });
});

describe('word lists', () => {
  // what the lists answer is what the text's own look-ups answer, for texts with and without
  // the words, compounds (`user_interface`), camelCase and upper case
  const texts = [
    t('Add user interface for the API', 'The user_interface module implements AuthN.'),
    t('Implementation of OAuth2 login', 'Authenticate users; encrypted TLS certs; feature-flag'),
    t('Fix the feature flag parsing', 'Reads the FEATURE_FLAG environment variable.'),
    t('Improve docs', 'Nothing here about any of it: authors, rapid, integer.'),
    t('Primary key of the orders table', 'A data model change; integrate with the DB client.'),
  ];
  const words = ['api', 'interface', 'login', 'oauth2', 'tls', 'db', 'client', 'table', 'flag'];
  const prefixes = ['implement', 'integrat', 'authenticat', 'encrypt', 'author'];
  const phrases = ['user interface', 'feature flag', 'environment variable', 'primary key'];
  const list = new WordList(words);
  const prefixList = new PrefixList(prefixes);
  const phraseList = new Phrases(phrases);

  it('hasAny, present, hasAnyPrefix and Phrases answer as text.words, hasPrefix and hasPhrase', () => {
    for (const text of texts) {
      expect(hasAny(text, list)).toBe(words.some((w) => text.words.has(w)));
      expect(present(text, list)).toEqual(words.filter((w) => text.words.has(w)));
      for (const p of prefixes) {
        expect(hasAnyPrefix(text, new PrefixList([p]))).toBe(text.hasPrefix(p));
      }
      expect(hasAnyPrefix(text, prefixList)).toBe(prefixes.some((p) => text.hasPrefix(p)));
      expect(phraseList.anyIn(text)).toBe(phrases.some((p) => text.hasPhrase(p)));
      expect(phraseList.foundIn(text)).toEqual(phrases.filter((p) => text.hasPhrase(p)));
      for (const other of texts) {
        expect(phraseList.inBoth(text, other)).toBe(
          phrases.some((p) => text.hasPhrase(p) && other.hasPhrase(p)),
        );
      }
    }
  });

  it('a list made after a text was looked up is answered for that text too', () => {
    const text = texts[4]!;
    expect(hasAny(text, list)).toBe(true);
    expect(hasAny(text, new WordList(['orders']))).toBe(true);
    expect(hasAnyPrefix(text, new PrefixList(['chang']))).toBe(true);
  });
});

describe('word lists past the 31 with a bit', () => {
  it('still answer hasAny and hasAnyPrefix, by looking at the listed words', () => {
    const lists = Array.from({ length: 40 }, (_, i) => new WordList([`listword${'x'.repeat(i)}`]));
    const prefixes = Array.from({ length: 5 }, (_, i) => new PrefixList([`pre${'y'.repeat(i)}`]));
    expect(lists.at(-1)!.bit).toBe(0);
    expect(prefixes.at(-1)!.bit).toBe(0);
    const text = t(`listword${'x'.repeat(39)} and preyyyyfix`);
    expect(hasAny(text, lists.at(-1)!)).toBe(true);
    expect(hasAny(text, lists.at(-2)!)).toBe(false);
    expect(hasAnyPrefix(text, prefixes.at(-1)!)).toBe(true);
    expect(hasAnyPrefix(text, prefixes[0]!)).toBe(true); // "pre" begins "preyyyyfix" too
    expect(hasAny(t('nothing listed'), lists.at(-1)!)).toBe(false);
  });
});
