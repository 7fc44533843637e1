import type { TaskContext } from '@chorale/core';
import { DependencyDetector, explain, taskFromText, taskText } from '@chorale/detector';
import { describe, expect, it } from 'vitest';
import defaultPlugin, {
  apiContract,
  configurationDependency,
  databaseSchema,
  securityCompliance,
  standardRules,
} from './index.js';

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
      'Cross_Reference',
      'API_Contract',
      'Database_Schema',
      'Configuration_Dependency',
      'Security_Compliance',
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
    ]);
  });

  it('refuses unknown options and rule names', () => {
    expect(defaultPlugin.options.safeParse({ nope: 1 }).success).toBe(false);
    expect(defaultPlugin.options.safeParse({ exclude: ['Nope'] }).success).toBe(false);
  });
});
