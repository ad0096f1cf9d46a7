import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TaskValidation } from '../../src/orchestrator/index.js';
import { discoverTaskDirs } from '../../src/tasks/index.js';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';

const runsDir = tempDir('fb-validate-all-');
const BUILT_IN = discoverTaskDirs(path.resolve('tasks')).map((dir) => path.basename(dir));

// What CI runs: every built-in task must be solvable by its reference solution and not by doing nothing.
describe.runIf(HAS_DOCKER)('validate --all over the built-in tasks', () => {
  it('each task: the oracle passes with score 1.0 and null fails', async () => {
    const { code, stdout, stderr } = await runCli([
      'validate',
      '--all',
      '--tasks-dir',
      path.resolve('tasks'),
      // Two tasks at a time (four sandboxes): the shared images are built once, by whichever task comes first.
      '--concurrency',
      '2',
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    const results = JSON.parse(stdout) as TaskValidation[];
    const summary = results.map(
      (v) => `${v.task_id}: ${v.problems.map((p) => p.message).join('; ') || 'sound'}`,
    );
    expect(summary.join('\n'), stderr.slice(-2000)).not.toMatch(
      /did not pass|not rejected|environment error/,
    );
    expect(results.map((v) => v.task_id)).toEqual(BUILT_IN);
    expect(BUILT_IN).toEqual(
      expect.arrayContaining([
        'hello_repo_fix',
        'pandas_transform',
        'postgres_migration',
        'sklearn_classifier',
      ]),
    );
    for (const v of results) {
      expect(v.oracle, v.task_id).toMatchObject({ status: 'completed', passed: true, score: 1 });
      expect(v.null, v.task_id).toMatchObject({ status: 'completed', passed: false });
      expect(v.null.score, v.task_id).toBeLessThan(1);
      expect(v.sound).toBe(true);
      expect(leftoversFor(v.oracle.run_id)).toEqual([]);
      expect(leftoversFor(v.null.run_id)).toEqual([]);
    }
    expect(code).toBe(0);
  }, 1_800_000);
});
