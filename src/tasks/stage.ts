import { cpSync, existsSync, mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Task } from './load.js';

/**
 * Copies a folder or file as it is: symlinks stay symlinks with their target
 * as written (never followed, never rewritten to point back at the source).
 * A material folder that is itself a link inside the task is copied from
 * where it leads.
 */
export function copyVerbatim(from: string, to: string): void {
  mkdirSync(path.dirname(to), { recursive: true });
  cpSync(realpathSync(from), to, { recursive: true, verbatimSymlinks: true, errorOnExist: false });
}

/**
 * Copies what grading and the oracle use of a task (the solution, the grader
 * fixtures, expected outputs and rubrics) into `into`, at the same paths
 * relative to the task folder, and returns the task with those paths pointing
 * at the copies. A run mounts and copies into its sandbox only these copies,
 * never the task folder itself. Build contexts stay where they are: Docker
 * reads them without following links, and loadTask has checked their links.
 */
export function stageTask(task: Task, into: string): Task {
  mkdirSync(into, { recursive: true });
  const staged = (p: string) => path.join(into, path.relative(task.dir, p));
  const copy = (p: string | null) => {
    if (p && existsSync(p) && !existsSync(staged(p))) copyVerbatim(p, staged(p));
  };
  copy(task.paths.solution);
  copy(task.paths.fixtures);
  for (const check of task.manifest.grader.checks) {
    if (check.type === 'reference_output') copy(path.resolve(task.dir, check.expected));
    if (check.type === 'llm_rubric') copy(path.resolve(task.dir, check.rubric));
  }
  return {
    ...task,
    dir: into,
    paths: {
      ...task.paths,
      solution: staged(task.paths.solution),
      fixtures: task.paths.fixtures ? staged(task.paths.fixtures) : null,
    },
  };
}
