import type { TaskContext } from '@chorale/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyse, taskText } from '../text.js';
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
    const field = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'aAbBzZ019_-.#: Jw'.split('')), maxLength: 60 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constant(''),
      fc.constant(undefined),
    );
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
});
