import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identifiersOf, isStopWord, stem, termOf } from './analysis.js';
import { taskFromText, taskText } from './text.js';

describe('stem', () => {
  const same = (words: string[]) => new Set(words.map(stem));

  it('gives the forms of one word one stem', () => {
    expect(
      same(['implement', 'implements', 'implemented', 'implementing', 'implementation']),
    ).toEqual(new Set(['implement']));
    expect(same(['migrate', 'migrated', 'migrating', 'migration', 'migrations'])).toEqual(
      new Set(['migr']),
    );
    expect(
      same(['configure', 'configured', 'configuration', 'configurator', 'configurable', 'config']),
    ).toEqual(new Set(['configur']));
    expect(same(['specify', 'specifies', 'specified', 'specification', 'spec', 'specs'])).toEqual(
      new Set(['specif']),
    );
    expect(same(['policy', 'policies'])).toEqual(new Set(['polici']));
    expect(same(['enable', 'enabled', 'enables'])).toEqual(new Set(['enabl']));
    expect(same(['deploy', 'deploying', 'deployment', 'deployments'])).toEqual(new Set(['deploy']));
    expect(same(['run', 'running', 'runs'])).toEqual(new Set(['run']));
    expect(same(['patch', 'patches'])).toEqual(new Set(['patch']));
  });

  it('keeps words apart that only look alike', () => {
    expect(stem('string')).toBe('string');
    expect(stem('status')).toBe('status');
    expect(stem('analysis')).toBe('analysis');
    expect(stem('document')).not.toBe(stem('docu'));
    expect(stem('implement')).toBe('implement');
  });

  it('leaves short words, numbers and non-ASCII words as they are', () => {
    expect(stem('api')).toBe('api');
    expect(stem('402')).toBe('402');
    expect(stem('naïve')).toBe('naïve');
  });

  it('stems the names of Object.prototype members like any other word', () => {
    for (const word of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(typeof stem(word)).toBe('string');
      expect(stem(word)).toBe(stem(word).toLowerCase());
    }
    expect(stem('constructors')).toBe(stem('constructor'));
  });

  it('never throws and gives a non-empty lower-case stem', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z]{1,20}$/), (w) => {
        const s = stem(w);
        expect(s.length).toBeGreaterThan(0);
        expect(s).toBe(s.toLowerCase());
      }),
    );
  });
});

describe('stop words', () => {
  it('knows English function words, task verbs and template boilerplate, in any form', () => {
    for (const w of ['the', 'implementing', 'updates', 'behavior', 'reproduce', 'https']) {
      expect(isStopWord(w), w).toBe(true);
    }
    for (const w of ['gauge', 'scope', 'migration', 'gateway'])
      expect(isStopWord(w), w).toBe(false);
    expect(termOf('Migrations')).toBe('migr');
    expect(termOf('255')).toBeUndefined();
    expect(termOf('the')).toBeUndefined();
  });
});

describe('identifiersOf', () => {
  const ids = (s: string) => [...identifiersOf(s)].sort();

  it('keeps camelCase, snake_case, SCREAMING_CASE and numbered kebab-case names whole', () => {
    expect(ids('Add the AddLink method')).toEqual(['addlink']);
    expect(ids('Supports OTEL_SDK_DISABLED')).toEqual(['otel_sdk_disabled', 'otelsdkdisabled']);
    expect(ids('over WebTransport')).toEqual(['webtransport']);
    expect(ids('support IPIP-402 params')).toEqual(['ipip-402', 'ipip402']);
  });

  it('meets one name written in two styles', () => {
    expect(identifiersOf('Span.add_link()').has('addlink')).toBe(true);
    expect(identifiersOf('Span#addLink').has('addlink')).toBe(true);
    expect(identifiersOf('Span.AddLink').has('span.addlink')).toBe(true);
    expect(identifiersOf('Logger#enabled').has('logger.enabled')).toBe(true);
    expect(identifiersOf('Logger.Enabled').has('logger.enabled')).toBe(true);
  });

  it('does not take English, file names, hosts or abbreviations for code', () => {
    expect(ids('a user-facing, low-memory API; see README.md at example.com, e.g. this')).toEqual(
      [],
    );
    expect(ids('OTLP and API and Gauge')).toEqual([]);
  });

  it('finds in ASCII text, without regexes, what the Unicode regexes find, in the same order', () => {
    // A non-ASCII word at the end sends the whole text through the regexes; it adds no identifier.
    const viaRegexes = (s: string) => [...identifiersOf(`${s} é`)];
    const ascii = fc.string({
      unit: fc.constantFrom(...'aAbBzZ019_-.#: \t\nJw()'.split('')),
      maxLength: 40,
    });
    fc.assert(
      fc.property(ascii, (s) => {
        expect([...identifiersOf(s)]).toEqual(viaRegexes(s));
      }),
      { numRuns: 3000 },
    );
    for (const s of ['Span.AddLink()', 'session. note: OTEL_SDK_DISABLED.', 'aB a1B ABc x::Y:']) {
      expect([...identifiersOf(s)]).toEqual(viaRegexes(s));
    }
  });
});

describe('TaskText analysis', () => {
  const t = (title: string, description = '') => taskText(taskFromText(title, { description }));

  it('has stemmed terms without stop words, title terms apart, and identifiers', () => {
    const text = t('Implement scope configuration', 'Follows the Tracer.Enabled spec changes.');
    expect([...text.terms].sort()).toEqual(['configur', 'enabl', 'scop', 'specif', 'tracer']);
    expect([...text.titleTerms].sort()).toEqual(['configur', 'scop']);
    expect([...text.identifiers]).toEqual(['tracer.enabled']);
  });

  it('hasTerm stems its argument and sees stop words too', () => {
    const text = t('Migrations for the scope configs');
    expect(text.hasTerm('migrate')).toBe(true);
    expect(text.hasTerm('configuration')).toBe(true);
    expect(text.hasTerm('for')).toBe(true);
    expect(text.hasTerm('gauge')).toBe(false);
    expect(text.hasTerm('')).toBe(false);
  });
});
