import { describe, expect, it } from 'vitest';
import { RepositoryNames } from './repository-names.js';

describe('RepositoryNames', () => {
  it('counts the tasks of each repository, and forgets a name with its last task', () => {
    const names = new RepositoryNames();
    expect(names.use(['acme', 'api'].join('/'))).toBe('acme/api');
    expect(names.use(['acme', 'api'].join('/'))).toBe('acme/api');
    names.use('acme/web');
    expect(names.size).toBe(2);
    names.unuse('acme/api');
    expect(names.size).toBe(2);
    names.unuse('acme/api');
    expect(names.size).toBe(1);
    // an unknown name is nothing to forget
    names.unuse('acme/api');
    expect(names.size).toBe(1);
  });
});
