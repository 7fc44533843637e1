import { useId, useState } from 'preact/hooks';
import {
  type Decision,
  MESSAGE_TYPES,
  type MessageType,
  type SessionDetail,
  type SessionSummary,
} from '../api-types.js';
import { relativeTime, sessionTitle } from '../format.js';
import { MessageList, PlanView } from './plan.js';

export interface SessionActions {
  /** Opens the dialog that asks for the reason of a decision. */
  decide(session: SessionSummary, decision: Decision): void;
  reply(
    sessionId: string,
    body: { agent_id: string; type?: MessageType; content: string },
  ): Promise<void>;
  /** Loads the full session of a history entry. */
  load(sessionId: string): void;
}

const DECISIONS: Record<SessionSummary['status'], Decision[]> = {
  active: ['resolve', 'escalate', 'close'],
  escalated: ['resolve', 'close'],
  resolved: [],
  closed: [],
};

const LABELS: Record<Decision, string> = {
  resolve: 'Resolve',
  escalate: 'Escalate',
  close: 'Close',
};

function StatusBadge({ status }: { status: SessionSummary['status'] }) {
  return <span class={`badge status-${status}`}>{status}</span>;
}

function Meta({ session, now }: { session: SessionSummary; now: number }) {
  return (
    <p class="meta">
      <StatusBadge status={session.status} />
      <span>{session.type}</span>
      {session.relationship && <span class="relationship">{session.relationship}</span>}
      <span>
        opened{' '}
        <time dateTime={session.created_at} title={session.created_at}>
          {relativeTime(session.created_at, now)}
        </time>
      </span>
      <code title="session id">{session.session_id}</code>
    </p>
  );
}

function Participants({ detail }: { detail: SessionDetail }) {
  const waiting = new Set(detail.waiting_on);
  return (
    <ul class="participants" aria-label="Participants">
      {detail.participant_details.map((p) => (
        <li key={p.agent_id} class={p.active ? 'active' : 'inactive'}>
          <span class="agent">{p.agent_id}</span>
          <span class="muted">{p.repository}</span>
          {detail.status === 'active' && waiting.has(p.agent_id) && (
            <span class="badge waiting">waiting</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Reply as one of the session's agents: POST /api/sessions/:id/messages. */
function ReplyForm({ detail, actions }: { detail: SessionDetail; actions: SessionActions }) {
  const id = useId();
  const agents = detail.participant_details.map((p) => p.agent_id);
  const [agent, setAgent] = useState(agents[0] ?? '');
  const [type, setType] = useState<MessageType | ''>('');
  const [content, setContent] = useState('');
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setSending(true);
    setError('');
    try {
      await actions.reply(detail.session_id, {
        agent_id: agent || (agents[0] ?? ''),
        ...(type ? { type } : {}),
        content,
      });
      setContent('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  }

  return (
    <form class="reply" onSubmit={submit} aria-label={`Reply in session ${detail.session_id}`}>
      <div class="field">
        <label for={`${id}-agent`}>Agent</label>
        <select id={`${id}-agent`} value={agent} onChange={(e) => setAgent(e.currentTarget.value)}>
          {agents.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${id}-type`}>Type</label>
        <select
          id={`${id}-type`}
          value={type}
          onChange={(e) => setType(e.currentTarget.value as MessageType | '')}
        >
          <option value="">classify the text</option>
          {MESSAGE_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <div class="field grow">
        <label for={`${id}-content`}>Message</label>
        <textarea
          id={`${id}-content`}
          rows={2}
          required
          value={content}
          onInput={(e) => setContent(e.currentTarget.value)}
        />
      </div>
      <button type="submit" disabled={sending || agents.length === 0}>
        Send reply
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function Actions({ session, actions }: { session: SessionSummary; actions: SessionActions }) {
  const decisions = DECISIONS[session.status];
  if (decisions.length === 0) return null;
  return (
    <div class="actions">
      {decisions.map((d) => (
        <button
          key={d}
          type="button"
          class={d === 'resolve' ? 'primary' : d === 'escalate' ? 'warn' : ''}
          onClick={() => actions.decide(session, d)}
        >
          {LABELS[d]}
        </button>
      ))}
    </div>
  );
}

/** An active or escalated session: everything a human needs to decide. */
export function SessionCard(props: {
  session: SessionSummary;
  detail: SessionDetail | undefined;
  actions: SessionActions;
  now: number;
}) {
  const { session, detail, actions, now } = props;
  const id = useId();
  return (
    <article
      class={`card session status-${session.status}`}
      id={`session-${session.session_id}`}
      aria-labelledby={`${id}-title`}
    >
      <header>
        <h3 id={`${id}-title`}>{sessionTitle(session.repositories, session.session_id)}</h3>
        <Meta session={session} now={now} />
      </header>
      <p class="reason">{session.reason}</p>
      {session.status === 'escalated' && (
        <p class="callout escalated">
          <strong>Escalated</strong>{' '}
          <time dateTime={session.closed_at} title={session.closed_at}>
            {relativeTime(session.closed_at, now)}
          </time>
          : {session.escalation_reason}
        </p>
      )}
      {detail ? (
        <>
          <Participants detail={detail} />
          {detail.plan ? (
            <PlanView plan={detail.plan} titleId={`${id}-plan`} />
          ) : (
            <p class="muted">Waiting for a plan…</p>
          )}
          {detail.status === 'active' && detail.waiting_on.length > 0 && (
            <p class="waiting-on">Waiting on agreement from {detail.waiting_on.join(', ')}</p>
          )}
          <h4>Messages ({detail.messages.length})</h4>
          <MessageList messages={detail.messages} now={now} />
        </>
      ) : (
        <p class="muted">Loading…</p>
      )}
      <Actions session={session} actions={actions} />
      {detail && session.status === 'active' && <ReplyForm detail={detail} actions={actions} />}
    </article>
  );
}

/** A resolved or closed session: its outcome, and the full record on demand. */
export function HistoryEntry(props: {
  session: SessionSummary;
  detail: SessionDetail | undefined;
  actions: SessionActions;
  now: number;
}) {
  const { session, detail, actions, now } = props;
  const id = useId();
  const [open, setOpen] = useState(false);
  const outcome = session.status === 'resolved' ? 'Resolved' : 'Closed';
  return (
    <li class={`history-entry status-${session.status}`} id={`session-${session.session_id}`}>
      <article aria-labelledby={`${id}-title`}>
        <header>
          <h3 id={`${id}-title`}>{sessionTitle(session.repositories, session.session_id)}</h3>
          <Meta session={session} now={now} />
        </header>
        <p>
          <strong>{outcome}</strong>
          {session.decided_by && <> by {session.decided_by}</>}{' '}
          <time dateTime={session.closed_at} title={session.closed_at}>
            {relativeTime(session.closed_at, now)}
          </time>
          : {session.resolution}
        </p>
        {session.escalation_reason && (
          <p class="muted">Escalated before: {session.escalation_reason}</p>
        )}
        <button
          type="button"
          class="link"
          aria-expanded={open}
          aria-controls={`${id}-detail`}
          onClick={() => {
            if (!open && !detail) actions.load(session.session_id);
            setOpen(!open);
          }}
        >
          {open ? 'Hide details' : 'Show details'}
        </button>
        <div id={`${id}-detail`} hidden={!open}>
          {open &&
            (detail ? (
              <>
                {detail.plan && <PlanView plan={detail.plan} titleId={`${id}-plan`} />}
                <MessageList messages={detail.messages} now={now} />
              </>
            ) : (
              <p class="muted">Loading…</p>
            ))}
        </div>
      </article>
    </li>
  );
}
