import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  mergeFindings,
  redactDeep,
  redactionMarker,
  redactSecrets,
  SECRET_KINDS,
  type SecretKind,
} from './redact.js';

interface Positive {
  kind: SecretKind;
  text: string;
  /** A part of the secret that must be gone. */
  secret: string;
  /** The whole redacted text, where the sample pins it. */
  redacted?: string;
}

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
const positives = fixture('secrets-positive.json') as Positive[];
const negatives = fixture('secrets-negative.json') as string[];

describe('redactSecrets: the corpus', () => {
  it('has a positive sample of every kind', () => {
    expect(new Set(positives.map((p) => p.kind))).toEqual(new Set(SECRET_KINDS));
  });

  it.each(positives.map((p) => [p.kind, p.text.slice(0, 60), p] as const))(
    'redacts %s: %s',
    (kind, _label, sample) => {
      const result = redactSecrets(sample.text);
      expect(result.text).toContain(redactionMarker(kind));
      expect(result.text).not.toContain(sample.secret);
      expect(result.findings).toEqual([{ kind, count: 1 }]);
      if (sample.redacted !== undefined) expect(result.text).toBe(sample.redacted);
    },
  );

  it.each(negatives.map((text) => [text.slice(0, 70), text] as const))(
    'leaves alone: %s',
    (_label, text) => {
      const result = redactSecrets(text);
      expect(result.text).toBe(text);
      expect(result.findings).toEqual([]);
    },
  );

  it('is idempotent: a redacted text is unchanged the second time', () => {
    for (const sample of positives) {
      const once = redactSecrets(sample.text).text;
      expect(redactSecrets(once)).toEqual({ text: once, findings: [] });
    }
  });
});

describe('redactSecrets: several secrets in one text', () => {
  it('counts each kind, and the specific kind wins over the assignment it sits in', () => {
    const key = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
    const text = `GITHUB_TOKEN=${key}\nretry with ${key}\nAWS key AKIAIOSFODNN7EXAMPLE, password=hunter22`;
    const result = redactSecrets(text);
    expect(result.text).toBe(
      'GITHUB_TOKEN=[REDACTED:github_token]\nretry with [REDACTED:github_token]\nAWS key [REDACTED:aws_access_key_id], password=[REDACTED:password]',
    );
    expect(result.findings).toEqual(
      expect.arrayContaining([
        { kind: 'github_token', count: 2 },
        { kind: 'aws_access_key_id', count: 1 },
        { kind: 'password', count: 1 },
      ]),
    );
    expect(result.findings).toHaveLength(3);
  });

  it('returns the very same string when there is nothing to redact', () => {
    const text = 'The client must follow the new API contract for /v2/users';
    expect(redactSecrets(text).text).toBe(text);
  });
});

describe('redactSecrets: hostile input', () => {
  // Unanchored versions of these patterns backtrack quadratically (36 s for the first text);
  // anchored ones return in about a millisecond, far inside the test's timeout.
  it.each([
    ['"a-a-a-" after a key name', `token ${'a-'.repeat(32_000)}`],
    ['"a.a.a." after a key name', `password ${'a.'.repeat(32_000)}`],
    ['almost-JWT segments', 'eyJaaaaaaaaaa.aaaaaaaaaaaaa.'.repeat(2_300)],
    ['scheme-like runs', 'x://a:'.repeat(10_000)],
  ])('64 KiB of %s come back unchanged', (_label, text) => {
    expect(redactSecrets(text)).toEqual({ text, findings: [] });
  });
});

describe('redactDeep', () => {
  it('redacts strings at any depth and keeps untouched branches as they are', () => {
    const clean = { title: 'Add OAuth2', keywords: ['api', 'auth'] };
    const value = {
      clean,
      nested: { list: ['x', 'token=abc123def'], n: 3, flag: true, none: null },
    };
    const result = redactDeep(value);
    expect(result.value).toEqual({
      clean,
      nested: { list: ['x', 'token=[REDACTED:token]'], n: 3, flag: true, none: null },
    });
    expect(result.value.clean).toBe(clean);
    expect(value.nested.list[1]).toBe('token=abc123def');
    expect(result.findings).toEqual([{ kind: 'token', count: 1 }]);
  });

  it('returns the value itself when nothing changed', () => {
    const value = { a: ['b', { c: 'd' }] };
    expect(redactDeep(value).value).toBe(value);
  });
});

describe('mergeFindings', () => {
  it('adds the counts of each kind', () => {
    expect(
      mergeFindings(
        [{ kind: 'jwt', count: 1 }],
        [],
        [
          { kind: 'jwt', count: 2 },
          { kind: 'npm_token', count: 1 },
        ],
      ),
    ).toEqual([
      { kind: 'jwt', count: 3 },
      { kind: 'npm_token', count: 1 },
    ]);
  });
});
