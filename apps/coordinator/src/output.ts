import type { Envelope, PlanProvenance, SlurpEvent, TaskContext } from '@chorale/protocol';
import { encodeMessage, formatRfc3339 } from '@chorale/protocol';
import pc from 'picocolors';

/** Where the CLI writes: stdout for results, with or without colour. */
export interface Output {
  json: boolean;
  line(text: string): void;
}

export function stdoutOutput(json: boolean): Output {
  return { json, line: (text) => process.stdout.write(`${text}\n`) };
}

/** One JSON object per line, `event` naming the message type, then the CHORUS `data` fields. */
export function envelopeEvent(envelope: Envelope): Record<string, unknown> {
  const { message_type: _type, ...data } = encodeMessage(envelope.message);
  return {
    event: envelope.message.type,
    from: envelope.from,
    timestamp: formatRfc3339(envelope.timestamp),
    ...data,
  };
}

export function slurpEventLine(event: SlurpEvent, sinks: string[]): Record<string, unknown> {
  return {
    event: 'slurp_event',
    session_id: event.sessionId,
    outcome_type: event.outcomeType,
    consensus_reached: event.consensusReached,
    consensus_strength: event.consensusStrength,
    message_count: event.metadata.messageCount,
    sinks,
  };
}

const taskRef = (t: TaskContext) => `${t.repository}#${t.taskId}`;

/** `by anthropic (claude-x, 1200+300 tokens, 2.1 s)`, `by template; anthropic failed: ...`. */
export function describeProvenance(p: PlanProvenance): string {
  const details = [
    p.model,
    p.cached ? 'cached' : undefined,
    p.usage ? `${p.usage.inputTokens}+${p.usage.outputTokens} tokens` : undefined,
    p.latencyMs === undefined || p.cached
      ? undefined
      : p.latencyMs < 1000
        ? `${Math.round(p.latencyMs)} ms`
        : `${(p.latencyMs / 1000).toFixed(1)} s`,
  ].filter((d) => d !== undefined);
  const failed = p.failures.map((f) => `${f.planner} failed: ${f.error}`);
  return [`by ${p.planner}${details.length > 0 ? ` (${details.join(', ')})` : ''}`, ...failed].join(
    '; ',
  );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `      ${pc.dim(line)}`)
    .join('\n');
}

/** A readable, coloured line (or block) for a message on the wire. */
export function prettyEnvelope(envelope: Envelope): string {
  const m = envelope.message;
  switch (m.type) {
    case 'task_claim':
      return `${pc.cyan('▶ claim')}       ${pc.bold(m.task.agentId)} claims ${taskRef(m.task)} "${m.task.title}"`;
    case 'dependency_detected':
      return `${pc.magenta('⇄ dependency')}  ${pc.bold(m.dependency.relationship)} (${m.dependency.confidence.toFixed(2)}) ${taskRef(m.dependency.task1)} → ${taskRef(m.dependency.task2)}: ${m.dependency.reason}`;
    case 'coordination_plan':
      return `${pc.blue('▣ plan')}        ${pc.bold(m.sessionId)} revision ${m.planRevision} to ${Object.keys(m.participants).join(', ')}${m.provenance ? `\n      ${pc.dim(describeProvenance(m.provenance))}` : ''}\n${indent(m.plan)}`;
    case 'coordination_response':
      return `${pc.white('✎ response')}    ${pc.bold(m.agentId)}${m.responseType ? ` (${m.responseType})` : ''}: ${m.response}`;
    case 'session_message':
      return `${pc.white('✎ message')}     ${pc.bold(m.fromAgent)}${m.responseType ? ` (${m.responseType})` : ''}: ${m.content}`;
    case 'resolution':
      return `${pc.green('✔ resolution')}  ${pc.bold(m.sessionId)}: ${m.resolution}\n      ${pc.dim(m.summary)}`;
    case 'escalation':
      return `${pc.red('⚠ escalation')}  ${pc.bold(m.sessionId)}: ${m.escalationReason}${m.requiresHuman ? pc.red(' (requires a human)') : ''}\n      ${pc.dim(m.sessionSummary)}`;
    case 'coordination_request':
      return `${pc.cyan('? request')}     ${pc.bold(m.agentId)} asks for a ${m.sessionType} session: ${m.reason}`;
    case 'escalation_request':
      return `${pc.yellow('⚑ escalate?')}   ${pc.bold(m.agentId)} asks to escalate ${m.sessionId}: ${m.reason}`;
  }
}

export function prettySlurp(event: SlurpEvent, sinks: string[]): string {
  return `${pc.yellow('✱ SLURP event')} ${pc.bold(event.sessionId)} ${event.outcomeType}, consensus ${event.consensusStrength}, ${event.metadata.messageCount} messages → ${sinks.join(', ') || 'no sink'}`;
}
