import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { termOf } from '../analysis.js';
import { NO_TERM, Vocabulary } from './vocabulary.js';

describe('Vocabulary', () => {
  it('gives a word an id and its term the id of the term string (the word itself when it is its own term)', () => {
    const vocabulary = new Vocabulary();
    const preferences = vocabulary.use('preferences');
    const term = vocabulary.term(preferences);
    expect(vocabulary.word(term)).toBe('preferenc');
    expect(term).not.toBe(preferences);
    // a word that is its own term
    const api = vocabulary.use('api');
    expect(vocabulary.term(api)).toBe(api);
    // a stop word or a task verb names no subject
    expect(vocabulary.term(vocabulary.use('the'))).toBe(NO_TERM);
    expect(vocabulary.term(vocabulary.use('implementation'))).toBe(NO_TERM);
    // the same string is the same id, whether met as a word or as a term
    expect(vocabulary.use('preferenc')).toBe(term);
    expect(vocabulary.id('api')).toBe(api);
  });

  it('frees a word at its last use, and its term with it; freed ids are reused', () => {
    const vocabulary = new Vocabulary();
    const first = vocabulary.use('migrations');
    vocabulary.use('migrations');
    const term = vocabulary.term(first);
    expect(vocabulary.size).toBe(2);
    vocabulary.unuse(first);
    expect(vocabulary.id('migrations')).toBe(first);
    vocabulary.unuse(first);
    expect(vocabulary.id('migrations')).toBeUndefined();
    expect(vocabulary.id(vocabulary.word(term) ?? '')).toBeUndefined();
    expect(vocabulary.size).toBe(0);
    const again = vocabulary.use('schema');
    expect([first, term]).toContain(again);
    expect(vocabulary.capacity).toBeGreaterThanOrEqual(2);
  });

  it('keeps a term while another word with that term is used', () => {
    const vocabulary = new Vocabulary();
    const a = vocabulary.use('gauges');
    const b = vocabulary.use('gauge');
    const term = vocabulary.term(a);
    expect(vocabulary.term(b)).toBe(term);
    vocabulary.unuse(a);
    expect(vocabulary.word(term)).toBe(termOf('gauge'));
    vocabulary.unuse(b);
    expect(vocabulary.size).toBe(0);
  });

  it('keeps a word cut from a long text without keeping the text', () => {
    // V8 keeps a slice of 13 characters or more as a view into the whole string
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const vocabulary = new Vocabulary();
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = heap();
    const words: string[] = [];
    for (let i = 0; i < 40; i++) {
      // a megabyte of text each, lower-cased whole, then a word cut from it
      const text = `${'lorem ipsum '.repeat(1 << 16)}unicodeVersionV${i}s`.toLowerCase();
      const word = text.slice(text.length - 20);
      words.push(vocabulary.word(vocabulary.use(word)));
    }
    // 40 texts of 786 KB each would be 31 MB
    expect(heap() - before).toBeLessThan(8 * 1024 * 1024);
    expect(words[7]).toBe('um unicodeversionv7s');
  });

  it('grows past its first arrays', () => {
    const vocabulary = new Vocabulary();
    const ids = Array.from({ length: 5000 }, (_, i) => vocabulary.use(`word${i}x`));
    expect(new Set(ids).size).toBe(5000);
    expect(vocabulary.word(ids[4999]!)).toBe('word4999x');
    for (const id of ids) vocabulary.unuse(id);
    expect(vocabulary.size).toBe(0);
  });
});

