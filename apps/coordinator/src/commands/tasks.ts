import { encodeTaskContext } from '@chorale/protocol';
import type { Command } from 'commander';
import type { ClaimResult, ReleaseResult, TaskList } from '../http/schemas.js';
import { readTaskFile } from '../tasks-file.js';
import {
  type ApiOptions,
  clientFor,
  out,
  printJson,
  shortTime,
  table,
  withApiOptions,
} from './api-shared.js';

interface ClaimOptions extends ApiOptions {
  task: string;
}

export function tasksCommand(program: Command): void {
  const tasks = program
    .command('tasks')
    .description('list, claim and release tasks on a running node (its HTTP API)');

  withApiOptions(tasks.command('list').description('the claimed tasks the node knows')).action(
    async (options: ApiOptions) => {
      const list = await clientFor(options).get<TaskList>('/api/tasks');
      if (options.json) return printJson(list);
      if (list.tasks.length === 0) return out('no claimed tasks');
      out(
        table(
          ['PROJECT', 'TASK', 'REPOSITORY', 'AGENT', 'CLAIMED', 'TITLE'],
          list.tasks.map((t) => [
            String(t.project_id),
            String(t.task_id),
            t.repository,
            t.agent_id,
            shortTime(t.claimed_at),
            t.title,
          ]),
        ),
      );
    },
  );

  withApiOptions(
    tasks
      .command('claim')
      .description(
        'claim a task through the node: it tells the mesh and opens sessions for the dependencies found',
      )
      .requiredOption('--task <file>', 'a JSON file with one TaskContext (snake_case)'),
  ).action(async (options: ClaimOptions) => {
    const task = await readTaskFile(options.task);
    const result = await clientFor(options).post<ClaimResult>(
      '/api/tasks',
      encodeTaskContext(task),
    );
    if (options.json) return printJson(result);
    out(`claimed ${result.task.repository}#${result.task.task_id} for ${result.task.agent_id}`);
    for (const d of result.dependencies) {
      out(
        `  ${d.relationship} (${d.confidence.toFixed(2)}) ${d.task1.repository}#${d.task1.task_id} → ${d.task2.repository}#${d.task2.task_id}${d.session_id ? `: session ${d.session_id}` : ''}`,
      );
    }
    if (result.dependencies.length === 0) out('  no dependency found');
  });

  withApiOptions(
    tasks
      .command('release')
      .description('release a claimed task: the detector forgets it')
      .argument('<project-id>')
      .argument('<task-id>'),
  ).action(async (projectId: string, taskId: string, options: ApiOptions) => {
    const result = await clientFor(options).delete<ReleaseResult>(
      `/api/tasks/${encodeURIComponent(projectId)}/${encodeURIComponent(taskId)}`,
    );
    if (options.json) return printJson(result);
    out(`released ${result.released.repository}#${result.released.task_id}`);
  });
}
