import type { TaskContext } from '@chorale/core';
import { describe, expect, it } from 'vitest';
import {
  crossReference,
  findReferences,
  normalizeRepository,
  proposalNames,
} from './cross-reference.js';
import { DependencyDetector } from './detector.js';
import { TermIndex } from './index/term-index.js';

function task(
  taskId: number | string,
  repository: string,
  description = '',
  title = `Task ${taskId}`,
): TaskContext {
  return {
    taskId,
    projectId: 1,
    repository,
    title,
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

describe('proposal references', () => {
  const proposals = (text: string) =>
    findReferences(text)
      .filter((r) => r.proposal !== undefined)
      .map((r) => `${r.proposal}-${r.id}`);

  it('finds a series word with a number: hyphen, space or #, leading zeros dropped', () => {
    expect(proposals('Support IPIP-412 and KEP-1287; see PEP 8, RFC #9110 and ADR-0012')).toEqual([
      'ipip-412',
      'kep-1287',
      'pep-8',
      'rfc-9110',
      'adr-12',
    ]);
    expect(findReferences('Blocked by OTEP 227')).toEqual([
      { repository: '', id: '227', text: 'OTEP 227', dependency: true, proposal: 'otep' },
    ]);
  });

  it('ignores versions, lower-case words, parts of identifiers and paths', () => {
    expect(
      proposals('HTTP 1.1, SDK 2.0, Python 3, ipip-412, OTEL_SDK_DISABLED 1, a/KEP-12, KEP-12b'),
    ).toEqual([]);
    expect(proposals('I 5 and ABCDEFGHI-5')).toEqual([]);
  });

  it('names a task by the series its title starts with, or its own number in the title', () => {
    const names = (taskId: number | string, title: string) =>
      proposalNames(task(taskId, 'o/specs', '', title));
    expect(names(412, 'IPIP: Signaling Block Order in CARs')).toEqual(['ipip-412']);
    expect(names('o/specs#412', '[RFC] Block order')).toEqual(['rfc-412']);
    expect(names(1287, 'KEP-1287: In-place update of pod resources')).toEqual(['kep-1287']);
    expect(names(402, 'IPIP-0402: Partial CAR support')).toEqual(['ipip-402']);
    // citing another proposal, or a series word that is not at the start, names nothing
    expect(names(349, 'Support IPIP-412')).toEqual([]);
    expect(names(412, 'Signaling block order (IPIP)')).toEqual([]);
    expect(names(412, 'feat: block order')).toEqual([]);
    expect(names('abc', 'IPIP: no number')).toEqual([]);
  });

  it('matches the task that is the proposal (0.95, the proposal first), and no other', () => {
    const spec = task(412, 'ipfs/specs', '', 'IPIP: Signaling Block Order in CARs on Gateways');
    const impl = task(349, 'ipfs/boxo', '', 'Support IPIP-412');
    expect(crossReference(impl, spec)).toMatchObject({
      confidence: 0.95,
      first: 'b',
      references: ['IPIP-412'],
      signals: [
        'ipfs/boxo#349 references ipfs/specs#412 (names proposal IPIP-412, which ipfs/specs#412 is)',
      ],
    });
    expect(crossReference(spec, impl)).toMatchObject({ confidence: 0.95, first: 'a' });
    // another number, another series, or a task whose title does not name the series
    expect(crossReference(task(1, 'ipfs/boxo', '', 'Support IPIP-428'), spec)).toBeNull();
    expect(crossReference(task(1, 'ipfs/boxo', '', 'Support KEP-412'), spec)).toBeNull();
    expect(
      crossReference(impl, task(412, 'ipfs/specs', '', 'Signaling block order on gateways')),
    ).toBeNull();
  });

  it('keeps 1.0 when the same pair is also named by repository and number', () => {
    const spec = task(412, 'ipfs/specs', '', 'IPIP: Block order');
    const impl = task(349, 'ipfs/boxo', 'see ipfs/specs#412', 'Support IPIP-412');
    expect(crossReference(impl, spec)?.confidence).toBe(1);
  });

  it('finds the proposal through the index even when its series word is common', () => {
    // the series word is on more tasks than maxPostings: it brings no candidates any more
    const detector = new DependencyDetector({
      candidates: new TermIndex({ maxPostings: 2, maxCandidates: 2 }),
    });
    for (let n = 1; n <= 6; n++) {
      detector.register(task(n, `acme/rfcs-${n}`, '', `RFC: streaming variant ${n} of uploads`));
    }
    const [dep] = detector.register(task(9, 'acme/web', '', 'Implement RFC 4 in the client'));
    expect(dep).toMatchObject({
      relationship: 'Explicit_Reference',
      confidence: 0.95,
      order: 'task1_first',
      evidence: { references: ['RFC 4'] },
    });
    expect(dep?.task1.repository).toBe('acme/rfcs-4');
  });
});
