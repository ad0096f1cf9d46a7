import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SuiteSummary } from '../../src/suites/index.js';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The whole mle_core suite in Docker with the built-in models: the reference solutions pass every
 * task, doing nothing passes none. One epoch each: the oracle and null are deterministic, so more
 * epochs would repeat the same work; the tasks share two images (ml-python, and the Postgres task's
 * own), which validate --all and this file reuse once built.
 */

const runsDir = tempDir('fb-mle-core-');

async function runSuite(model: 'oracle' | 'null'): Promise<{ code: number; summary: SuiteSummary }> {
  const r = await runCli([
    'suite',
    'run',
    path.resolve('suites/mle_core.yaml'),
    '--model',
    model,
    '--epochs',
    '1',
    '--concurrency',
    '2',
    '--runs-dir',
    runsDir,
    '--json',
  ]);
  return { code: r.code, summary: JSON.parse(r.stdout) as SuiteSummary };
}

describe.runIf(HAS_DOCKER)('suite run suites/mle_core.yaml with the built-in models', () => {
  it('oracle passes 100% of the tasks with score 1.0', async () => {
    const { code, summary } = await runSuite('oracle');
    const failing = summary.tasks.filter((t) => t.passes !== 1 || t.mean_score !== 1);
    expect(failing.map((t) => `${t.task_id}: ${JSON.stringify(t.runs[0])}`)).toEqual([]);
    expect(summary.totals).toMatchObject({ environment_errors: 0, passed_runs: summary.totals.tasks });
    expect(summary.totals.tasks).toBeGreaterThanOrEqual(24);
    expect(code).toBe(0);
    for (const t of summary.tasks) for (const r of t.runs) expect(leftoversFor(r.run_id)).toEqual([]);
  }, 3_600_000);

  it('null passes 0% of the tasks', async () => {
    const { code, summary } = await runSuite('null');
    expect(summary.totals).toMatchObject({ environment_errors: 0, passed_runs: 0 });
    expect(summary.totals.scored_runs).toBe(summary.totals.tasks);
    expect(summary.tasks.filter((t) => t.passes > 0).map((t) => t.task_id)).toEqual([]);
    expect(code).toBe(1);
  }, 1_800_000);
});
