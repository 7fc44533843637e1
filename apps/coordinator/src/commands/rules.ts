import { type ResolvedConfig, resolvePlugins } from '@chorale/config';
import type { Components, RulePack } from '@chorale/core';
import { explain } from '@chorale/detector';
import type { Command } from 'commander';
import pc from 'picocolors';
import { createComponents } from '../compose.js';
import { namingConfigFile } from '../errors.js';
import { stdoutOutput } from '../output.js';
import { OWN_DIR } from '../own-dir.js';
import { evidenceLines } from './detect.js';
import { type ConfigOption, load, loggerFor } from './shared.js';

/** Only the rule packs of the config (no transport, sinks or store are opened). */
export async function loadRulePacks(
  config: ResolvedConfig,
  components: Components,
): Promise<RulePack[]> {
  const plugins = await namingConfigFile(config, () =>
    resolvePlugins(config, components, { resolveFrom: [OWN_DIR], kinds: ['rules'] }),
  );
  return plugins.rulePacks;
}

export function rulesCommand(program: Command): void {
  const rules = program.command('rules').description('inspect the dependency rules');
  rules
    .command('test')
    .description('which rules match two task texts, and why')
    .argument('<text1>', 'the first task (title and description)')
    .argument('<text2>', 'the second task')
    .option('--config <file>', 'config file (its rule packs are used)')
    .option('--json', 'print the verdicts as JSON')
    .action(async (text1: string, text2: string, options: ConfigOption & { json?: boolean }) => {
      const { config } = await load(options);
      const components = await createComponents(config, loggerFor(config.logLevel, true));
      const result = explain(text1, text2, await loadRulePacks(config, components));
      const out = stdoutOutput(options.json ?? false);
      if (out.json) {
        out.line(
          JSON.stringify({
            matched: result.verdicts.filter((v) => v.matched).map((v) => v.rule),
            best: result.best
              ? {
                  relationship: result.best.rule,
                  confidence: result.best.confidence,
                  reason: result.best.reason,
                  order: result.best.first ? `${result.best.first}_first` : 'either',
                  evidence: result.best.evidence ?? null,
                }
              : null,
            verdicts: result.verdicts,
          }),
        );
        return;
      }
      for (const v of result.verdicts) {
        const mark = v.matched ? pc.green('✔') : pc.dim('·');
        const why = v.matched
          ? `${v.reason} (confidence ${v.confidence?.toFixed(2)})`
          : pc.dim(v.error ? `error: ${v.error}` : 'no match');
        const words = `${pc.dim(`keywords: [${v.keywords.a.join(', ')}] / [${v.keywords.b.join(', ')}]`)}`;
        out.line(`${mark} ${pc.bold(v.rule.padEnd(26))} ${why}  ${words}`);
        if (v.matched && v.evidence) {
          const order = v.first ? `order: text${v.first === 'a' ? 1 : 2} first` : 'order: either';
          out.line(`    ${pc.dim(order)}`);
          for (const line of evidenceLines({
            task1Terms: v.evidence.a,
            task2Terms: v.evidence.b,
            references: v.evidence.references,
            signals: v.evidence.signals,
          })) {
            out.line(`    ${pc.dim(line)}`);
          }
        }
      }
      out.line(
        result.best ? `→ ${pc.bold(result.best.rule)} would be reported` : '→ no dependency',
      );
    });
}
