import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';

const runsDir = tempDir('fb-suite-docker-');

describe.runIf(HAS_DOCKER)('a real suite in Docker: hello_repo_fix with the oracle and null models', () => {
  let oracleRun = '';

  it('the oracle passes every epoch, with report.md, summary.json and linked runs', async () => {
    const r = await runCli([
      'suite',
      'run',
      'suites/smoke.yaml',
      '--model',
      'oracle',
      '--epochs',
      '2',
      '--concurrency',
      '2',
      '--label',
      'baseline',
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    oracleRun = s.suite_run_id;
    expect(s).toMatchObject({
      status: 'completed',
      suite_id: 'smoke',
      model: 'oracle',
      label: 'baseline',
      epochs: 2,
    });
    expect(s.totals).toMatchObject({
      runs_finished: 2,
      scored_runs: 2,
      passed_runs: 2,
      environment_errors: 0,
    });
    expect(s.tasks[0].runs.map((x: { epoch: number }) => x.epoch)).toEqual([0, 1]);
    expect(readFileSync(path.join(runsDir, oracleRun, 'report.md'), 'utf8')).toMatch(
      /\| hello_repo_fix \| smoke \| ✅ passed \| 2\/2 \|/,
    );
    expect(existsSync(path.join(runsDir, oracleRun, 'summary.json'))).toBe(true);
    for (const run of s.tasks[0].runs) {
      const result = JSON.parse(readFileSync(path.join(runsDir, run.run_id, 'result.json'), 'utf8'));
      expect(result.suite_run_id).toBe(oracleRun);
      expect(leftoversFor(run.run_id)).toEqual([]);
    }
  });

  it('null fails every epoch (exit 1), and compare says the drop cannot be told from noise at this size', async () => {
    const r = await runCli([
      'suite',
      'run',
      'suites/smoke.yaml',
      '--model',
      'null',
      '--epochs',
      '2',
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s.totals).toMatchObject({ scored_runs: 2, passed_runs: 0 });
    const c = await runCli(['compare', oracleRun, s.suite_run_id, '--runs-dir', runsDir, '--json']);
    expect(c.code).toBe(0);
    const cmp = JSON.parse(c.stdout);
    expect(cmp.tasks[0]).toMatchObject({
      task_id: 'hello_repo_fix',
      pass_rate_change: -1,
      verdict: 'no_clear_change',
      conclusive: false,
    });
    expect(cmp.overall.statement).toMatch(/^cannot tell: mean score 1\.00 → 0\.00/);
    expect(cmp.warnings.join('\n')).toMatch(/different models: oracle \(base\) and null \(head\)/);
    const runs = await runCli([
      'runs',
      'list',
      '--suite',
      'smoke',
      '--model',
      'null',
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    expect(JSON.parse(runs.stdout)).toHaveLength(2);
  });
});
