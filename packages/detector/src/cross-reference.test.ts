import type { TaskContext } from '@chorale/core';
import { describe, expect, it } from 'vitest';
import { crossReference, findReferences, normalizeRepository } from './cross-reference.js';

function task(taskId: number | string, repository: string, description = ''): TaskContext {
  return {
    taskId,
    projectId: 1,
    repository,
    title: `Task ${taskId}`,
    description,
    keywords: [],
    agentId: 'a',
  };
}

describe('findReferences', () => {
  it('finds org/repo#N and issue or pull URLs', () => {
    expect(findReferences('needs acme/api#12, see https://example.org/acme/web/pull/7.')).toEqual([
      { repository: 'acme/api', id: '12', text: 'acme/api#12', dependency: true },
      {
        repository: 'acme/web',
        id: '7',
        text: 'https://example.org/acme/web/pull/7',
        dependency: false,
      },
    ]);
  });

  it('finds repo#N without an owner, and GitLab issue and merge-request URLs', () => {
    const found = (text: string) => findReferences(text).map((r) => `${r.repository}#${r.id}`);
    expect(found('see backend#4 and (web#5)')).toEqual(['backend#4', 'web#5']);
    expect(
      found(
        'https://gitlab.example/group/sub/api/-/issues/3 and https://gitlab.example/group/web/-/merge_requests/9',
      ),
    ).toEqual(['sub/api#3', 'group/web#9']);
    expect(found('https://example.org/acme/web/issues/12#issuecomment-1')).toEqual(['acme/web#12']);
  });

  it('tells a dependency phrase right before the reference', () => {
    const phrase = (text: string) => findReferences(text).map((r) => r.dependency);
    expect(phrase('Depends on acme/api#1')).toEqual([true]);
    expect(phrase('blocked by: acme/api#1')).toEqual([true]);
    expect(phrase('This is a follow-up of acme/api#1')).toEqual([true]);
    expect(phrase('after the PR acme/api#1 lands')).toEqual([true]);
    expect(phrase('acme/api#1 depends on this')).toEqual([false]);
    expect(phrase('Similar to acme/api#1')).toEqual([false]);
  });

  it('ignores references inside longer words or paths', () => {
    expect(findReferences('x/acme/api#12 acme/api#12abc acme/api# #12 acme/api#x')).toEqual([]);
  });
});

describe('normalizeRepository', () => {
  it('reduces URLs and git remotes to org/repo, lower-case', () => {
    expect(normalizeRepository('https://example.org/Acme/API.git/')).toBe('acme/api');
    expect(normalizeRepository('git@example.org:acme/api.git')).toBe('acme/api');
    expect(normalizeRepository('Acme/API')).toBe('acme/api');
    expect(normalizeRepository('backend-api')).toBe('backend-api');
  });
});

describe('crossReference', () => {
  it('matches when one task names the other by repository and id; the named one goes first', () => {
    const spec = task(3877, 'open/spec');
    const impl = task(6375, 'open/java', 'Implements open/spec#3877');
    expect(crossReference(impl, spec)).toMatchObject({
      confidence: 1,
      first: 'b',
      references: ['open/spec#3877'],
      signals: ['open/java#6375 references open/spec#3877'],
    });
    expect(crossReference(spec, impl)).toMatchObject({ confidence: 1, first: 'a' });
  });

  it('needs the same id and repository', () => {
    expect(
      crossReference(task(1, 'open/java', 'see open/spec#2'), task(3, 'open/spec')),
    ).toBeNull();
    expect(
      crossReference(task(1, 'open/java', 'see open/other#3'), task(3, 'open/spec')),
    ).toBeNull();
  });

  it('accepts a repository without owner, and ids written org/repo#N', () => {
    expect(
      crossReference(task(1, 'web', 'after acme/backend-api#42'), task(42, 'backend-api')),
    ).not.toBeNull();
    expect(
      crossReference(task(1, 'web', 'after acme/api#42'), task('acme/api#42', 'acme/api')),
    ).not.toBeNull();
  });

  it('has no direction when each cites the other', () => {
    const m = crossReference(task(1, 'o/a', 'with o/b#2'), task(2, 'o/b', 'with o/a#1'));
    expect(m?.first).toBeUndefined();
    expect(m?.confidence).toBe(1);
  });

  it('puts first the task the other says it depends on, even when each cites the other', () => {
    const m = crossReference(task(1, 'o/a', 'blocked by o/b#2'), task(2, 'o/b', 'unblocks o/a#1'));
    expect(m?.first).toBe('b');
    expect(m?.signals).toContain('o/a#1 references o/b#2 with a dependency phrase');
  });

  it('matches repo#N and URLs to the task', () => {
    expect(crossReference(task(1, 'o/web', 'after api#42'), task(42, 'o/api'))).not.toBeNull();
    expect(
      crossReference(
        task(1, 'g/web', 'needs https://gitlab.example/g/sub/api/-/merge_requests/42'),
        task(42, 'g/sub/api'),
      ),
    ).toMatchObject({ first: 'b' });
    expect(crossReference(task(1, 'o/web', 'after api#42'), task(42, 'o/other'))).toBeNull();
  });
});
