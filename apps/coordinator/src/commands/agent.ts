import { join } from 'node:path';
import { parseDuration, type ResolvedConfig } from '@chorale/config';
import {
  COORDINATION_MESSAGE_TYPES,
  type CoordinationMessageType,
  type Envelope,
  type HmmmMessage,
  type Message,
} from '@chorale/protocol';
import { type Command, Option } from 'commander';
import { createComponents } from '../compose.js';
import { NoCoordinatorError, UsageError } from '../errors.js';
import { envelopeEvent, prettyEnvelope, stdoutOutput } from '../output.js';
import { readTaskFile } from '../tasks-file.js';
import { type ConfigOption, load, loggerFor } from './shared.js';

interface AgentOptions extends ConfigOption {
  connect?: string[];
  wait: string;
  json?: boolean;
}

function waitMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--wait: expected a duration such as 10s or 500ms, got "${text}"`);
  return ms;
}

/** The transport options of the config when it uses libp2p (bootstrap, mDNS, pnet), for an agent's own node. */
function meshOptions(config: ResolvedConfig, connect: string[] | undefined) {
  const fromConfig =
    config.transport.name === '@chorale/transport-libp2p'
      ? ((config.transport.options ?? {}) as Record<string, unknown>)
      : {};
  return {
    bootstrap: connect ?? (fromConfig.bootstrap as string[] | undefined) ?? [],
    mdns: (fromConfig.mdns as boolean | undefined) ?? false,
    ...(fromConfig.pnetKeyFile ? { pnetKeyFile: fromConfig.pnetKeyFile as string } : {}),
  };
}

/**
 * Joins the mesh as `agentId` (with a key kept per agent, so the agent keeps its peer id and
 * its identity binding across runs), sends one message, prints what comes back until `done`
 * says so or the wait is over, and leaves.
 */
async function oneShot(
  agentId: string,
  options: AgentOptions,
  message: Message,
  done: (reply: HmmmMessage) => boolean,
): Promise<void> {
  const wait = waitMs(options.wait);
  const { config } = await load(options);
  const logger = loggerFor(config.logLevel, true);
  const components = await createComponents(config, logger);
  const mesh = meshOptions(config, options.connect);
  if (mesh.bootstrap.length === 0 && !mesh.mdns) {
    throw new UsageError(
      'no peer to join: give --connect <multiaddr> (a `listening` address of `chorale start`) or bootstrap peers in the config',
    );
  }
  // libp2p takes about a second to load: only the commands that join the mesh pay for it.
  const { Libp2pTransport } = await import('@chorale/transport-libp2p');
  const transport = new Libp2pTransport({
    options: {
      listen: ['/ip4/127.0.0.1/tcp/0'],
      ...mesh,
      peerKeyFile: join(config.dataDir, 'agents', `${agentId.replaceAll(/[^\w.-]/g, '_')}.key`),
      maxMessageBytes: config.maxMessageBytes,
    },
    components,
  });
  const out = stdoutOutput(options.json ?? false);
  const topic =
    message.type === 'task_claim' ? config.topics.coordination : config.topics.metaDiscussion;
  await transport.start();
  try {
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    transport.subscribe(config.topics.metaDiscussion, (envelope) => {
      if (envelope.message.type === 'task_claim') return;
      const reply = envelope.message;
      if (!relevant(reply, agentId, message)) return;
      out.line(out.json ? JSON.stringify(envelopeEvent(envelope)) : prettyEnvelope(envelope));
      if (done(reply)) finish();
    });
    const deadline = Date.now() + wait;
    try {
      await transport.waitForTopicPeers(topic, { signal: AbortSignal.timeout(wait) });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError')
        throw new NoCoordinatorError(topic, options.wait);
      throw error;
    }
    const envelope: Envelope = {
      from: transport.peerId,
      timestamp: Date.now(),
      hopCount: 0,
      message,
    };
    await transport.publish(topic, envelope);
    const timer = setTimeout(finish, Math.max(0, deadline - Date.now()));
    await finished;
    clearTimeout(timer);
  } finally {
    await transport.stop();
  }
}

/** Messages about this agent's tasks or the session it speaks in. */
function relevant(reply: HmmmMessage, agentId: string, sent: Message): boolean {
  if (sent.type === 'task_claim') {
    if (reply.type === 'dependency_detected') return reply.agentsInvolved.includes(agentId);
    if (reply.type === 'coordination_plan' || reply.type === 'escalation')
      return agentId in reply.participants;
    return false;
  }
  return 'sessionId' in reply && 'sessionId' in sent && reply.sessionId === sent.sessionId;
}

export function agentCommand(program: Command): void {
  const agent = program
    .command('agent')
    .description('act as an agent on the mesh: do one thing, print what comes back, leave');
  const common = (command: Command) =>
    command
      .option(
        '--config <file>',
        'config file (its libp2p bootstrap peers, mDNS and pnet key are used)',
      )
      .option(
        '--connect <multiaddr...>',
        'peers to join (a `listening` address printed by `chorale start`)',
      )
      .option('--wait <duration>', 'how long to wait for an answer', '10s')
      .option('--json', 'one JSON object per line');

  common(agent.command('claim').description('claim a task and wait for the coordination plan'))
    .requiredOption('--task <file.json>', 'the TaskContext to claim')
    .action(async (options: AgentOptions & { task: string }) => {
      const task = await readTaskFile(options.task);
      const claimed = { ...task, claimedAt: task.claimedAt ?? Date.now() };
      await oneShot(
        task.agentId,
        options,
        { type: 'task_claim', task: claimed },
        (reply) => reply.type === 'coordination_plan' || reply.type === 'escalation',
      );
    });

  common(
    agent.command('reply').description('answer in a coordination session and wait for its outcome'),
  )
    .requiredOption('--session <id>', 'the session id')
    .requiredOption('--agent <id>', 'the agent id you speak for')
    .addOption(
      new Option(
        '--type <type>',
        'the kind of reply (classified from the text when absent)',
      ).choices(COORDINATION_MESSAGE_TYPES),
    )
    .argument('<text>', 'what the agent says')
    .action(
      async (
        text: string,
        options: AgentOptions & { session: string; agent: string; type?: CoordinationMessageType },
      ) => {
        await oneShot(
          options.agent,
          options,
          {
            type: 'coordination_response',
            sessionId: options.session,
            agentId: options.agent,
            response: text,
            ...(options.type ? { responseType: options.type } : {}),
            timestamp: Date.now(),
          },
          (reply) => reply.type === 'resolution' || reply.type === 'escalation',
        );
      },
    );
}
