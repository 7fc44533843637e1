import { DependencyDetector } from '@chorale/detector';
import type { DependencyEvidence } from '@chorale/protocol';
import type { Command } from 'commander';
import pc from 'picocolors';
import { createComponents } from '../compose.js';
import { stdoutOutput } from '../output.js';
import { readTasksFile } from '../tasks-file.js';
import { loadRulePacks } from './rules.js';
import { type ConfigOption, load, loggerFor } from './shared.js';

const ref = (t: { projectId: number | string; taskId: number | string; repository: string }) => ({
  project_id: t.projectId,
  task_id: t.taskId,
  repository: t.repository,
});

/** The evidence of a dependency, one line each: the terms of each task, references, signals. */
export function evidenceLines(evidence: DependencyEvidence): string[] {
  const lines: string[] = [];
  if (evidence.task1Terms.length > 0 || evidence.task2Terms.length > 0) {
    lines.push(`terms: [${evidence.task1Terms.join(', ')}] / [${evidence.task2Terms.join(', ')}]`);
  }
  if (evidence.references.length > 0) lines.push(`references: ${evidence.references.join(', ')}`);
  for (const signal of evidence.signals) lines.push(`signal: ${signal}`);
  return lines;
}

export function detectCommand(program: Command): void {
  program
    .command('detect')
    .description(
      'register each TaskContext of a JSON Lines file in order and print the dependencies found',
    )
    .requiredOption('--tasks <file.jsonl>', 'TaskContexts, one per line')
    .option('--config <file>', 'config file (its rule packs are used)')
    .option('--json', 'one JSON object per dependency')
    .action(async (options: ConfigOption & { tasks: string; json?: boolean }) => {
      const tasks = await readTasksFile(options.tasks);
      const { config } = await load(options);
      const components = await createComponents(config, loggerFor(config.logLevel, true));
      const detector = new DependencyDetector({ rules: await loadRulePacks(config, components) });
      const out = stdoutOutput(options.json ?? false);
      let found = 0;
      for (const task of tasks) {
        for (const d of detector.register(task)) {
          found++;
          const json = {
            task1: ref(d.task1),
            task2: ref(d.task2),
            relationship: d.relationship,
            confidence: d.confidence,
            reason: d.reason,
            order: d.order ?? 'either',
            evidence: d.evidence ?? null,
          };
          const arrow = d.order === 'task1_first' ? '→' : '↔';
          out.line(
            out.json
              ? JSON.stringify(json)
              : `${pc.bold(d.relationship)} (${d.confidence.toFixed(2)}) ${d.task1.repository}#${d.task1.taskId} ${arrow} ${d.task2.repository}#${d.task2.taskId}: ${d.reason}`,
          );
          if (!out.json && d.evidence) {
            for (const line of evidenceLines(d.evidence)) out.line(`    ${pc.dim(line)}`);
          }
        }
      }
      if (!out.json) out.line(pc.dim(`${tasks.length} tasks, ${found} dependencies`));
    });
}
