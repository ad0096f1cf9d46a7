import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { buildSync } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { isUnfinishedRun, PENDING_DIR, type RunResult } from '../../src/runs/index.js';
import { runSuite } from '../../src/suites/index.js';
import { runCli } from '../helpers/cli.js';
import { fakeRunner } from '../helpers/fake-runner.js';
import { writeSuite, writeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-kill-');
const driver = path.join(root, 'suite-driver.mjs');
const suiteFile = path.join(root, 'killable.yaml');
const TASKS = ['t_alpha', 't_beta', 't_gamma', 't_delta'];
const EPOCHS = 5;

beforeAll(() => {
  buildSync({
    entryPoints: [path.resolve(import.meta.dirname, '../helpers/suite-driver.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: driver,
    logLevel: 'silent',
    // Bundled CommonJS dependencies call require().
    banner: {
      js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
    },
  });
  for (const id of TASKS) writeTask(path.join(root, 'tasks'), id);
  writeSuite(suiteFile, `id: killable\ndefaults:\n  epochs: ${EPOCHS}\ntasks:\n  - tasks/*\n`);
});

/** Starts the suite in its own process; resolves its suite run id and the runs it has recorded so far. */
function startSuite(runsRoot: string) {
  let out = '';
  const child: ChildProcess = spawn(process.execPath, [driver, suiteFile, runsRoot, '150'], {
    // No index save between the first (the suite run's row) and the kill.
    env: { ...process.env, FACTORY_BENCH_INDEX_SAVE_DELAY_MS: '600000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout?.on('data', (d) => {
    out += d;
  });
  const done = (): string[] => [...out.matchAll(/^done (\S+)$/gm)].map((m) => m[1] as string);
  const suiteRunId = (): string | null => /^suite (\S+)$/m.exec(out)?.[1] ?? null;
  const until = async (check: () => boolean): Promise<void> => {
    const deadline = Date.now() + 60_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`the suite did not get there: ${out}`);
      if (child.exitCode !== null) throw new Error(`the suite ended early (${child.exitCode}): ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const kill = async (): Promise<void> => {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  };
  return { done, suiteRunId, until, kill };
}

/** The results on disk: the truth the index and a resume must agree with. */
function resultsOnDisk(runsRoot: string): RunResult[] {
  return readdirSync(runsRoot)
    .map((n) => path.join(runsRoot, n, 'result.json'))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as RunResult);
}

const finished = (r: RunResult) =>
  !isUnfinishedRun(r.status, r.error?.kind ?? null, r.error?.message ?? null);

describe('a suite killed with SIGKILL', () => {
  it('between two index saves: every finished run is in the index after the next command', async () => {
    const runsRoot = path.join(root, 'between-saves');
    const suite = startSuite(runsRoot);
    await suite.until(() => suite.done().length >= 7);
    await suite.kill();
    const id = suite.suiteRunId() as string;
    const onDisk = resultsOnDisk(runsRoot);
    const finishedIds = onDisk.filter(finished).map((r) => r.run_id);
    expect(finishedIds.length).toBeGreaterThanOrEqual(7);
    // Killed mid-run: at least one run left only its first result.json.
    expect(onDisk.some((r) => !finished(r))).toBe(true);
    // Killed between saves: the suite run was recorded before its first run, its runs were not yet.
    const raw = new DatabaseSync(path.join(runsRoot, 'runs.sqlite'), { readOnly: true });
    const rawSuite = raw.prepare('SELECT status FROM suite_runs WHERE suite_run_id = ?').get(id);
    const rawRuns = Number(raw.prepare('SELECT count(*) AS n FROM runs').get()?.n);
    raw.close();
    expect(rawSuite).toMatchObject({ status: 'running' });
    expect(rawRuns).toBe(0);
    expect(readdirSync(path.join(runsRoot, PENDING_DIR)).length).toBeGreaterThanOrEqual(7);

    // The next command, whatever it is, indexes what the killed process left pending.
    const listed = await runCli([
      'runs',
      'list',
      '--suite',
      id,
      '--limit',
      '1000',
      '--json',
      '--runs-dir',
      runsRoot,
    ]);
    expect(listed.code).toBe(0);
    const ids = (JSON.parse(listed.stdout) as Array<{ run_id: string }>).map((r) => r.run_id);
    expect(ids.sort()).toEqual([...finishedIds].sort());

    // --resume runs no run that had finished, and every epoch still missing once.
    const second = fakeRunner(() => 'pass');
    const resumed = await runSuite({ resume: id, runsRoot, model: 'scripted', runTask: second.run });
    expect(resumed.status).toBe('completed');
    const finishedUnits = new Set(onDisk.filter(finished).map((r) => `${r.task_id}#${r.epoch}`));
    const rerun = second.calls.map((c) => `${c.taskId}#${c.epoch}`);
    expect(rerun.filter((u) => finishedUnits.has(u))).toEqual([]);
    expect(rerun.length).toBe(TASKS.length * EPOCHS - finishedUnits.size);
    expect(resumed.summary.totals).toMatchObject({ runs_finished: TASKS.length * EPOCHS, passed_runs: 20 });
  }, 120_000);

  it('with its index and markers gone: --resume still finds the suite run and its finished runs in their folders', async () => {
    const runsRoot = path.join(root, 'no-index');
    const suite = startSuite(runsRoot);
    await suite.until(() => suite.done().length >= 5);
    await suite.kill();
    const id = suite.suiteRunId() as string;
    const finishedUnits = new Set(
      resultsOnDisk(runsRoot)
        .filter(finished)
        .map((r) => `${r.task_id}#${r.epoch}`),
    );
    rmSync(path.join(runsRoot, 'runs.sqlite'));
    rmSync(path.join(runsRoot, PENDING_DIR), { recursive: true });
    const second = fakeRunner(() => 'pass');
    const resumed = await runSuite({ resume: id, runsRoot, model: 'scripted', runTask: second.run });
    expect(resumed.status).toBe('completed');
    const rerun = second.calls.map((c) => `${c.taskId}#${c.epoch}`);
    expect(rerun.filter((u) => finishedUnits.has(u))).toEqual([]);
    expect(rerun.length).toBe(TASKS.length * EPOCHS - finishedUnits.size);
    expect(resumed.summary.totals.runs_finished).toBe(TASKS.length * EPOCHS);
  }, 120_000);

  it('before its first run finished: --resume finds the suite run, recorded before its first run started', async () => {
    const runsRoot = path.join(root, 'at-once');
    const suite = startSuite(runsRoot);
    await suite.until(() => suite.suiteRunId() !== null);
    await suite.kill();
    const id = suite.suiteRunId() as string;
    const finishedBefore = resultsOnDisk(runsRoot).filter(finished).length;
    const second = fakeRunner(() => 'pass');
    const resumed = await runSuite({ resume: id, runsRoot, model: 'scripted', runTask: second.run });
    expect(resumed.suiteRunId).toBe(id);
    expect(resumed.status).toBe('completed');
    expect(second.calls.length).toBe(TASKS.length * EPOCHS - finishedBefore);
  }, 120_000);
});
