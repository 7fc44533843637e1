import type { TaskContext } from '@chorale/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeRepository } from '../cross-reference.js';
import { analyse, packedText, taskText, textIds } from '../text.js';
import type { TextIds } from '../text-ids.js';
import { PackedTexts } from './packed-texts.js';

function task(title: unknown, description: unknown, keywords: unknown[] = []): TaskContext {
  return {
    taskId: 1,
    projectId: 1,
    repository: 'org/a',
    title,
    description,
    keywords,
    agentId: 'a',
  } as TaskContext;
}

/** Everything a rule can read of a text, in order. */
function view(text: ReturnType<typeof taskText>) {
  return {
    tokens: [...text.tokens],
    words: [...text.words],
    terms: [...text.terms],
    titleTerms: [...text.titleTerms],
    titlePhrases: [...text.titlePhrases],
    identifiers: [...text.identifiers],
  };
}

/** A text's ids as the strings of its sets (what `view` reads of its TaskText). */
function idsView(ids: TextIds) {
  const word = (id: number) => ids.vocabulary.word(id);
  const phrases: string[] = [];
  for (let i = 0; i < ids.titlePhrases.length; i += 2) {
    phrases.push(`${word(ids.titlePhrases[i]!)} ${word(ids.titlePhrases[i + 1]!)}`);
  }
  return {
    tokens: ids.tokens.map(word),
    words: ids.words.map(word),
    terms: ids.terms.map(word),
    titleTerms: ids.terms.slice(0, ids.titleTermCount).map(word),
    titlePhrases: phrases,
    identifiers: ids.identifiers.map(word),
  };
}

