import { type Plan, type Planner, type PlanRequest, SPECIFICATION_VERSION } from '@chorale/core';
import type { PlanSections } from '@chorale/protocol';
import { humanize, profileFor, type RelationshipProfile } from './profiles.js';

export interface TemplatePlannerOptions {
  /** The planner's name in logs and in the session record. Default `template`. */
  name?: string;
}

const SECTION_TITLES = [
  ['sequence', 'SEQUENCE'],
  ['informationSharing', 'INFORMATION SHARING'],
  ['coordinationPoints', 'COORDINATION POINTS'],
  ['potentialConflicts', 'POTENTIAL CONFLICTS'],
  ['successCriteria', 'SUCCESS CRITERIA'],
] as const satisfies readonly (readonly [keyof PlanSections, string])[];

const MAX_FIELD = 160;
const MAX_REASON = 400;

/** A task as the plan names it. Built from whatever the request holds, never throwing. */
interface TaskView {
  /** `repo/title #id (Agent: agent)`, as the reference's prompt names a task. */
  label: string;
  /** `repo/title #id`. */
  short: string;
  agent: string;
  repository: string;
  words: string[];
}

/**
 * The deterministic, offline planner: the default and the last fallback of the planner chain.
 * It writes the reference's five-section plan for the relationship type and the session type,
 * naming the tasks and agents. Same request → same plan; it never fails on odd input, and an
 * already aborted signal makes it reject with the signal's reason.
 */
export function templatePlanner(options: TemplatePlannerOptions = {}): Planner {
  const name = options.name ?? 'template';
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    async plan(request: PlanRequest, signal?: AbortSignal): Promise<Plan> {
      if (signal?.aborted) throw abortReason(signal);
      return writePlan(request);
    },
  };
}

/** Writes the plan for a request. Pure and total: any value in, a plan out. */
export function writePlan(request: PlanRequest): Plan {
  let sections: PlanSections;
  let heading: string[];
  try {
    ({ sections, heading } = compose(request));
  } catch {
    // Only reachable with values no type allows (getters that throw, proxies...).
    ({ sections, heading } = compose({} as PlanRequest));
  }
  return { text: render(heading, sections), sections };
}

function compose(request: PlanRequest): { sections: PlanSections; heading: string[] } {
  const req: Partial<PlanRequest> = isObject(request) ? request : {};
  const reason = clean(req.reason, MAX_REASON);
  const dependency = isObject(req.dependency) ? req.dependency : undefined;
  const tasks = (Array.isArray(req.tasks) ? req.tasks : []).filter(isObject).map(viewTask);
  const participantAgents = (Array.isArray(req.participants) ? req.participants : [])
    .filter(isObject)
    .map((p) => clean(p.agentId))
    .filter((a) => a !== '');

  if (dependency || req.sessionType === 'dependency' || req.sessionType === undefined) {
    const a = dependency && isObject(dependency.task1) ? viewTask(dependency.task1) : tasks[0];
    const b = dependency && isObject(dependency.task2) ? viewTask(dependency.task2) : tasks[1];
    const relationship = clean(dependency?.relationship) || 'dependency';
    const dependencyReason = clean(dependency?.reason, MAX_REASON) || reason;
    return dependencyPlan(
      relationship,
      dependencyReason,
      a ?? unknownTask(1),
      b ?? unknownTask(2),
      participantAgents,
    );
  }
  const agents = unique([...tasks.map((t) => t.agent), ...participantAgents]);
  return req.sessionType === 'conflict'
    ? conflictPlan(tasks, agents, reason)
    : planningPlan(tasks, agents, reason);
}

function dependencyPlan(
  relationship: string,
  reason: string,
  a: TaskView,
  b: TaskView,
  participants: string[],
): { sections: PlanSections; heading: string[] } {
  const profile = profileFor(relationship);
  const [first, second] = order(profile, a, b);
  const others = unique(participants).filter((p) => p !== first.agent && p !== second.agent);
  const sameAgent = first.agent === second.agent;
  const sections: PlanSections = {
    sequence: [
      `${first.short} (${profile.firstRole}, ${first.agent}) must be completed first`,
      `${second.short} (${profile.secondRole}, ${second.agent}) depends on ${profile.awaits}`,
      `${second.agent} may prepare work that does not depend on ${profile.awaits} in the meantime`,
    ],
    informationSharing: sameAgent
      ? [`${first.agent} must record: ${profile.firstShares}; ${profile.secondShares}`]
      : [
          `${first.agent} must share: ${profile.firstShares}`,
          `${second.agent} must share: ${profile.secondShares}`,
        ],
    coordinationPoints: [...profile.coordinationPoints],
    potentialConflicts: [...profile.potentialConflicts],
    successCriteria: [...profile.successCriteria],
  };
  if (others.length > 0) {
    sections.informationSharing.push(
      `${others.join(', ')} must share: any work that touches either task`,
    );
  }
  const heading = [
    `Dependency: ${humanize(relationship)} (${relationship}) between ${a.label} and ${b.label}`,
    ...(reason ? [`Reason: ${reason}`] : []),
  ];
  return { sections, heading };
}

