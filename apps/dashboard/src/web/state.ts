import type {
  Dependency,
  LiveEvent,
  Message,
  SessionDetail,
  SessionSummary,
  Task,
} from './api-types.js';

/** What the page knows about the node: the lists from the API, kept current by its events. */
export interface DashboardState {
  sessions: Record<string, SessionSummary>;
  /** Full sessions (plan, messages), for the sessions the page shows open. */
  details: Record<string, SessionDetail>;
  tasks: Task[];
  dependencies: Dependency[];
}

export const EMPTY_STATE: DashboardState = {
  sessions: {},
  details: {},
  tasks: [],
  dependencies: [],
};

/** `project/task`: a task's identity, as the API's release route spells it. */
export function taskKey(task: Pick<Task, 'project_id' | 'task_id'>): string {
  return `${task.project_id}/${task.task_id}`;
}

export function dependencyKey(dependency: Dependency): string {
  return `${taskKey(dependency.task1)}→${taskKey(dependency.task2)}:${dependency.relationship}`;
}

function upsert<T>(list: readonly T[], item: T, key: (item: T) => string): T[] {
  const k = key(item);
  const index = list.findIndex((x) => key(x) === k);
  if (index < 0) return [...list, item];
  const next = list.slice();
  next[index] = item;
  return next;
}

/** The state with one session's summary replaced; its detail, if loaded, takes the new summary fields. */
export function withSummary(state: DashboardState, summary: SessionSummary): DashboardState {
  const id = summary.session_id;
  const detail = state.details[id];
  return {
    ...state,
    sessions: { ...state.sessions, [id]: summary },
    details: detail ? { ...state.details, [id]: { ...detail, ...summary } } : state.details,
  };
}

/** The state with a freshly loaded session (its summary follows). */
export function withDetail(state: DashboardState, detail: SessionDetail): DashboardState {
  const id = detail.session_id;
  const {
    participant_details,
    tasks,
    dependency,
    plan,
    plans,
    messages,
    waiting_on,
    decision,
    ...summary
  } = detail;
  return {
    ...state,
    sessions: { ...state.sessions, [id]: summary },
    details: { ...state.details, [id]: detail },
  };
}

function withMessage(state: DashboardState, id: string, message: Message): DashboardState {
  const detail = state.details[id];
  if (!detail || detail.messages.some((m) => m.message_id === message.message_id)) return state;
  return {
    ...state,
    details: { ...state.details, [id]: { ...detail, messages: [...detail.messages, message] } },
  };
}

/**
 * Applies one live event. Session events carry the session's new summary, so a session moves
 * between the queue, the active list and the history at once; its plan and messages are
 * appended where the event has them (the page reloads the whole session after, see
 * {@link sessionOf}).
 */
export function applyLiveEvent(state: DashboardState, live: LiveEvent): DashboardState {
  switch (live.event) {
    case 'task_claimed':
      return { ...state, tasks: upsert(state.tasks, live.data.task, taskKey) };
    case 'task_released': {
      const key = taskKey(live.data.task);
      return { ...state, tasks: state.tasks.filter((t) => taskKey(t) !== key) };
    }
    case 'dependency_detected':
      return {
        ...state,
        dependencies: upsert(state.dependencies, live.data.dependency, dependencyKey),
      };
    case 'coordination_plan': {
      const { session, message, plan } = live.data;
      let next = withMessage(withSummary(state, session), session.session_id, message);
      const detail = next.details[session.session_id];
      if (plan && detail && !detail.plans.some((p) => p.revision === plan.revision)) {
        next = {
          ...next,
          details: {
            ...next.details,
            [session.session_id]: { ...detail, plan, plans: [...detail.plans, plan] },
          },
        };
      }
      return next;
    }
    case 'message':
      return withMessage(
        withSummary(state, live.data.session),
        live.data.session.session_id,
        live.data.message,
      );
    case 'session_opened':
    case 'resolution':
    case 'escalation':
    case 'closed':
      return withSummary(state, live.data.session);
  }
}

/** The session an event is about, if any: the page reloads it to show the full record. */
export function sessionOf(live: LiveEvent): string | undefined {
  return 'session' in live.data ? live.data.session.session_id : undefined;
}

const byTime =
  (field: 'created_at' | 'closed_at' | 'last_activity', direction: 1 | -1) =>
  (a: SessionSummary, b: SessionSummary) =>
    direction * (a[field] ?? '').localeCompare(b[field] ?? '');

/** Escalated sessions waiting for a human, the longest-waiting first. */
export function escalationQueue(state: DashboardState): SessionSummary[] {
  return Object.values(state.sessions)
    .filter((s) => s.status === 'escalated')
    .sort(byTime('closed_at', 1));
}

/** Sessions under discussion, the newest first. */
export function activeSessions(state: DashboardState): SessionSummary[] {
  return Object.values(state.sessions)
    .filter((s) => s.status === 'active')
    .sort(byTime('created_at', -1));
}

/** Resolved and closed sessions (including those escalated first), the most recently ended first. */
export function history(state: DashboardState): SessionSummary[] {
  return Object.values(state.sessions)
    .filter((s) => s.status === 'resolved' || s.status === 'closed')
    .sort(byTime('closed_at', -1));
}
