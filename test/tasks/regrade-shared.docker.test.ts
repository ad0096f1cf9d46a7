import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';

const runsDir = tempDir('fb-regrade-shared-');

describe.runIf(HAS_DOCKER)('a task on a shared image, run and re-graded', () => {
  it('builds or reuses factory-bench/ml-python and re-grades from the run snapshot', async () => {
    const run = await runCli([
      'run',
      '--task',
      'tasks/hello_repo_fix',
      '--model',
      'oracle',
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const { run_id: runId } = JSON.parse(run.stdout) as { run_id: string };
    const buildLog = readFileSync(path.join(runsDir, runId, 'logs', 'image-build.log'), 'utf8');
    expect(buildLog).toMatch(/factory-bench\/ml-python:[0-9a-f]{16}/);
    const regraded = await runCli(['grade', runId, '--runs-dir', runsDir, '--json']);
    expect(regraded.code, regraded.stderr).toBe(0);
    expect(JSON.parse(regraded.stdout)).toMatchObject({ status: 'completed', passed: true, score: 1 });
  }, 900_000);
});
