import { userInfo } from 'node:os';
import { SESSION_STATUSES } from '@chorale/protocol';
import { type Command, Option } from 'commander';
import pc from 'picocolors';
import { UsageError } from '../errors.js';
import type { SessionDetail, SessionList } from '../http/schemas.js';
import {
  type ApiOptions,
  clientFor,
  out,
  printJson,
  shortTime,
  table,
  withApiOptions,
} from './api-shared.js';

interface ListOptions extends ApiOptions {
  status?: string;
  limit: string;
}

interface DecisionOptions extends ApiOptions {
  reason: string;
  by?: string;
}

/** Who decides when `--by` is not given: the login name. */
function whoAmI(): string {
  try {
    return userInfo().username || 'cli';
  } catch {
    return process.env.USER || 'cli';
  }
}

export function sessionsCommand(program: Command): void {
  const sessions = program
    .command('sessions')
    .description(
      'list, show and decide the coordination sessions of a running node (its HTTP API)',
    );

  withApiOptions(
    sessions
      .command('list')
      .description('sessions with their status, participants and plan revision, most recent first')
      .addOption(new Option('--status <status>', 'only these').choices([...SESSION_STATUSES]))
      .option('--limit <n>', 'at most this many', '200'),
  ).action(async (options: ListOptions) => {
    const limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new UsageError(`--limit: expected a positive integer, got "${options.limit}"`);
    const query = new URLSearchParams({
      ...(options.status ? { status: options.status } : {}),
      limit: String(limit),
    });
    const list = await clientFor(options).get<SessionList>(`/api/sessions?${query}`);
    if (options.json) return printJson(list);
    if (list.sessions.length === 0)
      return out(`no ${options.status ?? ''} sessions`.replace('  ', ' '));
    out(
      table(
        [
          'SESSION',
          'STATUS',
          'TYPE',
          'PARTICIPANTS',
          'PLAN',
          'MESSAGES',
          'LAST ACTIVITY',
          'REASON',
        ],
        list.sessions.map((s) => [
          s.session_id,
          s.status,
          s.type,
          s.participants.join(','),
          String(s.plan_revision),
          String(s.message_count),
          shortTime(s.last_activity),
          s.status === 'escalated'
            ? s.escalation_reason
            : s.status === 'active'
              ? s.reason
              : s.resolution,
        ]),
      ),
    );
  });

  withApiOptions(
    sessions
      .command('show')
      .description('one session: participants, tasks, the plan, every message and the decision')
      .argument('<session-id>'),
  ).action(async (id: string, options: ApiOptions) => {
    const session = await clientFor(options).get<SessionDetail>(
      `/api/sessions/${encodeURIComponent(id)}`,
    );
    if (options.json) return printJson(session);
    out(showSession(session));
  });

  for (const [action, description] of [
    ['resolve', 'resolve an active session by hand'],
    ['escalate', 'escalate an active session to a human'],
    ['close', 'close an active session without an outcome'],
  ] as const) {
    withApiOptions(
      sessions
        .command(action)
        .description(`${description} (recorded with the reason and who decided)`)
        .argument('<session-id>')
        .requiredOption('--reason <text>', 'why (kept in the session and its SLURP event)')
        .option('--by <name>', 'who decides (default: your login name)'),
    ).action(async (id: string, options: DecisionOptions) => {
      const session = await clientFor(options).post<SessionDetail>(
        `/api/sessions/${encodeURIComponent(id)}/${action}`,
        { reason: options.reason, by: options.by ?? whoAmI() },
      );
      if (options.json) return printJson(session);
      out(
        `${session.session_id} ${session.status} by ${session.decided_by ?? '?'}: ${options.reason}`,
      );
    });
  }
}

const STATUS_COLOUR = {
  active: pc.cyan,
  resolved: pc.green,
  escalated: pc.red,
  closed: pc.dim,
} as const;

/** A readable page about one session. */
export function showSession(s: SessionDetail): string {
  const lines = [
    `${pc.bold(s.session_id)}  ${STATUS_COLOUR[s.status](s.status)}  ${s.type}${s.relationship ? ` (${s.relationship})` : ''}`,
    `  reason       ${s.reason}`,
    `  opened       ${shortTime(s.created_at)}, last activity ${shortTime(s.last_activity)}`,
  ];
  if (s.decision) {
    lines.push(
      `  decision     ${s.decision.outcome}${s.decision.by ? ` by ${s.decision.by}` : ''} at ${shortTime(s.decision.at)}: ${s.decision.reason}`,
    );
  }
  if (s.status === 'active' && s.waiting_on.length > 0)
    lines.push(`  waiting on   ${s.waiting_on.join(', ')}`);
  lines.push('', pc.bold('Participants'));
  for (const p of s.participant_details)
    lines.push(`  ${p.agent_id}  ${p.repository}${p.peer_id ? `  ${pc.dim(p.peer_id)}` : ''}`);
  lines.push('', pc.bold('Tasks'));
  for (const t of s.tasks)
    lines.push(`  ${t.repository}#${t.task_id}  ${t.title}  (${t.agent_id})`);
  if (s.plan) {
    const by = s.plan.provenance?.model
      ? `${s.plan.planner} ${s.plan.provenance.model}`
      : s.plan.planner;
    lines.push(
      '',
      pc.bold(`Plan (revision ${s.plan.revision}, ${s.plan.author}${by ? `, ${by}` : ''})`),
    );
    for (const line of s.plan.text.split('\n')) lines.push(`  ${line}`);
  }
  lines.push('', pc.bold(`Messages (${s.messages.length})`));
  for (const m of s.messages) {
    const text =
      m.message_type === 'proposal' ? `plan revision ${m.plan_revision ?? '?'}` : m.content;
    lines.push(
      `  ${shortTime(m.timestamp)}  ${m.from_agent_id} ${pc.dim(`(${m.message_type})`)}: ${text}`,
    );
  }
  return lines.join('\n');
}
