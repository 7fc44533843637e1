import { readFile } from 'node:fs/promises';
import { parseJson, parseTaskContext, type TaskContext } from '@chorale/protocol';
import { TaskFileError } from './errors.js';

async function readText(path: string): Promise<string> {
  try {
    // a byte order mark (some Windows editors write one) is not part of the first line
    return (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TaskFileError(`${path}: cannot read the file (${code ?? (error as Error).message})`);
  }
}

function parseTask(text: string, where: string): TaskContext {
  const json = parseJson(text, { maxBytes: 1024 * 1024 });
  if (!json.ok) throw new TaskFileError(`${where}: ${json.error.message}`);
  const task = parseTaskContext(json.value);
  if (!task.ok)
    throw new TaskFileError(`${where}: ${task.error.message.replace(/^task_claim: /, '')}`);
  return task.value;
}

/** TaskContexts from a JSON Lines file (blank lines skipped); a bad line is an error naming it. */
export async function readTasksFile(path: string): Promise<TaskContext[]> {
  const text = await readText(path);
  const tasks: TaskContext[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() !== '') tasks.push(parseTask(line, `${path}:${i + 1}`));
  });
  return tasks;
}

/** One TaskContext from a JSON file. */
export async function readTaskFile(path: string): Promise<TaskContext> {
  return parseTask(await readText(path), path);
}