function conflictPlan(
  tasks: TaskView[],
  agents: string[],
  reason: string,
): { sections: PlanSections; heading: string[] } {
  const names = tasks.length > 0 ? tasks.map((t) => t.label) : ['the tasks involved'];
  const repositories = unique(tasks.map((t) => t.repository));
  const sections: PlanSections = {
    sequence: [
      `Pause the overlapping changes of ${joinList(names)} until an owner is agreed`,
      tasks.length > 1
        ? `${tasks[0]!.label} lands first; ${joinList(tasks.slice(1).map((t) => t.label))} rebase on it unless the agents agree otherwise`
        : 'Decide which change lands first; the others rebase on it',
    ],
    informationSharing: (agents.length > 0 ? agents : ['Each agent']).map(
      (agent) =>
        `${agent} must share: the files, interfaces and behaviour its change touches, and its draft changes`,
    ),
    coordinationPoints: [
      'List the overlapping files and interfaces together',
      'Agree on one owner for each contested part',
      "Review each other's changes before merging",
    ],
    potentialConflicts: [
      ...(reason ? [`Reported conflict: ${reason}`] : []),
      'Both changes merged independently, breaking each other',
      'Duplicated work on the contested part',
    ],
    successCriteria: [
      'One agreed approach recorded in the session',
      'Both changes merge without reverting each other',
      repositories.length > 1
        ? `Tests of ${joinList(repositories)} pass together`
        : 'Tests pass with both changes in place',
    ],
  };
  const heading = [`Conflict between ${joinList(names)}`, ...(reason ? [`Reason: ${reason}`] : [])];
  return { sections, heading };
}

function planningPlan(
  tasks: TaskView[],
  agents: string[],
  reason: string,
): { sections: PlanSections; heading: string[] } {
  const names = tasks.length > 0 ? tasks.map((t) => t.label) : ['the tasks involved'];
  const sections: PlanSections = {
    sequence: [
      'Agree on the shared interfaces before any task starts',
      ...tasks.map((t, i) => `${i + 1}. ${t.label} (${t.agent})`),
      'Integrate and test the tasks together last',
    ],
    informationSharing: (agents.length > 0 ? agents : ['Each agent']).map(
      (agent) =>
        `${agent} must share: its task's scope, the interfaces it needs or provides, its timeline`,
    ),
    coordinationPoints: [
      'Kick-off to split the work and name an owner for each part',
      'Sync at every milestone',
      'Joint integration test before completion',
    ],
    potentialConflicts: [
      'Scope overlap between the tasks',
      'Interface assumptions that differ between repositories',
      'A delay in one repository blocking the others',
    ],
    successCriteria: [
      'Every task has an owner and a place in the sequence',
      'Shared interfaces documented and agreed',
      'The combined feature works end to end',
    ],
  };
  const heading = [`Joint planning of ${joinList(names)}`, ...(reason ? [`Goal: ${reason}`] : [])];
  return { sections, heading };
}

/** Which task goes first: the one whose words mark the first role more; ties keep the given order. */
function order(profile: RelationshipProfile, a: TaskView, b: TaskView): [TaskView, TaskView] {
  const score = (t: TaskView) =>
    count(t.words, profile.firstWords) - count(t.words, profile.secondWords);
  return score(b) > score(a) ? [b, a] : [a, b];
}

function count(words: string[], wanted: readonly string[]): number {
  let n = 0;
  for (const w of wanted)
    if (words.some((word) => word === w || (w.length >= 5 && word.startsWith(w)))) n++;
  return n;
}

function viewTask(task: Partial<PlanRequest['tasks'][number]>): TaskView {
  const repository = clean(task.repository) || 'unknown-repository';
  const title = clean(task.title) || 'untitled task';
  const id = clean(task.taskId);
  const agent = clean(task.agentId) || 'unassigned agent';
  const text = `${clean(task.title, 1000)} ${clean(task.description, 2000)}`.toLowerCase();
  const short = `${repository}/${title}${id ? ` #${id}` : ''}`;
  return {
    label: `${short} (Agent: ${agent})`,
    short,
    agent,
    repository,
    words: text.match(/[\p{L}\p{N}]+/gu) ?? [],
  };
}

function unknownTask(n: number): TaskView {
  return {
    label: `task ${n} (Agent: unassigned agent)`,
    short: `task ${n}`,
    agent: 'unassigned agent',
    repository: '',
    words: [],
  };
}

function render(heading: string[], sections: PlanSections): string {
  const lines = ['COORDINATION PLAN:', ...heading];
  SECTION_TITLES.forEach(([key, title], i) => {
    lines.push(`${i + 1}. ${title}:`);
    for (const item of sections[key]) lines.push(`- ${item}`);
  });
  return lines.join('\n');
}

/** A value as one line of plain text: control characters and runs of white space become one space. */
function clean(value: unknown, max = MAX_FIELD): string {
  if (typeof value !== 'string' && typeof value !== 'number') return '';
  const text = String(value)
    .replace(/[\s\p{Cc}\u2028\u2029]+/gu, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function joinList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function unique(items: string[]): string[] {
  return [...new Set(items.filter((i) => i !== ''))];
}

function isObject<T>(value: T): value is T & object {
  return typeof value === 'object' && value !== null;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The plan was aborted', 'AbortError');
}
