import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { ApiClient, type TokenStorage } from './api.js';
import {
  type Decision,
  EVENT_NAMES,
  type LiveEvent,
  type NodeInfo,
  type SessionDetail,
  type SessionSummary,
} from './api-types.js';
import { DecisionDialog, OPERATOR_KEY, TokenDialog } from './components/dialogs.js';
import { GraphView } from './components/graph-view.js';
import { HistoryEntry, type SessionActions, SessionCard } from './components/session-card.js';
import { formatUptime, shortId } from './format.js';
import {
  activeSessions,
  applyLiveEvent,
  type DashboardState,
  EMPTY_STATE,
  escalationQueue,
  history,
  sessionOf,
  withDetail,
} from './state.js';

type Action =
  | {
      type: 'lists';
      sessions: SessionSummary[];
      tasks: DashboardState['tasks'];
      dependencies: DashboardState['dependencies'];
    }
  | { type: 'dependencies'; dependencies: DashboardState['dependencies'] }
  | { type: 'detail'; detail: SessionDetail }
  | { type: 'live'; event: LiveEvent };

function reducer(state: DashboardState, action: Action): DashboardState {
  switch (action.type) {
    case 'lists': {
      const sessions = Object.fromEntries(action.sessions.map((s) => [s.session_id, s]));
      const details = Object.fromEntries(
        Object.entries(state.details).filter(([id]) => id in sessions),
      );
      return { sessions, details, tasks: action.tasks, dependencies: action.dependencies };
    }
    case 'dependencies':
      return { ...state, dependencies: action.dependencies };
    case 'detail':
      return withDetail(state, action.detail);
    case 'live':
      return applyLiveEvent(state, action.event);
  }
}

type Connection = 'connecting' | 'live' | 'reconnecting' | 'offline';

const CONNECTION_TEXT: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/** Runs `task` once after the calls for the same key stop for `ms` (one reload for a burst of events). */
function useCoalesced(ms: number) {
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  useEffect(() => () => timers.current.forEach(clearTimeout), []);
  return useCallback(
    (key: string, task: () => void) => {
      clearTimeout(timers.current.get(key));
      timers.current.set(
        key,
        setTimeout(() => {
          timers.current.delete(key);
          task();
        }, ms),
      );
    },
    [ms],
  );
}

/** A titled panel of session cards (the escalation queue, the active sessions). */
function SessionPanel(props: {
  id: string;
  className: string;
  title: string;
  empty: string;
  sessions: SessionSummary[];
  details: Record<string, SessionDetail | undefined>;
  actions: SessionActions;
  now: number;
}) {
  const { id, title, sessions } = props;
  return (
    <section aria-labelledby={id} class={props.className}>
      <h2 id={id}>
        {title} <span class="count">{sessions.length}</span>
      </h2>
      {sessions.length === 0 ? (
        <p class="muted">{props.empty}</p>
      ) : (
        sessions.map((s) => (
          <SessionCard
            key={s.session_id}
            session={s}
            detail={props.details[s.session_id]}
            actions={props.actions}
            now={props.now}
          />
        ))
      )}
    </section>
  );
}