/** Fields mixing code names, stop words, stems, other scripts, empty and missing ones. */
const field = fc.oneof(
  fc
    .array(
      fc.constantFrom(
        'Implement',
        'implementation',
        'the',
        'API',
        'api',
        'user_preferences',
        'getUserPrefs',
        'OTEL_SDK_DISABLED',
        'Span.AddLink',
        'IPIP-402',
        'migration',
        'migrate',
        'schema',
        'v1.2.0',
        'feature flag',
        'rate-limit',
        'wörds',
        'a',
        '42',
        ',',
        '.',
      ),
      { maxLength: 14 },
    )
    .map((parts) => parts.join(' ')),
  fc.string({ unit: fc.constantFrom(...'aAbBzZ019_-.#: Jw'.split('')), maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constant(''),
  fc.constant(undefined),
);

describe('PackedTexts', () => {
  it('gives back the analysis it packed: the same text, word for word and in order', () => {
    const packed = new PackedTexts();
    const t = task(
      'Implement user_preferences in getUserPrefs',
      'Blocked by OTEL_SDK_DISABLED and Span.AddLink; see IPIP-402. Ünïcode wörds too',
      ['feature flag', 'rate-limit'],
    );
    const analysis = analyse(t);
    const handle = packed.pack(analysis);
    const again = packed.unpack(handle);
    expect(again.tokens).toEqual(analysis.tokens);
    expect(view(taskText(t, again))).toEqual(view(taskText(t)));
    expect(taskText(t, again).hasPhrase('feature flag')).toBe(true);
    expect(taskText(t, again).hasPhrase('rate-limit')).toBe(true);
  });

  it('round-trips any task text (property)', () => {
    const packed = new PackedTexts();
    fc.assert(
      fc.property(
        field,
        field,
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }),
        (a, b, k) => {
          const t = task(a, b, k);
          const handle = packed.pack(analyse(t));
          expect(view(taskText(t, packed.unpack(handle)))).toEqual(view(taskText(t)));
          packed.release(handle);
        },
      ),
      { numRuns: 500 },
    );
    expect(packed.vocabularySize).toBe(0);
  });

  it('forgets a word with its last text and reuses released bytes', () => {
    const packed = new PackedTexts();
    const a = packed.pack(analyse(task('alpha beta', '')));
    const b = packed.pack(analyse(task('beta gamma', '')));
    expect(packed.vocabularySize).toBe(3);
    const used = packed.bytesUsed;
    packed.release(a);
    expect(packed.vocabularySize).toBe(2); // alpha is gone, beta is still used by b
    const c = packed.pack(analyse(task('delta beta', ''))); // same length as a: a's bytes
    expect(packed.bytesUsed).toBe(used);
    expect(taskText(task('delta beta', ''), packed.unpack(c)).has('delta')).toBe(true);
    expect([...taskText(task('beta gamma', ''), packed.unpack(b)).words]).toEqual([
      'beta',
      'gamma',
    ]);
  });

  it('keeps word ids of any size (multi-byte integers)', () => {
    const packed = new PackedTexts();
    const handles: number[] = [];
    for (let i = 0; i < 20_000; i++) handles.push(packed.pack(analyse(task(`w${i}x`, ''))));
    // each text: its own compound (w123x) and number, and the shared parts w and x
    expect(packed.vocabularySize).toBe(40_002);
    const last = taskText(task('w19999x', ''), packed.unpack(handles.at(-1)!));
    expect([...last.words]).toEqual(['w19999x', 'w', '19999', 'x']);
    for (const handle of handles) packed.release(handle);
    expect(packed.vocabularySize).toBe(0);
  });

  it('gives the ids of a packed text: its sets, in the same order, as ids (property)', () => {
    const packed = new PackedTexts();
    fc.assert(
      fc.property(field, field, fc.array(field, { maxLength: 3 }), (a, b, k) => {
        const t = task(
          a,
          b,
          k.filter((x) => x !== undefined),
        );
        const analysis = analyse(t);
        const handle = packed.pack(analysis);
        const ids = packed.ids(handle);
        expect(idsView(ids)).toEqual(view(taskText(t)));
        expect(ids.fieldEnds).toEqual(Array.from(analysis.fieldEnds));
        // the title's tokens and words come first: the title alone has these
        const title = taskText(task(a, undefined));
        expect(ids.tokens.slice(0, ids.titleEnd).map((id) => ids.vocabulary.word(id))).toEqual([
          ...title.tokens,
        ]);
        expect(ids.words.slice(0, ids.titleWordCount).map((id) => ids.vocabulary.word(id))).toEqual(
          [...title.words],
        );
        // a text made from the handle reads the same, its ids and its sets
        const text = packedText(t, packed, handle, normalizeRepository(t.repository));
        expect(idsView(textIds(text)!)).toEqual(view(taskText(t)));
        expect(view(text)).toEqual(view(taskText(t)));
        expect(text.repository).toBe(taskText(t).repository);
        packed.release(handle);
      }),
      { numRuns: 400 },
    );
    expect(packed.vocabularySize).toBe(0);
  });

  it('finds phrases by ids as a whole text finds them (property)', () => {
    const packed = new PackedTexts();
    const phrase = fc.oneof(
      fc.constantFrom(
        'feature flag',
        'user preferences',
        'rate limit',
        'implement the api',
        'the',
        'api',
        'user_preferences',
        'flag rate',
        'AddLink',
        '',
        '!!',
      ),
      fc.string({ unit: fc.constantFrom(...'ab _-A'.split('')), maxLength: 8 }),
    );
    fc.assert(
      fc.property(field, field, fc.array(phrase, { maxLength: 6 }), (a, b, phrases) => {
        const t = task(a, b, ['feature flag']);
        const handle = packed.pack(analyse(t));
        const whole = taskText(t);
        const text = packedText(t, packed, handle, normalizeRepository(t.repository));
        for (const p of [
          ...phrases,
          ...whole.tokens.slice(0, 3),
          whole.tokens.slice(1, 3).join(' '),
        ]) {
          expect(text.hasPhrase(p)).toBe(whole.hasPhrase(p));
        }
        packed.release(handle);
      }),
      { numRuns: 300 },
    );
  });

  it('a text made from a handle stops reading it once a text is released, and reads its task again', () => {
    const packed = new PackedTexts();
    const a = task('Add rate-limit to the gateway', 'uses OTEL_SDK_DISABLED');
    const b = task('Something else', '');
    const handleA = packed.pack(analyse(a));
    const handleB = packed.pack(analyse(b));
    const text = packedText(a, packed, handleA, normalizeRepository(a.repository));
    expect(textIds(text)).toBeDefined();
    packed.release(handleB);
    // another text's release may have freed ids this one would read: it no longer gives ids
    expect(textIds(text)).toBeUndefined();
    expect(view(text)).toEqual(view(taskText(a)));
    expect(text.hasPhrase('rate limit')).toBe(true);
    // a text of `taskText` has no ids
    expect(textIds(taskText(a))).toBeUndefined();
  });
});
