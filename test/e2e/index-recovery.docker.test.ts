import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The index heals itself, end to end through the CLI and a real sandbox: a
 * lock file nobody holds (a crash, a `touch`) delays a run's index write by
 * at most the stale age, and a deleted runs.sqlite comes back from the run
 * folders with `runs reindex`.
 */

const runsDir = path.join(tempDir('fb-index-recovery-'), 'runs');

async function listedIds(): Promise<string[]> {
  const { code, stdout } = await runCli(['runs', 'list', '--runs-dir', runsDir, '--json']);
  expect(code).toBe(0);
  return (JSON.parse(stdout) as Array<{ run_id: string }>).map((r) => r.run_id);
}

describe.runIf(HAS_DOCKER)('a stale lock and a lost index', () => {
  let runId = '';

  it('a run with a lock file nobody holds finishes within 90 s and is listed', async () => {
    mkdirSync(runsDir, { recursive: true });
    writeFileSync(path.join(runsDir, 'runs.sqlite.lock'), '');
    const started = Date.now();
    const { code, stdout } = await runCli([
      'run',
      '--task',
      'tasks/hello_repo_fix',
      '--model',
      'oracle',
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(90_000);
    runId = JSON.parse(stdout).run_id;
    expect(await listedIds()).toContain(runId);
  }, 180_000);

  it('runs reindex after runs.sqlite is deleted lists the run again', async () => {
    expect(runId).not.toBe('');
    rmSync(path.join(runsDir, 'runs.sqlite'));
    const { code, stdout, stderr } = await runCli(['runs', 'reindex', '--runs-dir', runsDir]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/1 run/);
    expect(await listedIds()).toEqual([runId]);
  }, 60_000);
});
