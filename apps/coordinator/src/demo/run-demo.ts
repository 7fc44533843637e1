import type { ResolvedConfig } from '@chorale/config';
import { type CoordinationSession, type Logger, MemoryBus } from '@chorale/core';
import { type CoordinationMessage, formatRfc3339, type TaskContext } from '@chorale/protocol';
import pc from 'picocolors';
import { createNode } from '../compose.js';
import { SinkFailedError } from '../errors.js';
import {
  envelopeEvent,
  type Output,
  prettyEnvelope,
  prettySlurp,
  slurpEventLine,
} from '../output.js';
import { AGREE, DEFAULT_SCENARIO, type DemoStep, type Line } from './scenario.js';
import { SimulatedAgent } from './simulated-agent.js';

export interface DemoResult {
  sessions: { sessionId: string; status: string }[];
  slurpEvents: number;
}

function messageEvent(
  session: CoordinationSession,
  m: CoordinationMessage,
): Record<string, unknown> {
  const source =
    m.metadata.source === 'session_message' ? 'session_message' : 'coordination_response';
  return {
    event: source,
    session_id: session.sessionId,
    ...(source === 'session_message'
      ? { from_agent: m.fromAgentId, content: m.content }
      : { agent_id: m.fromAgentId, response: m.content }),
    response_type: m.messageType,
    ...(m.planRevision ? { plan_revision: m.planRevision } : {}),
    timestamp: formatRfc3339(m.timestamp),
  };
}

/**
 * Runs the demo in one process on the in-memory bus, whatever transport the config names:
 * simulated agents claim tasks and answer the plans; the config's planners, rules and sinks do
 * the rest. Without `tasks`, the reference's scenario; with them, the agents claim those tasks
 * in order and agree to every plan.
 */
export async function runDemo(options: {
  config: ResolvedConfig;
  logger: Logger;
  out: Output;
  tasks?: TaskContext[];
}): Promise<DemoResult> {
  const { config, out } = options;
  const bus = new MemoryBus();
  const node = await createNode(config, {
    logger: options.logger,
    transport: bus.connect('meta-coordinator'),
  });
  const sinkNames = node.sinks.map((s) =>
    'path' in s && typeof s.path === 'string' ? s.path : s.name,
  );
  const coordinator = node.coordinator;
  const sessions = new Map<string, string>();
  let slurpEvents = 0;
  let activity = 0;
  const print = (json: Record<string, unknown>, pretty: string) =>
    out.line(out.json ? JSON.stringify(json) : pretty);

  coordinator.on('task_claimed', (task) => {
    activity++;
    const envelope = {
      from: `${task.agentId}-peer`,
      timestamp: task.claimedAt ?? Date.now(),
      hopCount: 0,
      message: { type: 'task_claim' as const, task },
    };
    print(envelopeEvent(envelope), prettyEnvelope(envelope));
  });
  coordinator.on('wire', (envelope, direction) => {
    activity++;
    if (direction === 'out' && envelope.message.type !== 'task_claim')
      print(envelopeEvent(envelope), prettyEnvelope(envelope));
  });
  coordinator.on('message', (session, m) => {
    activity++;
    print(
      messageEvent(session, m),
      `${pc.white('✎ reply')}       ${pc.bold(m.fromAgentId)} (${m.messageType}): ${m.content}`,
    );
  });
  coordinator.on('session_opened', (s) => sessions.set(s.sessionId, s.status));
  const sinkFailures: string[] = [];
  coordinator.on('drop', (reason, detail) => {
    if (reason === 'sink_failed') sinkFailures.push(detail);
  });
  coordinator.on('slurp', (event) => {
    slurpEvents++;
    sessions.set(event.sessionId, event.outcomeType);
    print(slurpEventLine(event, sinkNames), prettySlurp(event, sinkNames));
  });

  const steps: DemoStep[] = options.tasks
    ? [
        {
          title: 'Tasks from the file: every agent agrees to every plan',
          tasks: options.tasks,
          lines: {},
        },
      ]
    : DEFAULT_SCENARIO;
  const agents = new Map<string, SimulatedAgent>();
  const agentFor = async (agentId: string, lines: Line[] | undefined) => {
    let agent = agents.get(agentId);
    if (!agent) {
      agent = new SimulatedAgent({
        agentId,
        bus,
        topics: config.topics,
        script: (_session, turn) => (lines ? lines[turn] : turn === 0 ? AGREE : undefined),
      });
      agents.set(agentId, agent);
      await agent.start();
    }
    return agent;
  };

  /** Waits until nothing moves any more: no session work, no message in flight. */
  const settle = async () => {
    let seen = -1;
    while (seen !== activity) {
      seen = activity;
      await coordinator.whenIdle();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };

  // The system clock's timers do not hold the process open (so a node can always exit), and on
  // the in-memory bus nothing else does: without this, a planner waiting on the clock (an LLM
  // planner's retry backoff) would let the process exit in the middle of the demo.
  const keepAlive = setInterval(() => {}, 60_000);
  await node.start();
  try {
    for (const step of steps) {
      if (!out.json) out.line(`\n${pc.bold(pc.underline(step.title))}`);
      for (const task of step.tasks) {
        const agent = await agentFor(
          task.agentId,
          options.tasks ? undefined : step.lines[task.agentId],
        );
        await agent.claim(task);
        await settle();
      }
      await settle();
    }
  } finally {
    for (const agent of agents.values()) await agent.stop();
    await node.close();
    clearInterval(keepAlive);
  }
  // The coordinator counts a failed sink write and goes on; the demo must not claim it was written.
  if (sinkFailures.length > 0) throw new SinkFailedError(sinkFailures);
  const result: DemoResult = {
    sessions: [...sessions].map(([sessionId, status]) => ({ sessionId, status })),
    slurpEvents,
  };
  if (!out.json) {
    const counts = result.sessions.map((s) => s.status).join(', ') || 'none';
    out.line(
      `\n${pc.bold(`${result.sessions.length} session(s)`)}: ${counts}. ${slurpEvents} SLURP event(s) written to ${sinkNames.join(', ') || 'no sink'}.`,
    );
  }
  return result;
}
