import { checkPlugins } from '@chorale/config';
import type { Command } from 'commander';
import { namingConfigFile } from '../errors.js';
import { OWN_DIR } from '../own-dir.js';
import { type ConfigOption, load } from './shared.js';

export function configCommand(program: Command): void {
  const config = program.command('config').description('inspect the configuration');
  config
    .command('check')
    .description('print the resolved config and its plugins, or what is wrong with it (exit 1)')
    .option('--config <file>', 'config file (default: searched from the working directory)')
    .action(async (options: ConfigOption) => {
      const { config: resolved, filepath } = await load(options);
      const plugins = await namingConfigFile(resolved, () =>
        checkPlugins(resolved, { resolveFrom: [OWN_DIR] }),
      );
      process.stdout.write(
        `${JSON.stringify({ file: filepath ?? null, config: resolved, plugins }, null, 2)}\n`,
      );
    });
}
