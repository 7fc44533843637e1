import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, defineConfig, parseConfig, parseListen } from './index.js';

const FILE = join(process.cwd(), 'chorale.config.json');

function problemsOf(raw: unknown, filepath = FILE): ConfigError {
  try {
    parseConfig(raw, filepath);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('fills in every default for an empty config (or none)', () => {
    const expected = {
      baseDir: '/srv/project',
      dataDir: '/srv/project/.chorale',
      transport: { name: '@chorale/transport-libp2p' },
      planners: [{ name: '@chorale/planner-template' }],
      rules: [{ name: '@chorale/rules-standard' }],
      sinks: [{ name: '@chorale/sink-jsonl', options: {} }],
      store: 'memory',
      session: {
        maxSessionDuration: 1_800_000,
        maxParticipants: 5,
        escalationThreshold: 10,
        cleanupInterval: 600_000,
        inactiveAfter: 7_200_000,
        plannerTimeout: 30_000,
        planTakeoverDelay: 10_000,
      },
      detector: { coordinationHops: 3 },
      topics: { coordination: 'CHORUS/coordination/v1', metaDiscussion: 'hmmm/meta-discussion/v1' },
      plannerCache: { ttl: 3_600_000, maxEntries: 1_000 },
      tokenBudget: { perSession: 20_000, perHour: 500_000 },
      redaction: true,
      http: { listen: '127.0.0.1:7700' },
      maxMessageBytes: 65_536,
      logLevel: 'info',
    };
    expect(parseConfig({}, undefined, { cwd: '/srv/project' })).toEqual(expected);
    expect(parseConfig(undefined, undefined, { cwd: '/srv/project' })).toEqual(expected);
    expect(parseConfig({ session: {} }, '/srv/project/chorale.config.json')).toEqual({
      ...expected,
      configFile: '/srv/project/chorale.config.json',
    });
  });

  it('takes every key, durations as text or milliseconds, and resolves dataDir from the file', () => {
    const config = parseConfig(
      {
        dataDir: 'state',
        transport: ['@chorale/transport-libp2p', { listen: ['/ip4/127.0.0.1/tcp/0'] }],
        planners: [['@chorale/planner-ollama', { model: 'llama3' }], '@chorale/planner-template'],
        rules: ['@chorale/rules-standard', './rules/our-rules.mjs'],
        sinks: [],
        store: ['./store.mjs'],
        session: {
          maxSessionDuration: '45m',
          maxParticipants: 3,
          escalationThreshold: 15,
          cleanupInterval: 1000,
          inactiveAfter: '1.5h',
          plannerTimeout: '500ms',
          planTakeoverDelay: '2s',
        },
        detector: { coordinationHops: 5 },
        topics: { coordination: 'team/coord', metaDiscussion: 'team/meta' },
        maxMessageBytes: 1024,
        logLevel: 'debug',
      },
      '/srv/project/chorale.config.json',
    );
    expect(config.dataDir).toBe('/srv/project/state');
    expect(config.transport).toEqual({
      name: '@chorale/transport-libp2p',
      options: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    });
    expect(config.planners).toEqual([
      { name: '@chorale/planner-ollama', options: { model: 'llama3' } },
      { name: '@chorale/planner-template' },
    ]);
    expect(config.rules[1]).toEqual({ name: './rules/our-rules.mjs' });
    expect(config.sinks).toEqual([]);
    expect(config.store).toEqual({ name: './store.mjs' });
    expect(config.session).toEqual({
      maxSessionDuration: 2_700_000,
      maxParticipants: 3,
      escalationThreshold: 15,
      cleanupInterval: 1000,
      inactiveAfter: 5_400_000,
      plannerTimeout: 500,
      planTakeoverDelay: 2000,
    });
    expect(config.detector.coordinationHops).toBe(5);
    expect(config.topics.metaDiscussion).toBe('team/meta');
    expect(config.logLevel).toBe('debug');
  });

  it('appends the template planner when the config does not name it', () => {
    const config = parseConfig({ planners: [['@chorale/planner-anthropic', { model: 'claude' }]] });
    expect(config.planners.map((p) => p.name)).toEqual([
      '@chorale/planner-anthropic',
      '@chorale/planner-template',
    ]);
    expect(parseConfig({ planners: [] }).planners).toEqual([{ name: '@chorale/planner-template' }]);
  });

  it('refuses the template planner before other planners (they would never run)', () => {
    const error = problemsOf({
      planners: ['@chorale/planner-template', '@chorale/planner-ollama'],
    });
    expect(error.message).toMatch(
      /^chorale\.config\.json: planners\[0\]: expected @chorale\/planner-template last/,
    );
  });

  it('names the file, the key path and what was expected', () => {
    const error = problemsOf({ session: { maxParticipants: 'five' } });
    expect(error.message).toBe(
      'chorale.config.json: session.maxParticipants: expected a positive integer, got "five"',
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.problems).toEqual([
      { path: 'session.maxParticipants', message: 'expected a positive integer, got "five"' },
    ]);
    expect(error.filepath).toBe(FILE);
  });

  it('lists every problem at once', () => {
    const error = problemsOf({
      session: { maxParticipants: 0, escalationThreshold: 2.5, maxSessionDuration: 'soon' },
      detector: { coordinationHops: -1 },
      topics: { coordination: '' },
      maxMessageBytes: '64k',
      logLevel: 'verbose',
      dataDir: 42,
    });
    expect(error.problems.map((p) => p.path).sort()).toEqual(
      [
        'dataDir',
        'detector.coordinationHops',
        'logLevel',
        'maxMessageBytes',
        'session.escalationThreshold',
        'session.maxParticipants',
        'session.maxSessionDuration',
        'topics.coordination',
      ].sort(),
    );
    expect(error.message.split('\n')).toHaveLength(8);
    expect(error.message).toContain(
      'logLevel: expected "fatal", "error", "warn", "info", "debug", "trace", "silent", got "verbose"',
    );
    expect(error.message).toContain(
      'detector.coordinationHops: expected a non-negative integer, got -1',
    );
  });

  it('refuses a bad duration, saying which forms it takes', () => {
    const error = problemsOf({
      session: { plannerTimeout: '30 seconds', inactiveAfter: -5, cleanupInterval: true },
    });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        {
          path: 'session.plannerTimeout',
          message: expect.stringMatching(
            /^expected a duration such as "30m", "2h", "45s", "500ms", or a number of milliseconds, got "30 seconds"$/,
          ),
        },
        { path: 'session.inactiveAfter', message: expect.stringContaining('got -5') },
        { path: 'session.cleanupInterval', message: expect.stringContaining('got true') },
      ]),
    );
  });

  it('refuses unknown keys, at the top and nested, with a suggestion for typos', () => {
    const error = problemsOf({
      sesion: {},
      planers: [],
      session: { maxParticipant: 3 },
      whatever: 1,
    });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        { path: 'sesion', message: 'unknown key (did you mean "session"?)' },
        { path: 'planers', message: 'unknown key (did you mean "planners"?)' },
        {
          path: 'session.maxParticipant',
          message: 'unknown key (did you mean "maxParticipants"?)',
        },
        { path: 'whatever', message: 'unknown key' },
      ]),
    );
  });

  it('refuses malformed plugin entries with their index', () => {
    const error = problemsOf({
      planners: ['ok', 3, ['name', {}, 'extra'], ['']],
      sinks: 'not-a-list',
      store: 5,
    });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        {
          path: 'planners[1]',
          message: 'expected a plugin name or path, or [name, options], got 3',
        },
        { path: 'planners[2]', message: expect.stringContaining('got ["name",{},"extra"]') },
        { path: 'planners[3][0]', message: 'expected a plugin name or path, got ""' },
        { path: 'sinks', message: 'expected a list of sinks, got "not-a-list"' },
        { path: 'store', message: expect.stringMatching(/^expected "memory" or a plugin name/) },
      ]),
    );
  });

  it('refuses a config that is not an object', () => {
    for (const raw of [[], 'text', 3, true]) {
      expect(problemsOf(raw).message).toMatch(
        /^chorale\.config\.json: expected an object \(the config\), got /,
      );
    }
  });

  it('refuses __proto__ and constructor keys instead of merging them', () => {
    const raw = JSON.parse('{"__proto__": {"logLevel": "debug"}, "constructor": 1}');
    const error = problemsOf(raw);
    expect(error.problems.map((p) => p.path).sort()).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).logLevel).toBeUndefined();
  });

  it('accepts $schema and ignores it', () => {
    expect(parseConfig({ $schema: './schema.json' })).not.toHaveProperty('$schema');
  });

  it('never throws anything but a ConfigError, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.dictionary(
          fc.constantFrom('session', 'planners', 'store', 'logLevel', 'detector', 'transport'),
          fc.jsonValue(),
        ),
        (a, b) => {
          for (const raw of [a, b]) {
            try {
              parseConfig(raw);
            } catch (error) {
              expect(error).toBeInstanceOf(ConfigError);
              expect((error as ConfigError).problems.length).toBeGreaterThan(0);
            }
          }
        },
      ),
    );
  });
});