export function App({ storage }: { storage: TokenStorage }) {
  const [state, dispatch] = useReducer(reducer, EMPTY_STATE);
  const [node, setNode] = useState<NodeInfo>();
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState('');
  const [connection, setConnection] = useState<Connection>('connecting');
  const [unreadable, setUnreadable] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [tokenRequest, setTokenRequest] = useState<{
    refused: boolean;
    answer(token: string): void;
  }>();
  const [pending, setPending] = useState<{ session: SessionSummary; decision: Decision }>();
  const later = useCoalesced(120);

  const api = useMemo(
    () =>
      new ApiClient({
        fetch: (input, init) => fetch(input, init),
        storage,
        askToken: (refused) =>
          new Promise<string>((resolve) => {
            setTokenRequest({
              refused,
              answer: (token) => {
                setTokenRequest(undefined);
                resolve(token);
              },
            });
          }),
      }),
    [storage],
  );

  const loadDetail = useCallback(
    (id: string) =>
      api.session(id).then(
        (detail) => dispatch({ type: 'detail', detail }),
        (e: Error) => setError(`Session ${id}: ${e.message}`),
      ),
    [api],
  );

  const loadAll = useCallback(async () => {
    try {
      const [info, sessions, tasks, dependencies] = await Promise.all([
        api.node(),
        api.sessions(),
        api.tasks(),
        api.dependencies(),
      ]);
      setNode(info);
      dispatch({ type: 'lists', sessions, tasks, dependencies });
      setError('');
      setLoaded(true);
      await Promise.all(
        sessions
          .filter((s) => s.status === 'active' || s.status === 'escalated')
          .map((s) => loadDetail(s.session_id)),
      );
    } catch (e) {
      setError(`Cannot reach the node: ${(e as Error).message}`);
    }
  }, [api, loadDetail]);

  useEffect(() => {
    void loadAll();
    const tick = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(tick);
  }, [loadAll]);

  // Live updates, once the first load has shown the token (if any) works.
  useEffect(() => {
    if (!loaded) return;
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let opened = false;
    const connect = () => {
      source = new EventSource(api.eventsUrl());
      source.onopen = () => {
        setConnection('live');
        // Events sent while disconnected are gone: read the lists again.
        if (opened) void loadAll();
        opened = true;
      };
      source.onerror = () => {
        if (source?.readyState === EventSource.CLOSED) {
          setConnection('offline');
          retry = setTimeout(connect, 5_000);
        } else setConnection('reconnecting');
      };
      for (const name of EVENT_NAMES) {
        source.addEventListener(name, (message: MessageEvent<string>) => {
          let event: LiveEvent;
          try {
            event = { event: name, data: JSON.parse(message.data) } as LiveEvent;
          } catch {
            setUnreadable((n) => n + 1);
            return;
          }
          dispatch({ type: 'live', event });
          const id = sessionOf(event);
          if (id) later(`session:${id}`, () => void loadDetail(id));
          if (name === 'session_opened' || name === 'dependency_detected')
            later('dependencies', () =>
              api
                .dependencies()
                .then((dependencies) => dispatch({ type: 'dependencies', dependencies })),
            );
        });
      }
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [loaded, api, loadAll, loadDetail, later]);

  const actions: SessionActions = useMemo(
    () => ({
      decide: (session, decision) => setPending({ session, decision }),
      reply: async (id, body) => {
        dispatch({ type: 'detail', detail: await api.reply(id, body) });
      },
      load: (id) => void loadDetail(id),
    }),
    [api, loadDetail],
  );

  const showSession = useCallback((id: string) => {
    document
      .getElementById(`session-${id}`)
      ?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, []);

  const queue = escalationQueue(state);
  const active = activeSessions(state);
  const past = history(state);

  return (
    <>
      <header class="top">
        <h1>Chorale</h1>
        {node && (
          <p class="node">
            <span title={node.peer_id}>node {shortId(node.peer_id)}</span>
            <span>v{node.version}</span>
            <span>up {formatUptime((now - Date.parse(node.started_at)) / 1000)}</span>
            <span>
              {node.plugins.transport} · planners {node.plugins.planners.join(' → ')}
            </span>
            <span>{node.peers.length} peers</span>
          </p>
        )}
        <p class={`connection ${connection}`} role="status">
          {CONNECTION_TEXT[connection]}
          {unreadable > 0 && ` (${unreadable} unreadable events skipped)`}
        </p>
      </header>
      {error && (
        <p class="error banner" role="alert">
          {error}
        </p>
      )}
      <main class="layout">
        <div class="column">
          <SessionPanel
            id="queue-title"
            className="panel queue"
            title="Escalation queue"
            empty="No session is waiting for a human."
            sessions={queue}
            details={state.details}
            actions={actions}
            now={now}
          />
          <SessionPanel
            id="active-title"
            className="panel"
            title="Active sessions"
            empty="No session under discussion."
            sessions={active}
            details={state.details}
            actions={actions}
            now={now}
          />
        </div>
        <div class="column">
          <section aria-labelledby="graph-title" class="panel">
            <h2 id="graph-title">Dependencies across repositories</h2>
            <GraphView
              tasks={state.tasks}
              dependencies={state.dependencies}
              sessions={state.sessions}
              onSession={showSession}
            />
          </section>
          <section aria-labelledby="history-title" class="panel">
            <h2 id="history-title">
              History <span class="count">{past.length}</span>
            </h2>
            {past.length === 0 ? (
              <p class="muted">No session has ended yet.</p>
            ) : (
              <ol class="history">
                {past.map((s) => (
                  <HistoryEntry
                    key={s.session_id}
                    session={s}
                    detail={state.details[s.session_id]}
                    actions={actions}
                    now={now}
                  />
                ))}
              </ol>
            )}
          </section>
        </div>
      </main>
      {pending && (
        <DecisionDialog
          session={pending.session}
          decision={pending.decision}
          defaultBy={localStorage.getItem(OPERATOR_KEY) ?? 'operator'}
          cancel={() => setPending(undefined)}
          submit={async (reason, by) => {
            const detail = await api.decide(pending.session.session_id, pending.decision, {
              reason,
              by,
            });
            localStorage.setItem(OPERATOR_KEY, by);
            dispatch({ type: 'detail', detail });
            setPending(undefined);
          }}
        />
      )}
      {tokenRequest && <TokenDialog refused={tokenRequest.refused} submit={tokenRequest.answer} />}
    </>
  );
}
