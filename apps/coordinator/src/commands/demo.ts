import type { Command } from 'commander';
import { runDemo } from '../demo/run-demo.js';
import { stdoutOutput } from '../output.js';
import { readTasksFile } from '../tasks-file.js';
import { type ConfigOption, load, loggerFor } from './shared.js';

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'run simulated agents through coordination sessions in one process (in-memory bus)',
    )
    .option('--config <file>', 'config file (default: searched from the working directory)')
    .option(
      '--tasks <file.jsonl>',
      'claim these TaskContexts in order; the agents agree to every plan',
    )
    .option('--json', 'one JSON object per line, each with an `event` field')
    .action(async (options: ConfigOption & { tasks?: string; json?: boolean }) => {
      const tasks = options.tasks ? await readTasksFile(options.tasks) : undefined;
      const { config } = await load(options);
      await runDemo({
        config,
        logger: loggerFor(config.logLevel, true),
        out: stdoutOutput(options.json ?? false),
        ...(tasks ? { tasks } : {}),
      });
    });
}