describe('Vocabulary look-ups (hot words and the map)', () => {
  it('finds every word in use, and no freed one, among more words than hot slots (property)', () => {
    // 6,000 words on 4,096 slots: words share slots, and take them from one another by uses
    const words = Array.from({ length: 6000 }, (_, i) => `w${i.toString(36)}x`);
    const op = fc.record({
      word: fc.integer({ min: 0, max: words.length - 1 }),
      use: fc.boolean(),
      times: fc.integer({ min: 1, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(op, { minLength: 200, maxLength: 3000 }), (ops) => {
        const vocabulary = new Vocabulary();
        const uses = new Map<string, number>();
        const ids = new Map<string, number>();
        for (const { word: w, use, times } of ops) {
          const word = words[w]!;
          for (let t = 0; t < times; t++) {
            if (use) {
              const id = vocabulary.use(word);
              if (ids.has(word)) expect(id).toBe(ids.get(word));
              ids.set(word, id);
              uses.set(word, (uses.get(word) ?? 0) + 1);
            } else if (uses.has(word)) {
              vocabulary.unuse(ids.get(word)!);
              const left = uses.get(word)! - 1;
              if (left === 0) {
                uses.delete(word);
                ids.delete(word);
              } else uses.set(word, left);
            }
            // the word asked was just looked up: it is hot now, or its slot's word has more uses
            expect(vocabulary.id(word)).toBe(ids.get(word));
          }
        }
        for (const word of words) expect(vocabulary.id(word)).toBe(ids.get(word));
        const found = new Int32Array(words.length);
        const kept = words.filter((word) => ids.has(word));
        vocabulary.useAll(kept, found);
        expect([...found.subarray(0, kept.length)]).toEqual(kept.map((word) => ids.get(word)));
      }),
      { numRuns: 40 },
    );
  });
});

describe('Vocabulary.useAll', () => {
  it('gives the ids and counts of `use` word by word: words repeated, new, or the term of a word before them (property)', () => {
    // words and their terms (`preferences` → `preferenc`), so a batch meets a word whose id was
    // made for the term of a word before it in the same batch
    const words = [
      'preferences',
      'preferenc',
      'gauge',
      'gauges',
      'api',
      'the',
      'migrations',
      'migrat',
      'AddLink',
    ];
    const batch = fc.array(fc.constantFrom(...words), { maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.tuple(batch, fc.boolean()), { maxLength: 8 }), (steps) => {
        const oneByOne = new Vocabulary();
        const together = new Vocabulary();
        const used: number[][] = [];
        for (const [batch, release] of steps) {
          const expected = batch.map((w) => oneByOne.use(w));
          const ids = new Int32Array(batch.length);
          together.useAll(batch, ids);
          expect([...ids]).toEqual(expected);
          used.push(expected);
          // an earlier batch released in both: freed ids are reused alike
          if (release && used.length > 1) {
            for (const id of used.shift()!) {
              oneByOne.unuse(id);
              together.unuse(id);
            }
          }
          expect(together.size).toBe(oneByOne.size);
        }
        // every use counted: releasing what is left frees every word of both
        for (const ids of used) {
          for (const id of ids) {
            oneByOne.unuse(id);
            together.unuse(id);
          }
        }
        expect(together.size).toBe(0);
        expect(oneByOne.size).toBe(0);
      }),
    );
  });
});

describe('Vocabulary.useAll without room', () => {
  it('throws, and uses no word', () => {
    const vocabulary = new Vocabulary();
    expect(() => vocabulary.useAll(['alpha', 'beta'], new Int32Array(1))).toThrow(RangeError);
    expect(vocabulary.size).toBe(0);
  });
});

describe('Vocabulary.freedSince', () => {
  it('tells the ids freed since a count, and undefined once it no longer knows them all', () => {
    const vocabulary = new Vocabulary();
    const a = vocabulary.use('alpha');
    const b = vocabulary.use('beta');
    const seen = vocabulary.freed;
    expect(vocabulary.freedSince(seen)).toEqual([]);
    vocabulary.unuse(a);
    expect(vocabulary.freedSince(seen)).toEqual([a]);
    vocabulary.unuse(b);
    expect(vocabulary.freedSince(seen)).toEqual([a, b]);
    expect(vocabulary.freedSince(seen + 1)).toEqual([b]);
    expect(vocabulary.freedSince(vocabulary.freed + 1)).toBeUndefined();
    // thousands of frees: the log starts over, and a reader that far behind is told so
    const ids = Array.from({ length: 10_000 }, (_, i) => vocabulary.use(`w${i}x`));
    for (const id of ids) vocabulary.unuse(id);
    expect(vocabulary.freedSince(seen)).toBeUndefined();
    const last = vocabulary.freed;
    vocabulary.unuse(vocabulary.use('gamma'));
    expect(vocabulary.freedSince(last)).toHaveLength(1);
  });
});
