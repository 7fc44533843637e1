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
      { repository: 'acme/api', id: '12' },
      { repository: 'acme/web', id: '7' },
    ]);
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
    expect(crossReference(impl, spec)).toMatchObject({ confidence: 0.95, first: 'b' });
    expect(crossReference(spec, impl)).toMatchObject({ confidence: 0.95, first: 'a' });
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
    expect(m?.confidence).toBe(0.95);
  });
});