describe('the http key', () => {
  it('takes a listen address and a token, or false to turn the server off', () => {
    expect(parseConfig({ http: { listen: '0.0.0.0:0', token: 's3cret' } }).http).toEqual({
      listen: '0.0.0.0:0',
      token: 's3cret',
    });
    expect(parseConfig({ http: { listen: '[::1]:8080' } }).http).toEqual({ listen: '[::1]:8080' });
    expect(parseConfig({ http: false }).http).toBe(false);
  });

  it('refuses a malformed listen address, an empty token and unknown keys', () => {
    for (const listen of ['7700', 'localhost', '127.0.0.1:70000', 'http://127.0.0.1:7700', '']) {
      expect(() => parseConfig({ http: { listen } }), listen).toThrow(
        /http\.listen: expected a "host:port" address/,
      );
    }
    expect(() => parseConfig({ http: { token: '' } })).toThrow(/http\.token: expected a token/);
    expect(() => parseConfig({ http: { lisen: 'x' } })).toThrow(
      /http\.lisen: unknown key \(did you mean "listen"\?\)/,
    );
    expect(() => parseConfig({ http: true })).toThrow(
      /http: expected false or \{ listen, token \}/,
    );
  });

  it('splits host and port, IPv6 in brackets', () => {
    expect(parseListen('127.0.0.1:7700')).toEqual({ host: '127.0.0.1', port: 7700 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen('localhost:80')).toEqual({ host: 'localhost', port: 80 });
    expect(parseListen('::1:80')).toBeUndefined();
  });
});

describe('the planner chain keys: plannerCache, tokenBudget, redaction', () => {
  it('takes a cache TTL as a duration, entry and token counts, 0 for off or no limit', () => {
    const config = parseConfig({
      plannerCache: { ttl: '30m', maxEntries: 0 },
      tokenBudget: { perSession: 0, perHour: 100_000 },
      redaction: false,
    });
    expect(config.plannerCache).toEqual({ ttl: 1_800_000, maxEntries: 0 });
    expect(config.tokenBudget).toEqual({ perSession: 0, perHour: 100_000 });
    expect(config.redaction).toBe(false);
    expect(parseConfig({ plannerCache: { ttl: 90_000 } }).plannerCache).toEqual({
      ttl: 90_000,
      maxEntries: 1_000,
    });
    expect(parseConfig({ tokenBudget: { perHour: 1 } }).tokenBudget).toEqual({
      perSession: 20_000,
      perHour: 1,
    });
  });

  it('names the key of every bad value', () => {
    const error = problemsOf({
      plannerCache: { ttl: 'soon', maxEntries: -1 },
      tokenBudget: { perSession: 1.5, perHour: '500k' },
      redaction: 'yes',
    });
    expect(error.problems).toEqual([
      { path: 'plannerCache.ttl', message: expect.stringMatching(/^expected a duration/) },
      {
        path: 'plannerCache.maxEntries',
        message: 'expected a non-negative integer (0 turns the cache off), got -1',
      },
      {
        path: 'tokenBudget.perSession',
        message: 'expected a non-negative integer of tokens (0 for no limit), got 1.5',
      },
      {
        path: 'tokenBudget.perHour',
        message: 'expected a non-negative integer of tokens (0 for no limit), got "500k"',
      },
      { path: 'redaction', message: 'expected true or false, got "yes"' },
    ]);
    expect(() => parseConfig({ tokenBudget: { perHours: 5 } })).toThrow(
      /tokenBudget\.perHours: unknown key \(did you mean "perHour"\?\)/,
    );
    expect(() => parseConfig({ plannerCahce: {} })).toThrow(
      /plannerCahce: unknown key \(did you mean "plannerCache"\?\)/,
    );
  });
});

describe('defineConfig', () => {
  it('returns its argument as it is', () => {
    const config = { session: { maxParticipants: 3 }, planners: ['@chorale/planner-template'] };
    expect(defineConfig(config)).toBe(config);
  });
});
