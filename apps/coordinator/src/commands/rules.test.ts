import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, chorale, oneLine, tempDir } from '../__fixtures__/cli.js';

const TIMEOUT = 30_000;

interface Verdicts {
  matched: string[];
  best: { relationship: string; confidence: number; reason: string } | null;
  verdicts: { rule: string; matched: boolean; keywords: { a: string[]; b: string[] } }[];
}

let temp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  assertBuilt();
  temp = await tempDir();
});
afterAll(() => temp.remove());

async function test(text1: string, text2: string): Promise<Verdicts> {
  const run = await chorale(temp.dir, 'rules', 'test', text1, text2, '--json');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(run.stdout) as Verdicts;
}

describe('chorale rules test', () => {
  it(
    'an API definition and its implementation match API_Contract, and say why',
    async () => {
      const out = await test('Define user authentication API', 'Implement authentication endpoint');
      expect(out.matched).toContain('API_Contract');
      expect(out.best).toEqual({
        relationship: 'API_Contract',
        confidence: 0.85,
        reason: 'API definition and implementation dependency',
        order: 'a_first',
        evidence: {
          a: ['api', 'authentication'],
          b: ['endpoint', 'authentication'],
          references: [],
          signals: expect.arrayContaining(['both name an API']),
        },
      });
      const api = out.verdicts.find((v) => v.rule === 'API_Contract');
      expect(api?.keywords).toEqual({ a: ['api'], b: ['endpoint'] });
      // every standard rule gets a verdict
      expect(out.verdicts.map((v) => v.rule)).toEqual(
        expect.arrayContaining([
          'API_Contract',
          'Database_Schema',
          'Configuration_Dependency',
          'Security_Compliance',
        ]),
      );
    },
    TIMEOUT,
  );

  it(
    'words, not substrings: "rapid" has no "api", "author" no "auth"',
    async () => {
      const out = await test('rapid prototype', 'implement author page');
      expect(out.matched).not.toContain('API_Contract');
      expect(out.matched).toEqual([]);
      expect(out.best).toBeNull();
    },
    TIMEOUT,
  );

  it(
    '"stable" has no "table": no Database_Schema',
    async () => {
      const out = await test('Keep the stable release green', 'Update the user service');
      expect(out.matched).not.toContain('Database_Schema');
    },
    TIMEOUT,
  );

  it(
    'readable output marks the matching rule and what would be reported',
    async () => {
      const run = await chorale(
        temp.dir,
        'rules',
        'test',
        'Add user preferences table',
        'Update user service for preferences',
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/✔ Database_Schema/);
      expect(run.stdout).toMatch(/· API_Contract +no match/);
      // the match shows its order and evidence
      expect(run.stdout).toMatch(/ {4}order: text1 first/);
      expect(run.stdout).toMatch(/ {4}terms: \[.*table.*\] \/ \[.*preferences.*\]/);
      expect(run.stdout).toMatch(/ {4}signal: shared term "preferenc" \(both titles, \d\.\d\)/);
      expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('→ Database_Schema would be reported');
    },
    TIMEOUT,
  );

  it(
    'with one text only: a usage error naming the missing argument',
    async () => {
      const run = await chorale(temp.dir, 'rules', 'test', 'only one');
      expect(run.code).toBe(2);
      expect(oneLine(run.stderr)).toMatch(/missing required argument 'text2'/);
    },
    TIMEOUT,
  );
});
