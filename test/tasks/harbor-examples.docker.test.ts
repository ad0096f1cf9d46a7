/**
 * The example Harbor tasks (examples/harbor/, Terminal-Bench 2 layout) against the real Docker
 * engine: each is sound (the oracle scores 1.0, doing nothing 0.0); the data task gives a partial
 * reward for partial work; the users-and-services task needs the capabilities Harbor's containers
 * have (narrowed to none, its oracle fails); and a suite mixing Harbor folders with our own task
 * passes with the oracle and reports each task's format and metadata.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TaskValidation } from '../../src/orchestrator/index.js';
import { runTask } from '../../src/orchestrator/index.js';
import type { RunResult } from '../../src/runs/index.js';
import type { SuiteSummary } from '../../src/suites/index.js';
import { loadTask } from '../../src/tasks/index.js';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { ScriptedBashAgent } from '../helpers/judge-fakes.js';
import { tempDir } from '../helpers/tmp.js';

const runsDir = tempDir('fb-harbor-examples-');
const EXAMPLES = ['kv-server', 'sensor-calibration', 'web-users'];
const example = (name: string) => path.resolve('examples/harbor', name);

describe.runIf(HAS_DOCKER)('the example Harbor tasks in Docker', () => {
  it('each is sound: the oracle scores 1.0 and doing nothing 0.0', async () => {
    const { code, stdout, stderr } = await runCli([
      'validate',
      ...EXAMPLES.flatMap((name) => ['--task', example(name)]),
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
    expect(results.map((v) => v.task_id).sort()).toEqual(EXAMPLES);
    for (const v of results) {
      expect(v.oracle, v.task_id).toMatchObject({ status: 'completed', passed: true, score: 1 });
      expect(v.null, v.task_id).toMatchObject({ status: 'completed', passed: false, score: 0 });
      expect(v.sound).toBe(true);
      expect(leftoversFor(v.oracle.run_id)).toEqual([]);
      expect(leftoversFor(v.null.run_id)).toEqual([]);
    }
    // The verifier's reward is the score, read from Harbor's reward file, and the run says what its sandbox allowed.
    const kv = results.find((v) => v.task_id === 'kv-server') as TaskValidation;
    const oracle = JSON.parse(readFileSync(path.join(kv.oracle.run_dir, 'result.json'), 'utf8')) as RunResult;
    expect(oracle.task.format).toBe('harbor');
    expect(oracle.checks[0]?.explanation).toMatch(/reward 1 from \/logs\/verifier\/reward\.txt/);
    expect(oracle.isolation).toMatchObject({ internet: false, processes_kept: true });
    expect(oracle.isolation?.capabilities).toContain('SETUID');
    expect(code).toBe(0);
  }, 1_800_000);

  it('the data task scores partial work partially: two sensors of four calibrated give 0.5', async () => {
    const expected = JSON.parse(
      readFileSync(path.join(example('sensor-calibration'), 'tests/expected.json'), 'utf8'),
    ) as Record<string, unknown>;
    const half = { s1: expected.s1, s2: expected.s2 };
    const { result } = await runTask({
      task: loadTask(example('sensor-calibration')),
      model: new ScriptedBashAgent([`cat > /app/calibration.json <<'EOF'\n${JSON.stringify(half)}\nEOF`]),
      runsRoot: runsDir,
    });
    expect(result.status, JSON.stringify(result.error)).toBe('completed');
    expect(result.passed).toBe(false);
    expect(result.score).toBeCloseTo(0.5, 5);
    expect(result.checks[0]).toMatchObject({ name: 'verifier', status: 'failed' });
    expect(result.checks[0]?.explanation).toMatch(/reward 0\.5 from \/logs\/verifier\/reward\.txt/);
  }, 600_000);

  it("the users-and-services task needs Harbor's capabilities: narrowed to none, its oracle fails", async () => {
    const { code, stdout } = await runCli([
      'run',
      '--task',
      example('web-users'),
      '--model',
      'oracle',
      '--capabilities',
      'none',
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    const result = JSON.parse(stdout) as RunResult;
    expect(result.isolation?.capabilities).toEqual([]);
    expect(result.passed).toBe(false);
    expect(result.score).toBe(0);
    // For the reason that matters: without CHOWN, DAC_OVERRIDE and FOWNER, useradd cannot write /etc/shadow.
    const transcript = readFileSync(path.join(runsDir, result.run_id, 'transcript.jsonl'), 'utf8');
    expect(transcript).toMatch(/useradd: failure while writing changes to \/etc\/(g?shadow|passwd)/);
    expect(code).toBe(1);
  }, 600_000);

  it('a suite mixing Harbor folders and our own task passes with the oracle; its report shows format and metadata', async () => {
    const { code, stdout } = await runCli([
      'suite',
      'run',
      'suites/harbor_mixed.yaml',
      '--model',
      'oracle',
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    const summary = JSON.parse(stdout) as SuiteSummary;
    expect(summary.tasks.map((t) => `${t.task_id} ${t.passes}/${t.runs.length}`).sort()).toEqual([
      'hello_repo_fix 1/1',
      'kv-server 1/1',
      'sensor-calibration 1/1',
      'web-users 1/1',
    ]);
    expect(code).toBe(0);
    const report = readFileSync(path.join(runsDir, summary.suite_run_id, 'report.md'), 'utf8');
    const table = report.split('## Task sources and sandboxes')[1]?.split('\n## ')[0] ?? '';
    const row = (id: string) => table.split('\n').find((l) => l.startsWith(`| ${id} `)) ?? '';
    expect(row('sensor-calibration')).toMatch(/\| harbor \| .*category: data-science.*tags: regression/);
    expect(row('web-users')).toMatch(/\| harbor \| .*difficulty: medium.*\| .*SETUID.* \| none \| kept \|/);
    expect(row('hello_repo_fix')).toMatch(/\| factory-bench \| .* \| none \| none \| killed \|/);
  }, 1_800_000);
});
