import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { Decision, SessionSummary } from '../api-types.js';
import { sessionTitle } from '../format.js';

/** A native modal dialog, open while mounted. */
function Modal(props: { labelledBy: string; onCancel?: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={props.labelledBy}
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel?.();
      }}
    >
      {props.children}
    </dialog>
  );
}

const VERBS: Record<Decision, { label: string; text: string }> = {
  resolve: { label: 'Resolve', text: 'The session ends as resolved.' },
  escalate: { label: 'Escalate', text: 'The session goes to the escalation queue.' },
  close: { label: 'Close', text: 'The session ends without an outcome.' },
};

export const OPERATOR_KEY = 'chorale.operator';

/** Asks for the reason (and who decides) before a Resolve, Escalate or Close. */
export function DecisionDialog(props: {
  session: SessionSummary;
  decision: Decision;
  defaultBy: string;
  submit(reason: string, by: string): Promise<void>;
  cancel(): void;
}) {
  const { session, decision } = props;
  const id = useId();
  const [reason, setReason] = useState('');
  const [by, setBy] = useState(props.defaultBy);
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const verb = VERBS[decision];

  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    setSending(true);
    setError('');
    try {
      await props.submit(reason.trim(), by.trim());
    } catch (e) {
      setError((e as Error).message);
      setSending(false);
    }
  }

  return (
    <Modal labelledBy={`${id}-title`} onCancel={props.cancel}>
      <form onSubmit={onSubmit} class="dialog-form">
        <h2 id={`${id}-title`}>
          {verb.label} {sessionTitle(session.repositories, session.session_id)}
        </h2>
        <p class="muted">
          {verb.text} The reason is recorded in the session and its decision record.
        </p>
        <div class="field">
          <label for={`${id}-reason`}>Reason</label>
          <textarea
            id={`${id}-reason`}
            rows={3}
            required
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={`${id}-by`}>Decided by</label>
          <input
            id={`${id}-by`}
            required
            value={by}
            onInput={(e) => setBy(e.currentTarget.value)}
          />
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-buttons">
          <button type="button" onClick={props.cancel}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={sending}>
            {verb.label}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Asks for the node's API token (after a 401). */
export function TokenDialog(props: { refused: boolean; submit(token: string): void }) {
  const id = useId();
  const [token, setToken] = useState('');
  return (
    <Modal labelledBy={`${id}-title`}>
      <form
        class="dialog-form"
        onSubmit={(event) => {
          event.preventDefault();
          props.submit(token.trim());
        }}
      >
        <h2 id={`${id}-title`}>This node needs a token</h2>
        <p class="muted">
          The token is the node's <code>http.token</code> (or <code>CHORALE_TOKEN</code>). It is
          kept in this tab only.
        </p>
        {props.refused && (
          <p class="error" role="alert">
            The node refused that token.
          </p>
        )}
        <div class="field">
          <label for={`${id}-token`}>Token</label>
          <input
            id={`${id}-token`}
            type="password"
            autocomplete="off"
            required
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </div>
        <div class="dialog-buttons">
          <button type="submit" class="primary">
            Connect
          </button>
        </div>
      </form>
    </Modal>
  );
}
