import { DependencyDetector, taskFromText, taskText } from '@chorale/detector';
import { describe, expect, it } from 'vitest';
import plugin, { graphqlRules, graphqlSchema, microserviceInterface } from './index.js';

const t = (title: string) => taskText(taskFromText(title));

describe('GraphQL_Schema', () => {
  it('matches a schema task with a resolver task, schema first', () => {
    const m = graphqlSchema.validate(
      t('Implement user resolvers'),
      t('Add User type to GraphQL schema'),
    );
    expect(m).toEqual({
      reason: 'GraphQL schema and resolver must be coordinated',
      confidence: 0.8,
      first: 'b',
    });
  });

  it('is less sure without the word graphql', () => {
    expect(graphqlSchema.validate(t('Extend the schema'), t('Fix resolver'))?.confidence).toBe(0.6);
  });

  it('needs the two sides in two tasks, as words', () => {
    expect(
      graphqlSchema.validate(t('Schema and resolver cleanup'), t('Unrelated docs')),
    ).toBeNull();
    expect(graphqlSchema.validate(t('Schematics update'), t('Resolvers refactor'))).toBeNull();
  });
});

describe('Microservice_Interface', () => {
  it('matches producer and consumer, producer first', () => {
    const m = microserviceInterface.validate(
      t('Add consumer for invoice events'),
      t('Invoice event producer microservice'),
    );
    expect(m?.reason).toBe('Microservice producer and consumer must coordinate');
    expect(m?.first).toBe('b');
    expect(m?.confidence).toBe(0.75);
  });
});

describe('as a pack in the detector', () => {
  it('is loaded like any other pack and reports through the detector', () => {
    const detector = new DependencyDetector({ rules: [graphqlRules()] });
    detector.register({
      taskId: 1,
      projectId: 1,
      repository: 'org/api',
      title: 'Add Order type to the GraphQL schema',
      description: '',
      keywords: [],
      agentId: 'a1',
    });
    const [dep] = detector.register({
      taskId: 2,
      projectId: 1,
      repository: 'org/orders',
      title: 'Implement order resolvers',
      description: '',
      keywords: [],
      agentId: 'a2',
    });
    expect(dep?.relationship).toBe('GraphQL_Schema');
    expect(dep?.task1.repository).toBe('org/api');
  });

  it('plugin takes no options', () => {
    expect(plugin.options.safeParse({}).success).toBe(true);
    expect(plugin.options.safeParse({ x: 1 }).success).toBe(false);
  });
});
