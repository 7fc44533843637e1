import type { DependencyRule, RuleMatch, TaskText } from '@chorale/core';
import { confidence, Match } from './match.js';
import { type Overlap, subjectOverlap } from './overlap.js';
import { perText } from './per-text.js';
import { subjectGate } from './rarity.js';
import { hasAny, Phrases, present, stems, WordList } from './word-lists.js';

/**
 * Words of changing the schema itself: such a task goes before the tasks that use it. A migration
 * is one; the verb "migrate" alone is not (code, an API, a platform are migrated as often), and
 * with a database it comes with one of these words or DB_WORDS anyway.
 */
const SCHEMA_CHANGE = new WordList([
  'schema',
  'schemas',
  'migration',
  'migrations',
  'table',
  'tables',
  'column',
  'columns',
  'ddl',
]);
/** Words of database work: changing the schema, or naming the database itself. */
const DB_WORDS = new WordList([
  ...SCHEMA_CHANGE,
  'database',
  'databases',
  'db',
  'sql',
  'postgres',
  'postgresql',
  'mysql',
  'sqlite',
  'mongodb',
  'orm',
]);
/** `model` alone is too many things (an ML model, a view model); these phrases are a data model. */
const DB_PHRASES = new Phrases(['data model', 'database model', 'foreign key', 'primary key']);
const VOCABULARY = stems([...DB_WORDS, 'model', 'models', 'data']);

const dbWork = perText((t: TaskText): boolean => hasAny(t, DB_WORDS) || DB_PHRASES.anyIn(t));

/** A subject specific enough to tie a schema change to a service: a compound or a longer word. */
function specific(subject: string): boolean {
  return subject.length >= 5 || /[_-]/.test(subject);
}

/**
 * One task changes a database (schema, table, migration, ...) and the other works on the same
 * entity (they share a subject word: "Add user preferences table" / "Update user service for
 * preferences"); or both are database work on the same subject. The schema change goes first.
 */
export const databaseSchema: DependencyRule = {
  name: 'Database_Schema',
  description: 'Database schema changes affecting multiple services',
  keywords: ['database', 'schema', 'migration', 'table', 'model'],
  validate(a, b, corpus): RuleMatch | null {
    const dbA = dbWork(a);
    const dbB = dbWork(b);
    if (!dbA && !dbB) return null;
    const overlap = subjectOverlap(a, b, corpus, VOCABULARY);
    // the subject counts when it is rare enough among the known tasks (see subjectGate)
    const shared = overlap.score >= subjectGate(corpus) ? overlap.a : [];
    const strong = shared.length >= 2 || shared.some(specific);
    let score: number;
    if (dbA && dbB) {
      if (shared.length === 0) return null;
      score = 0.75 + (strong ? 0.1 : 0);
    } else {
      if (!strong) return null;
      score = 0.6 + (shared.length >= 2 ? 0.1 : 0) + (shared.length >= 3 ? 0.05 : 0);
    }
    const match = new Match(
      'Database schema change affects the services that use it',
      confidence(Math.min(score, 0.9)),
      () =>
        evidence(present(a, DB_WORDS), present(b, DB_WORDS), overlap, [
          dbA && dbB ? 'both are database work' : 'one changes a database, the other uses it',
        ]),
    );
    const changeA = hasAny(a, SCHEMA_CHANGE);
    const changeB = hasAny(b, SCHEMA_CHANGE);
    if (dbA && !dbB) match.first = 'a';
    else if (dbB && !dbA) match.first = 'b';
    else if (changeA !== changeB) match.first = changeA ? 'a' : 'b';
    return match;
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
