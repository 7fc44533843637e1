import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionKeys } from './session-keys.js';

describe('SessionKeys', () => {
  it("keeps a session per key; a task's release forgets its keys, not the other tasks' others", () => {
    const keys = new SessionKeys();
    keys.add('a|b|Api', ['a', 'b'], 's1');
    keys.add('a|c|Db', ['a', 'c'], 's2');
    keys.add('b|c|Api', ['b', 'c'], 's3');
    keys.add('planning|a|a', ['a', 'a'], 's4');
    expect(keys.sessionOf('a|b|Api')).toBe('s1');
    expect(keys.has('b|c|Api')).toBe(true);
    keys.forgetTask('a');
    expect([keys.has('a|b|Api'), keys.has('a|c|Db'), keys.has('planning|a|a')]).toEqual([
      false,
      false,
      false,
    ]);
    expect(keys.sessionOf('b|c|Api')).toBe('s3');
    expect(keys.size).toBe(1);
    // claimed again: a new session about the same thing
    keys.add('a|b|Api', ['a', 'b'], 's5');
    expect(keys.sessionOf('a|b|Api')).toBe('s5');
    keys.forgetTask('b');
    expect(keys.size).toBe(0);
    keys.forgetTask('nobody');
  });

  it('answers as a map of keys whose tasks are all still claimed (property)', () => {
    const task = fc.constantFrom('a', 'b', 'c', 'd');
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('add' as const),
        tasks: fc.array(task, { minLength: 1, maxLength: 3 }),
      }),
      fc.record({ kind: fc.constant('forget' as const), task }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const keys = new SessionKeys();
        const model = new Map<string, { tasks: string[]; session: string }>();
        ops.forEach((o, i) => {
          if (o.kind === 'add') {
            const key = [...o.tasks].sort().join('|');
            keys.add(key, o.tasks, `s${i}`);
            model.set(key, { tasks: o.tasks, session: `s${i}` });
          } else {
            keys.forgetTask(o.task);
            for (const [key, v] of model) if (v.tasks.includes(o.task)) model.delete(key);
          }
        });
        expect(keys.size).toBe(model.size);
        for (const [key, v] of model) expect(keys.sessionOf(key)).toBe(v.session);
      }),
    );
  });
});
