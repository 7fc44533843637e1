import { ChoraleError } from '@chorale/protocol';
import { describe, expect, it } from 'vitest';
import {
  MAX_ITEM_CHARS,
  MAX_SECTION_ITEMS,
  PLAN_SECTIONS_JSON_SCHEMA,
  parsePlanSections,
  renderPlanText,
  UnusablePlanError,
} from './sections.js';

const WIRE = {
  sequence: ['Task 1 first', 'Task 2 after the spec'],
  information_sharing: ['agent-001 shares the spec'],
  coordination_points: ['Review the spec'],
  potential_conflicts: ['Spec changes'],
  success_criteria: ['Tests pass'],
};
const SECTIONS = {
  sequence: ['Task 1 first', 'Task 2 after the spec'],
  informationSharing: ['agent-001 shares the spec'],
  coordinationPoints: ['Review the spec'],
  potentialConflicts: ['Spec changes'],
  successCriteria: ['Tests pass'],
};

function unusable(value: unknown): UnusablePlanError {
  try {
    parsePlanSections(value);
  } catch (error) {
    expect(error).toBeInstanceOf(UnusablePlanError);
    expect(ChoraleError.isInstance(error)).toBe(true);
    expect((error as UnusablePlanError).code).toBe('UNUSABLE_PLAN');
    expect((error as UnusablePlanError).name).toBe('UnusablePlanError');
    return error as UnusablePlanError;
  }
  throw new Error('expected parsePlanSections to throw');
}

describe('PLAN_SECTIONS_JSON_SCHEMA', () => {
  it('is an object schema requiring the five snake_case sections as string arrays', () => {
    expect(PLAN_SECTIONS_JSON_SCHEMA.type).toBe('object');
    expect(PLAN_SECTIONS_JSON_SCHEMA.required).toEqual(Object.keys(WIRE));
    expect(Object.keys(PLAN_SECTIONS_JSON_SCHEMA.properties)).toEqual(Object.keys(WIRE));
    for (const property of Object.values(PLAN_SECTIONS_JSON_SCHEMA.properties)) {
      expect(property).toMatchObject({ type: 'array', items: { type: 'string' } });
    }
    expect(JSON.parse(JSON.stringify(PLAN_SECTIONS_JSON_SCHEMA))).toEqual(
      PLAN_SECTIONS_JSON_SCHEMA,
    );
  });
});

describe('parsePlanSections', () => {
  it('reads a tool input object into PlanSections', () => {
    expect(parsePlanSections(WIRE)).toEqual(SECTIONS);
  });

  it('reads JSON text, with or without a ```json fence', () => {
    expect(parsePlanSections(JSON.stringify(WIRE))).toEqual(SECTIONS);
    expect(parsePlanSections(`\`\`\`json\n${JSON.stringify(WIRE, null, 2)}\n\`\`\``)).toEqual(
      SECTIONS,
    );
  });

  it('accepts camelCase keys and a section written as one string of lines', () => {
    const { information_sharing: _, ...rest } = WIRE;
    expect(
      parsePlanSections({ ...rest, informationSharing: '- agent-001 shares the spec\n\n' }),
    ).toEqual(SECTIONS);
  });

  it('trims items, drops list markers, blank and non-text items', () => {
    const sections = parsePlanSections({
      ...WIRE,
      sequence: ['  1. Task 1 first ', '- Task 2 after\nthe spec', '', '   ', null, { a: 1 }],
    });
    expect(sections.sequence).toEqual(['Task 1 first', 'Task 2 after the spec']);
  });

  it('keeps at most MAX_SECTION_ITEMS items of at most MAX_ITEM_CHARS characters', () => {
    const sections = parsePlanSections({
      ...WIRE,
      sequence: Array.from({ length: 40 }, (_, i) => `step ${i}`),
      success_criteria: ['y'.repeat(5000)],
    });
    expect(sections.sequence).toHaveLength(MAX_SECTION_ITEMS);
    expect(sections.successCriteria[0]).toHaveLength(MAX_ITEM_CHARS);
    expect(sections.successCriteria[0]!.endsWith('…')).toBe(true);
  });

  it('refuses text that is not JSON, saying so and quoting its start', () => {
    const error = unusable('Here is the plan: 1. SEQUENCE: task 1 first');
    expect(error.message).toMatch(/not JSON/);
    expect(error.message).toContain('Here is the plan');
    expect(unusable('  ').message).toBe('the plan is empty');
  });

  it('refuses values that are not an object of sections', () => {
    expect(unusable([1, 2]).message).toMatch(/not an object of five sections/);
    expect(unusable(null).message).toMatch(/not an object of five sections/);
    expect(unusable({ ...WIRE, sequence: 42 }).message).toMatch(/sequence/);
  });

  it('names the sections that are missing or empty', () => {
    const { potential_conflicts: _, ...rest } = WIRE;
    expect(unusable({ ...rest, success_criteria: ['  '] }).message).toBe(
      'the plan has no items in: potential_conflicts, success_criteria',
    );
  });

  it('says so when every section is empty', () => {
    expect(unusable({}).message).toMatch(/none of the five sections/);
    expect(unusable(Object.fromEntries(Object.keys(WIRE).map((k) => [k, []]))).message).toMatch(
      /none of the five sections/,
    );
  });
});

describe('renderPlanText', () => {
  it("writes the reference's layout: title, numbered headings, one item per line", () => {
    expect(renderPlanText(SECTIONS)).toBe(
      [
        'COORDINATION PLAN:',
        '1. SEQUENCE:',
        '- Task 1 first',
        '- Task 2 after the spec',
        '2. INFORMATION SHARING:',
        '- agent-001 shares the spec',
        '3. COORDINATION POINTS:',
        '- Review the spec',
        '4. POTENTIAL CONFLICTS:',
        '- Spec changes',
        '5. SUCCESS CRITERIA:',
        '- Tests pass',
      ].join('\n'),
    );
  });

  it('puts heading lines between the title and the first section', () => {
    expect(renderPlanText(SECTIONS, ['Dependency: API_Contract'])).toMatch(
      /^COORDINATION PLAN:\nDependency: API_Contract\n1\. SEQUENCE:\n/,
    );
  });

  it('round-trips: the rendered sections parse back from their lists', () => {
    const text = renderPlanText(parsePlanSections(WIRE));
    expect(text.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(6);
  });
});
