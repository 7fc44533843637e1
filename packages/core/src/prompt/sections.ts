import { ChoraleError, type PlanSections } from '@chorale/protocol';
import { z } from 'zod';

/** The output of an LLM planner that does not hold a plan: not JSON, sections missing or empty. */
export class UnusablePlanError extends ChoraleError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('UNUSABLE_PLAN', message, options);
    this.name = 'UnusablePlanError';
  }
}

/** The five sections in order: the key the model writes, the `PlanSections` key, the heading. */
export const PLAN_SECTION_KEYS = [
  ['sequence', 'sequence', 'SEQUENCE'],
  ['information_sharing', 'informationSharing', 'INFORMATION SHARING'],
  ['coordination_points', 'coordinationPoints', 'COORDINATION POINTS'],
  ['potential_conflicts', 'potentialConflicts', 'POTENTIAL CONFLICTS'],
  ['success_criteria', 'successCriteria', 'SUCCESS CRITERIA'],
] as const satisfies readonly (readonly [string, keyof PlanSections, string])[];

const section = (description: string) => ({
  type: 'array',
  description,
  items: { type: 'string' },
  minItems: 1,
});

/**
 * JSON schema of a plan as an LLM writes it: one array of short sentences per section. It is
 * the `input_schema` of the Anthropic planner's `submit_plan` tool and the `format` of the
 * Ollama planner's chat request.
 */
export const PLAN_SECTIONS_JSON_SCHEMA = {
  type: 'object',
  properties: {
    sequence: section(
      'The order of the work: which task goes first, what the other waits for, what it may do meanwhile.',
    ),
    information_sharing: section(
      'What each agent must share with the other (documents, interfaces, examples, test plans).',
    ),
    coordination_points: section(
      'When and how the agents must meet or check in (reviews, syncs, joint tests).',
    ),
    potential_conflicts: section('What could go wrong between the two tasks, to watch for.'),
    success_criteria: section('What must be true for the coordinated work to be complete.'),
  },
  required: PLAN_SECTION_KEYS.map(([wire]) => wire),
  additionalProperties: false,
} as const;

/** At most this many items per section and characters per item are kept. */
export const MAX_SECTION_ITEMS = 12;
export const MAX_ITEM_CHARS = 400;

/** A section as written: a list of items, or (small models do this) one string. */
const sectionValue = z.union([z.array(z.unknown()), z.string()]).optional();
const sectionsShape = z.object(
  Object.fromEntries(
    PLAN_SECTION_KEYS.flatMap(([wire, key]) => [
      [wire, sectionValue],
      [key, sectionValue],
    ]),
  ),
);

/**
 * Reads the five sections from a model's output: an object (a tool call's input) or a JSON
 * text (a chat message's content, optionally in a ```json fence). Keys are the schema's
 * snake_case ones (camelCase is accepted too); items are trimmed, list markers (`- `, `1. `)
 * dropped, blank items removed, each section cut to MAX_SECTION_ITEMS items of at most
 * MAX_ITEM_CHARS characters. Throws `UnusablePlanError` when the output is not JSON, not an
 * object, or when a section is missing or has no item.
 */
export function parsePlanSections(value: unknown): PlanSections {
  const data = typeof value === 'string' ? parseJsonText(value) : value;
  const parsed = sectionsShape.safeParse(data);
  if (!parsed.success) {
    throw new UnusablePlanError(
      `the plan is not an object of five sections: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`,
    );
  }
  const record = parsed.data as Record<string, unknown[] | string | undefined>;
  const sections: Partial<PlanSections> = {};
  const missing: string[] = [];
  for (const [wire, key] of PLAN_SECTION_KEYS) {
    const items = cleanItems(record[wire] ?? record[key]);
    if (items.length === 0) missing.push(wire);
    sections[key] = items;
  }
  if (missing.length > 0) {
    throw new UnusablePlanError(
      missing.length === PLAN_SECTION_KEYS.length
        ? 'the plan has none of the five sections (sequence, information_sharing, coordination_points, potential_conflicts, success_criteria)'
        : `the plan has no items in: ${missing.join(', ')}`,
    );
  }
  return sections as PlanSections;
}

/**
 * The readable plan, in the reference's layout:
 * `COORDINATION PLAN:\n1. SEQUENCE:\n- ...\n2. INFORMATION SHARING:\n- ...`. Lines of `heading`
 * (e.g. the dependency and its reason) go between the title and the first section.
 */
export function renderPlanText(sections: PlanSections, heading: readonly string[] = []): string {
  const lines = ['COORDINATION PLAN:', ...heading];
  PLAN_SECTION_KEYS.forEach(([, key, title], i) => {
    lines.push(`${i + 1}. ${title}:`);
    for (const item of sections[key]) lines.push(`- ${item}`);
  });
  return lines.join('\n');
}

function parseJsonText(text: string): unknown {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  const json = (fenced ? fenced[1]! : text).trim();
  if (json === '') throw new UnusablePlanError('the plan is empty');
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new UnusablePlanError(
      `the plan is not JSON (${error instanceof Error ? error.message : String(error)}): ${preview(json)}`,
      { cause: error },
    );
  }
}

function cleanItems(value: unknown[] | string | undefined): string[] {
  if (value === undefined) return [];
  const raw = typeof value === 'string' ? value.split('\n') : value;
  const items: string[] = [];
  for (const entry of raw) {
    if (typeof entry !== 'string' && typeof entry !== 'number') continue;
    const item = String(entry)
      .replace(/[\s\p{Cc}\u2028\u2029]+/gu, ' ')
      .trim()
      .replace(/^(?:[-*•]|\d{1,2}[.)])\s+/u, '')
      .trim();
    if (item === '') continue;
    items.push(item.length > MAX_ITEM_CHARS ? `${item.slice(0, MAX_ITEM_CHARS - 1)}…` : item);
    if (items.length === MAX_SECTION_ITEMS) break;
  }
  return items;
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}
