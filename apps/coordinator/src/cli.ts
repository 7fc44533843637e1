import { ChoraleError } from '@chorale/protocol';
import { Command, CommanderError } from 'commander';
import { agentCommand } from './commands/agent.js';
import { configCommand } from './commands/config.js';
import { demoCommand } from './commands/demo.js';
import { detectCommand } from './commands/detect.js';
import { rulesCommand } from './commands/rules.js';
import { sessionsCommand } from './commands/sessions.js';
import { startCommand } from './commands/start.js';
import { tasksCommand } from './commands/tasks.js';
import { UsageError } from './errors.js';
import { VERSION } from './version.js';

export function createProgram(): Command {
  const program = new Command('chorale')
    .description(
      'Coordinates AI coding agents whose tasks depend on each other across repositories',
    )
    .version(VERSION)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      // commander puts its "(Did you mean ...?)" on a line of its own: keep the error one line
      outputError: (text, write) => write(text.replace(/\n(?=\(Did you mean)/, ' ')),
    });
  demoCommand(program);
  startCommand(program);
  rulesCommand(program);
  detectCommand(program);
  configCommand(program);
  agentCommand(program);
  sessionsCommand(program);
  tasksCommand(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI; returns the exit code. Every error becomes one line on stderr, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed its message already (help, version, unknown option...)
      return error.exitCode === 0 ? 0 : 2;
    }
    const message =
      ChoraleError.isInstance(error) || error instanceof Error ? error.message : String(error);
    process.stderr.write(`chorale: ${message}\n`);
    if (process.env.CHORALE_DEBUG && error instanceof Error)
      process.stderr.write(`${error.stack}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
