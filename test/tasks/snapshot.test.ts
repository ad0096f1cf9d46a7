/** A run's task for re-grading: its manifest snapshot, the task folder's files, loadTask's checks. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadTask, ManifestError, taskFromSnapshot } from '../../src/tasks/index.js';
import { tempDir } from '../helpers/tmp.js';

const HELLO = path.resolve('tasks/hello_repo_fix');

/** A run folder holding hello_repo_fix's manifest as `edit` leaves it. */
// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary YAML shapes on purpose
function runDirWith(edit: (m: Record<string, any>) => void = () => {}): string {
  const runDir = tempDir('fb-snapshot-run-');
  mkdirSync(runDir, { recursive: true });
  const manifest = parse(readFileSync(path.join(HELLO, 'task.yaml'), 'utf8'));
  edit(manifest);
  writeFileSync(path.join(runDir, 'manifest.snapshot.yaml'), stringify(manifest));
  return runDir;
}

function problemsOf(runDir: string, taskDir = HELLO): string[] {
  try {
    taskFromSnapshot(runDir, taskDir);
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    return (err as Error).message.split('\n');
  }
  throw new Error('expected the snapshot to be rejected');
}

describe('taskFromSnapshot', () => {
  it('takes the manifest from the snapshot and every path from the task folder, as loadTask resolves them', () => {
    const runDir = runDirWith((m) => {
      m.title = 'As the run saw it';
    });
    const task = taskFromSnapshot(runDir, HELLO);
    expect(task.manifest.title).toBe('As the run saw it');
    expect(task.manifestPath).toBe(path.join(runDir, 'manifest.snapshot.yaml'));
    expect(task.dir).toBe(HELLO);
    expect(task.paths).toEqual(loadTask(HELLO).paths);
  });

  it('names the snapshot, the field and the task folder for a file the task folder lacks', () => {
    const runDir = runDirWith((m) => {
      m.grader.checks.push({
        name: 'style',
        type: 'llm_rubric',
        rubric: 'rubrics/gone.md',
        judge_model: 'openai/gpt-4o-mini',
      });
    });
    const snapshot = path.join(runDir, 'manifest.snapshot.yaml');
    const index = parse(readFileSync(snapshot, 'utf8')).grader.checks.length - 1;
    expect(problemsOf(runDir)).toEqual([
      `${snapshot}: grader.checks.${index}.rubric: file "rubrics/gone.md" does not exist in the task folder ${HELLO}`,
    ]);
  });

  it('refuses paths that leave the task folder, and a missing task folder', () => {
    const runDir = runDirWith((m) => {
      m.grader.fixtures = '../../etc';
    });
    expect(problemsOf(runDir)).toEqual([
      `${path.join(runDir, 'manifest.snapshot.yaml')}: grader.fixtures: path "../../etc" leaves the task folder ${HELLO}`,
    ]);
    const gone = path.join(tempDir('fb-snapshot-'), 'no_such_task');
    expect(problemsOf(runDirWith(), gone)).toEqual([`${gone}: no such task folder`]);
  });

  it('reports an invalid snapshot field by field, like a task.yaml', () => {
    const runDir = runDirWith((m) => {
      m.budget.max_tool_calls = 'many';
    });
    expect(problemsOf(runDir)[0]).toMatch(
      /manifest\.snapshot\.yaml: budget\.max_tool_calls: expected number/,
    );
  });
});
