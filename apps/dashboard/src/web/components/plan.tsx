import type { Message, Plan, PlanSections } from '../api-types.js';
import { relativeTime } from '../format.js';

const SECTIONS: { key: keyof PlanSections; title: string; ordered: boolean }[] = [
  { key: 'sequence', title: 'Sequence', ordered: true },
  { key: 'information_sharing', title: 'Information sharing', ordered: false },
  { key: 'coordination_points', title: 'Coordination points', ordered: false },
  { key: 'potential_conflicts', title: 'Potential conflicts', ordered: false },
  { key: 'success_criteria', title: 'Success criteria', ordered: false },
];

/** Which planner wrote the plan, with the model, cost and the planners that failed before it. */
export function Provenance({ plan }: { plan: Plan }) {
  const p = plan.provenance;
  const planner = p?.planner ?? plan.planner;
  const parts = [`by ${plan.author}`];
  if (planner) parts.push(`planner ${planner}`);
  if (p?.model) parts.push(p.model);
  if (p?.usage) parts.push(`${p.usage.input_tokens} → ${p.usage.output_tokens} tokens`);
  if (p?.latency_ms !== undefined) parts.push(`${Math.round(p.latency_ms)} ms`);
  if (p?.cached) parts.push('from cache');
  return (
    <div class="provenance">
      <p>{parts.join(' · ')}</p>
      {p && p.failures.length > 0 && (
        <ul class="failures" aria-label="Planners that gave no plan">
          {p.failures.map((f) => (
            <li key={f.planner}>
              <strong>{f.planner}</strong>: {f.error}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The plan under discussion: its five sections where the planner told them apart, else its text. */
export function PlanView({ plan, titleId }: { plan: Plan; titleId: string }) {
  const sections = plan.sections;
  const filled = sections ? SECTIONS.filter((s) => sections[s.key].length > 0) : [];
  return (
    <section class="plan" aria-labelledby={titleId}>
      <h4 id={titleId}>Plan · revision {plan.revision}</h4>
      <Provenance plan={plan} />
      {sections && filled.length > 0 ? (
        <div class="plan-sections">
          {filled.map(({ key, title, ordered }) => {
            const items = sections[key].map((item) => <li key={item}>{item}</li>);
            return (
              <div class="plan-section" key={key}>
                <h5>{title}</h5>
                {ordered ? <ol>{items}</ol> : <ul>{items}</ul>}
              </div>
            );
          })}
        </div>
      ) : (
        <p class="plan-text">{plan.text}</p>
      )}
    </section>
  );
}

/** Plans and replies in order; a plan is folded to one line (its text is shown above). */
export function MessageList({ messages, now }: { messages: readonly Message[]; now: number }) {
  if (messages.length === 0) return <p class="muted">No messages yet.</p>;
  return (
    <ol class="messages" aria-label="Messages">
      {messages.map((m) => (
        <li key={m.message_id} class={`message type-${m.message_type}`}>
          <div class="message-head">
            <span class="agent">{m.from_agent_id}</span>
            <span class={`badge type-${m.message_type}`}>{m.message_type}</span>
            <time dateTime={m.timestamp} title={m.timestamp}>
              {relativeTime(m.timestamp, now)}
            </time>
          </div>
          {m.message_type === 'proposal' ? (
            <details>
              <summary>Plan revision {m.plan_revision ?? '?'}</summary>
              <p class="plan-text">{m.content}</p>
            </details>
          ) : (
            <p>{m.content}</p>
          )}
        </li>
      ))}
    </ol>
  );
}
