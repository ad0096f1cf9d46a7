import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runTask } from '../../src/orchestrator/index.js';
import type { RunResult } from '../../src/runs/index.js';
import { loadTask, type Task } from '../../src/tasks/index.js';
import { ScriptedBashAgent } from './judge-fakes.js';

/**
 * Shared by the grader tests that play a shortcut through the normal tool
 * path: a scripted agent runs bash commands in a shipped task, then the real
 * graders score what it left.
 */

/** A file of a shipped task (tasks/<task>/<rel>). */
export const taskFile = (task: string, rel: string): string =>
  readFileSync(path.resolve('tasks', task, rel), 'utf8');

/** A bash command that writes `content` to `file` verbatim. */
export const writeFile = (file: string, content: string): string =>
  `cat > ${file} <<'FB_EOF'\n${content}\nFB_EOF`;

/** Replaces `from` (which must occur) in `text`. */
export function edit(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

/** Runs a shipped task with a scripted agent; each command gets long enough for training scripts on a busy machine. */
export async function runScripted(runsRoot: string, taskId: string, commands: string[]): Promise<RunResult> {
  const loaded = loadTask(path.resolve('tasks', taskId));
  const task: Task = {
    ...loaded,
    manifest: { ...loaded.manifest, tools: { ...loaded.manifest.tools, style: 'native' } },
  };
  const { result } = await runTask({
    task,
    model: new ScriptedBashAgent(commands),
    runsRoot,
    toolTimeoutMs: 600_000,
  });
  expect(result.status, JSON.stringify(result.error)).toBe('completed');
  return result;
}

/** One check of a result, by name. */
export const checkNamed = (r: RunResult, name: string) => r.checks.find((c) => c.name === name);
