import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { loadTask, ManifestError, type Task, taskManifestSchema } from '../../src/tasks/index.js';
import { tempDir } from './tmp.js';

/**
 * Copies the repository's shared image build contexts (`images/`) into
 * `root`, so that copies of tasks anywhere under it resolve
 * `environment.shared_image` as the originals do.
 */
export function copySharedImages(root: string): void {
  cpSync(path.resolve('images'), path.join(root, 'images'), { recursive: true });
}

/** Writes a minimal valid task folder (enough for loadTask; runs go through a fake runner). */
export function writeTask(
  root: string,
  id: string,
  extra: { difficulty?: string; domain?: string; maxWallSeconds?: number } = {},
): string {
  const dir = path.join(root, id);
  mkdirSync(path.join(dir, 'workspace'), { recursive: true });
  mkdirSync(path.join(dir, 'solution'), { recursive: true });
  writeFileSync(path.join(dir, 'workspace', 'README'), 'x\n');
  writeFileSync(path.join(dir, 'solution', 'solve.sh'), 'true\n');
  writeFileSync(
    path.join(dir, 'task.yaml'),
    [
      `id: ${id}`,
      `title: Task ${id}`,
      `difficulty: ${extra.difficulty ?? 'easy'}`,
      `domain: ${extra.domain ?? 'python'}`,
      'instructions: do it',
      'environment:',
      '  image: debian:bookworm-slim',
      'budget:',
      `  max_wall_seconds: ${extra.maxWallSeconds ?? 60}`,
      'grader:',
      '  checks:',
      '    - name: present',
      '      type: file_present',
      '      path: README',
      '',
    ].join('\n'),
  );
  return dir;
}

/** Writes a suite file listing the given task folders. */
export function writeSuite(file: string, body: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, body);
  return file;
}

/** A task with the given checks in a temporary folder holding `files` (rubrics, expected outputs). */
export function makeTask(grader: Record<string, unknown>, files: Record<string, string> = {}): Task {
  const dir = tempDir('fb-judge-task-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  const manifest = taskManifestSchema.parse({
    id: 'judge_test',
    title: 'Judge test',
    difficulty: 'smoke',
    domain: 'test',
    instructions: 'Compute the answer.',
    environment: { image: 'debian:bookworm-slim' },
    grader,
  });
  return {
    dir,
    manifestPath: path.join(dir, 'task.yaml'),
    format: 'factory-bench',
    manifest,
    paths: {
      workspace: path.join(dir, 'workspace'),
      solution: path.join(dir, 'solution'),
      buildContext: null,
      fixtures: null,
    },
  };
}

/** The one-line message with which loading the task folder is refused (fails the test if it loads). */
export function refusalOf(dir: string): string {
  try {
    loadTask(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    return (err as Error).message;
  }
  throw new Error(`expected the task in ${dir} to be refused`);
}

/** Where a planned sandbox would run, for tests of `planSandbox`. */
export const PLAN_WHERE = { runId: 'r1', workspaceHost: '/w', logDir: '/l', wallSeconds: 60, env: {} };
