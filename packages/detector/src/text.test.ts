import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { taskFromText, taskText, tokenize } from './text.js';

const words = (s: string) => [...tokenize(s).words];
const t = (title: string, description = '', keywords: string[] = []) =>
  taskText(taskFromText(title, { description, keywords }));

describe('tokenize', () => {
  it('lower-cases and splits on anything that is not a letter or digit', () => {
    expect(tokenize('Define user-facing API (v2), now!').tokens).toEqual([
      'define',
      'user',
      'facing',
      'api',
      'v',
      '2',
      'now',
    ]);
  });

  it('keeps snake_case and kebab-case words whole as well as their parts', () => {
    expect(words('user_preferences')).toEqual(['user_preferences', 'user', 'preferences']);
    expect(words('feature-flag')).toEqual(['feature-flag', 'feature', 'flag']);
  });

  it('splits camelCase and acronyms, keeping the whole word too', () => {
    expect(words('getUserPreferences')).toEqual([
      'getuserpreferences',
      'get',
      'user',
      'preferences',
    ]);
    expect(words('JWTToken')).toEqual(['jwttoken', 'jwt', 'token']);
    expect(words('OAuth2')).toEqual(['oauth2', 'o', 'auth', '2']);
  });

  it('handles letters beyond ASCII', () => {
    expect(words('Café naïve 日本語')).toEqual(['café', 'naïve', '日本語']);
  });

  it('never throws; words are non-empty and lower-case', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const { tokens, words } = tokenize(s);
        for (const w of [...tokens, ...words]) {
          expect(w).not.toBe('');
          expect(w).toBe(w.toLowerCase());
          expect(w).not.toMatch(/\s/u);
        }
        for (const token of tokens) expect(words.has(token)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is fast on huge texts', () => {
    const huge = 'lorem_ipsum dolorSit amet-consectetur '.repeat(50_000);
    const started = performance.now();
    expect(tokenize(huge).words.size).toBe(9);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('TaskText', () => {
  it('reads title, description and keywords', () => {
    const text = t('Add table', 'for Preferences', ['MIGRATION']);
    expect(text.has('table')).toBe(true);
    expect(text.has('Preferences')).toBe(true);
    expect(text.has('migration')).toBe(true);
  });

  it('matches words, not substrings', () => {
    const text = t('Rapid prototyping by the author', 'Make the build stable');
    expect(text.has('api')).toBe(false);
    expect(text.has('auth')).toBe(false);
    expect(text.has('table')).toBe(false);
    expect(text.has('rapid')).toBe(true);
    expect(text.has('')).toBe(false);
  });

  it('find returns the first word present', () => {
    expect(t('Update the schema').find(['database', 'schema', 'update'])).toBe('schema');
    expect(t('Update the schema').find(['database'])).toBeUndefined();
  });

  it('hasPhrase needs the words in order, next to each other, in one field', () => {
    const text = t('Add feature flag for new UI', 'Checks in backend');
    expect(text.hasPhrase('feature flag')).toBe(true);
    expect(text.hasPhrase('Feature-Flag')).toBe(true);
    expect(text.hasPhrase('flag feature')).toBe(false);
    expect(text.hasPhrase('add flag')).toBe(false);
    expect(text.hasPhrase('ui checks')).toBe(false);
    expect(text.hasPhrase('new')).toBe(true);
    expect(text.hasPhrase('  ')).toBe(false);
  });

  it('hasPrefix matches the start of a word', () => {
    const text = t('Implementation of the authenticator');
    expect(text.hasPrefix('implement')).toBe(true);
    expect(text.hasPrefix('Authenticat')).toBe(true);
    expect(text.hasPrefix('mplement')).toBe(false);
    expect(text.hasPrefix('authoriz')).toBe(false);
    expect(text.hasPrefix('')).toBe(false);
  });

  it('never throws on any task text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'grapheme' }),
        fc.array(fc.string()),
        fc.string(),
        (title, description, keywords, probe) => {
          const text = t(title, description, keywords);
          text.has(probe);
          text.hasPhrase(probe);
          text.hasPrefix(probe);
          text.find([probe]);
          for (const w of text.words) expect(text.has(w)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('tokenize: the ASCII fast path', () => {
  // A non-ASCII word at the end sends the whole text through the regexes: the words before it
  // must come out the same, in the same order, as from the one-pass ASCII scanner.
  const viaRegexes = (s: string) => {
    const { tokens, words } = tokenize(`${s} é`);
    return { tokens: tokens.slice(0, -1), words: [...words].filter((w) => w !== 'é') };
  };
  const ascii = fc.string({
    unit: fc.constantFrom(...'aAbBzZ019_-.# :Jw'.split('')),
    maxLength: 40,
  });

  it('splits ASCII text as the Unicode regexes do', () => {
    for (const s of [
      'HTTPServer2Go oauth2 JWTToken',
      'OTEL_SDK_DISABLED __x__ a--b -a- IPIP-402',
    ]) {
      const fast = tokenize(s);
      expect({ tokens: fast.tokens, words: [...fast.words] }).toEqual(viaRegexes(s));
    }
    fc.assert(
      fc.property(ascii, (s) => {
        const fast = tokenize(s);
        expect({ tokens: fast.tokens, words: [...fast.words] }).toEqual(viaRegexes(s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('TaskText.repository', () => {
  it('is the repository as the detector compares repositories; empty for a task without one', () => {
    const cases: [string, string][] = [
      ['Acme/API', 'acme/api'],
      ['https://github.com/acme/vscode-python.git', 'acme/vscode-python'],
      ['git@gitlab.com:group/sub/repo.git', 'sub/repo'],
    ];
    for (const [given, expected] of cases) {
      expect(taskText(taskFromText('x', { repository: given })).repository).toBe(expected);
    }
    expect(taskText(taskFromText('x', { repository: undefined as never })).repository).toBe('');
  });
});
