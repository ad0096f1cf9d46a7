import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSince } from '../../src/cli/commands/runs.js';
import { runSuite } from '../../src/suites/index.js';
import { runCli } from '../helpers/cli.js';
import { fakeRunner } from '../helpers/fake-runner.js';
import { writeSuite, writeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-suite-cli-');
const runsDir = path.join(root, 'runs');
const suiteFile = path.join(root, 'suites', 'demo.yaml');
let baseId = '';
let headId = '';
let oneRunId = '';

beforeAll(async () => {
  for (const id of ['alpha', 'beta', 'gamma']) writeTask(path.join(root, 'tasks'), id);
  writeSuite(suiteFile, 'id: demo\ndefaults:\n  model: scripted\n  epochs: 2\ntasks:\n  - tasks/*\n');
  writeSuite(path.join(root, 'suites', 'broken.yaml'), 'id: broken\ntasks:\n  - tasks/nope\n');
  const good = fakeRunner(() => 'pass');
  const base = await runSuite({
    suite: suiteFile,
    runsRoot: runsDir,
    runTask: good.run,
    branch: 'main',
    label: 'nightly',
  });
  baseId = base.suiteRunId;
  const bad = fakeRunner((id) => (id === 'beta' ? 'fail' : 'pass'));
  const head = await runSuite({ suite: suiteFile, runsRoot: runsDir, runTask: bad.run, branch: 'feature' });
  headId = head.suiteRunId;
  oneRunId = head.summary.tasks[1]?.runs[0]?.run_id ?? '';
});

describe('suite, compare, runs and show-run commands', () => {
  it('suite list shows valid suites and flags broken ones with exit 2', async () => {
    const r = await runCli(['suite', 'list', '--suites-dir', path.join(root, 'suites'), '--json']);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((x: { id: string }) => x.id)).toEqual(['broken', 'demo']);
    expect(rows[1].tasks).toEqual(['alpha', 'beta', 'gamma']);
    expect(rows[0].problems[0]).toMatch(/broken\.yaml: tasks\.0: no task folder .* matches "tasks\/nope"/);
    expect(r.code).toBe(2);
  });

  it('suite run rejects a bad suite file with a one-line message naming file and field', async () => {
    const bad = writeSuite(path.join(root, 'bad.yaml'), 'id: Bad Id\ntasks: []\nextra: 1\n');
    const r = await runCli(['suite', 'run', bad, '--model', 'oracle', '--runs-dir', runsDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml: id: a lowercase id/);
    expect(r.stderr).toMatch(/bad\.yaml: unknown field `extra`/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const none = await runCli(['suite', 'run', '--runs-dir', runsDir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give a suite file, or --resume/);
    const unknown = await runCli(['suite', 'run', '--resume', 'nope', '--runs-dir', runsDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no suite run nope/);
  });

  it('suite show prints the report or summary.json, by id prefix', async () => {
    // The shortest prefix of the head's id that is not also the base's (both may start in the same second).
    const differsAt = [...headId].findIndex((c, i) => c !== baseId[i]);
    const md = await runCli(['suite', 'show', headId.slice(0, differsAt + 1), '--runs-dir', runsDir]);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Suite demo: scripted/);
    expect(md.stdout).toMatch(/\| beta \| easy \| ❌ failed \| 0\/2 \|/);
    const json = await runCli(['suite', 'show', baseId, '--runs-dir', runsDir, '--json']);
    expect(JSON.parse(json.stdout).totals.passed_runs).toBe(6);
    const ambiguous = await runCli(['suite', 'show', '20', '--runs-dir', runsDir]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/matches more than one suite run/);
  });

  it('compare takes two ids, or one and a base branch or label', async () => {
    const two = await runCli(['compare', baseId, headId, '--runs-dir', runsDir, '--json']);
    expect(two.code).toBe(0);
    const c = JSON.parse(two.stdout);
    expect(c.base.suite_run_id).toBe(baseId);
    expect(c.head.suite_run_id).toBe(headId);
    expect(c.tasks.find((t: { task_id: string }) => t.task_id === 'beta').pass_rate_change).toBe(-1);
    // Three tasks x two epochs cannot support a verdict.
    expect(c.overall.conclusive).toBe(false);
    expect(two.stderr).toMatch(/verdict: cannot tell/);

    const byBranch = await runCli(['compare', headId, '--base-branch', 'main', '--runs-dir', runsDir]);
    expect(byBranch.code).toBe(0);
    expect(byBranch.stdout).toContain(`Base: \`${baseId}\``);
    expect(byBranch.stdout).toMatch(/\| beta \| 2\/2 → 0\/2 \|/);
    const byLabel = await runCli([
      'compare',
      headId,
      '--base-label',
      'nightly',
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    expect(JSON.parse(byLabel.stdout).base.suite_run_id).toBe(baseId);
    const missing = await runCli(['compare', headId, '--base-branch', 'release', '--runs-dir', runsDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no completed run of suite demo with model scripted on branch release/);
  });

  it('runs list filters by task, model, suite and since', async () => {
    const all = JSON.parse((await runCli(['runs', 'list', '--runs-dir', runsDir, '--json'])).stdout);
    expect(all).toHaveLength(12);
    const beta = JSON.parse(
      (await runCli(['runs', 'list', '--task', 'beta', '--suite', headId, '--runs-dir', runsDir, '--json']))
        .stdout,
    );
    expect(beta.map((r: { passed: boolean }) => r.passed)).toEqual([false, false]);
    const bySuiteId = JSON.parse(
      (await runCli(['runs', 'list', '--suite', 'demo', '--runs-dir', runsDir, '--json'])).stdout,
    );
    expect(bySuiteId).toHaveLength(12);
    const otherModel = await runCli(['runs', 'list', '--model', 'gpt', '--runs-dir', runsDir]);
    expect(otherModel.stderr).toMatch(/no runs match/);
    const future = JSON.parse(
      (await runCli(['runs', 'list', '--since', '2999-01-01', '--runs-dir', runsDir, '--json'])).stdout,
    );
    expect(future).toEqual([]);
    const table = await runCli(['runs', 'list', '--limit', '2', '--runs-dir', runsDir]);
    expect(table.stdout.trim().split('\n')).toHaveLength(3);
    const badSince = await runCli(['runs', 'list', '--since', 'yesterday-ish', '--runs-dir', runsDir]);
    expect(badSince.code).toBe(2);
    expect(parseSince('2d', new Date('2026-05-10T00:00:00Z'))).toBe('2026-05-08T00:00:00.000Z');
  });

  it('show-run shows any run in the index, also when its folder is gone', async () => {
    const full = await runCli(['show-run', oneRunId, '--runs-dir', runsDir]);
    expect(full.code).toBe(0);
    expect(full.stdout).toContain(`run_id: ${oneRunId}`);
    rmSync(path.join(runsDir, oneRunId), { recursive: true, force: true });
    const fromIndex = await runCli(['show-run', oneRunId, '--runs-dir', runsDir]);
    expect(fromIndex.code).toBe(0);
    expect(fromIndex.stderr).toMatch(/showing what runs.sqlite recorded/);
    expect(fromIndex.stdout).toContain(`suite_run: ${headId} (epoch 1)`);
    expect(fromIndex.stdout).toContain('passed: false');
  });

  it('says clearly when there is no index', async () => {
    const empty = path.join(root, 'empty');
    writeFileSync(path.join(root, 'placeholder'), '');
    const r = await runCli(['runs', 'list', '--runs-dir', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no runs index at .*empty\/runs\.sqlite/);
  });
});
