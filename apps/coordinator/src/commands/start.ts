import type { Command } from 'commander';
import pc from 'picocolors';
import { createNode, logActivity } from '../compose.js';
import { type ConfigOption, load, loggerFor } from './shared.js';

export function startCommand(program: Command): void {
  program
    .command('start')
    .description('run a coordinator node with the configured plugins until SIGINT or SIGTERM')
    .option('--config <file>', 'config file (default: searched from the working directory)')
    .action(async (options: ConfigOption) => {
      const { config, filepath } = await load(options);
      const logger = loggerFor(config.logLevel);
      const node = await createNode(config, { logger });
      logActivity(node.coordinator, logger);
      await node.start();
      const out = (text: string) => process.stdout.write(`${text}\n`);
      for (const address of node.transport.multiaddrs?.() ?? []) out(`listening ${address}`);
      out(`peer id ${node.transport.peerId}`);
      out(
        pc.dim(
          `chorale coordinator started (${filepath ?? 'embedded defaults'}): transport ${node.transport.name}, planners ${node.planners.map((p) => p.name).join(' → ')}, sinks ${node.sinks.map((s) => s.name).join(', ') || 'none'}`,
        ),
      );
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          logger.info({ signal }, 'shutting down');
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await node.close();
      out('stopped');
    });
}
