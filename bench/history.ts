/**
 * History at scale (issue #22): index time per run of a 120-run suite on an
 * empty history and on a year of history (150,000 runs), and runs.sqlite's
 * size and open + list time after `runs prune` under the default retention.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { RunTaskOptions, RunTaskResult } from '../src/orchestrator/index.js';
import {
  blankRunResult,
  DEFAULT_RETENTION,
  flushIndex,
  indexWriterFor,
  insertRun,
  listRuns,
  openDatabase,
  pruneIndex,
  queryAll,
  type RunResult,
  recordRun,
  upsertSuiteRun,
} from '../src/runs/index.js';
import { buildSummary, type RunBrief, runSuite, suiteRunRecord } from '../src/suites/index.js';
import type { Task } from '../src/tasks/index.js';
import { median } from './stats.js';
import type { BenchRow } from './table.js';

/**
 * A year of one team's CI, as the history issue measured it: 1,250 suite runs of mle_core
 * (24 tasks × 5 epochs) = 150,000 runs. (A branch three times as busy, 3,750 suite runs of
 * 20 tasks × 2 epochs, measured 23.1 MB after pruning: its summaries are most of the file.)
 */
const HISTORY_SUITE_RUNS = 1_250;
const TASKS = 24;
const EPOCHS = 5;
const SUITE_TASKS = 20;
const SUITE_EPOCHS = 6;
/** Best of this many suites per history: the machine is shared, and noise only ever adds time. */
const REPEATS = 5;
const DAY_MS = 86_400_000;

function runResult(task: string, runId: string, suiteRunId: string, epoch: number, at: Date): RunResult {
  const passed = (runId.length + epoch + task.length) % 3 !== 0;
  return blankRunResult(
    {
      task: {
        id: task,
        title: `Task ${task}`,
        difficulty: 'medium',
        domain: 'python',
        grader: { pass_threshold: 1 },
      },
      runId,
      model: 'openai/gpt-4o-mini',
      suiteRunId,
      epoch,
      startedAt: at,
    },
    {
      status: 'completed',
      score: passed ? 1 : 0.25,
      passed,
      kill_reason: passed ? null : 'budget_exceeded:tokens',
      stop_reason: 'final_answer',
      error: null,
      tokens: { input: 12000, cached_input: 2000, output: 900, total: 12900 },
      cost_usd: 0.0031,
      turns: 9,
      tool_calls: 8,
      timings: { setup_s: 2, agent_s: 40, grading_s: 3, total_s: 45 },
      checks: ['tests_pass', 'output_matches'].map((name) => ({
        name,
        type: 'command_exit_zero',
        tier: 'deterministic',
        weight: 1,
        gating: false,
        status: passed ? 'passed' : 'failed',
        score: passed ? 1 : 0,
        explanation: passed ? 'exit 0' : 'exit 1: 1 failed, 11 passed',
      })),
      finished_at: at.toISOString(),
      sandbox: 'docker',
    },
  );
}

function brief(r: RunResult): RunBrief {
  return {
    run_id: r.run_id,
    task_id: r.task_id,
    epoch: r.epoch ?? 0,
    status: r.status,
    score: r.score,
    passed: r.passed,
    kill_reason: r.kill_reason,
    error_kind: null,
    error_message: null,
    turns: r.turns,
    tokens: r.tokens.total,
    cost_usd: r.cost_usd,
    wall_s: 45,
    started_at: r.started_at,
  };
}

/** runs.sqlite with a year of suite runs on main (the last one today), every run and check row in it. */
async function writeHistory(file: string, now: Date): Promise<number> {
  const db = await openDatabase(file, { create: true });
  const step = (365 * DAY_MS) / HISTORY_SUITE_RUNS;
  let runs = 0;
  db.exec('BEGIN');
  for (let s = 0; s < HISTORY_SUITE_RUNS; s++) {
    const at = new Date(now.getTime() - 365 * DAY_MS + (s + 1) * step);
    const suiteRunId = `${at.toISOString().slice(0, 19).replace(/:/g, '-')}Z__suite__bench__${String(s).padStart(4, '0')}`;
    const briefs: RunBrief[] = [];
    for (let t = 0; t < TASKS; t++)
      for (let e = 0; e < EPOCHS; e++) {
        const r = runResult(`task_${t}`, `${suiteRunId}__t${t}e${e}`, suiteRunId, e, at);
        insertRun(db, r, `/runs/${r.run_id}`);
        briefs.push(brief(r));
        runs++;
      }
    const summary = buildSummary(
      {
        suite_run_id: suiteRunId,
        suite_id: 'bench',
        suite_title: 'bench',
        suite_file: 'suites/bench.yaml',
        model: 'openai/gpt-4o-mini',
        status: 'completed',
        started_at: at.toISOString(),
        finished_at: at.toISOString(),
        branch: 'main',
        commit_sha: 'f'.repeat(40),
        label: null,
        shard: null,
        task_filter: null,
        epochs: EPOCHS,
        concurrency: 4,
        wall_seconds: 300,
      },
      Array.from({ length: TASKS }, (_, t) => ({
        task_id: `task_${t}`,
        title: `Task task_${t}`,
        difficulty: 'medium',
        domain: 'python',
        epochs: EPOCHS,
      })),
      briefs,
    );
    upsertSuiteRun(db, suiteRunRecord(summary, {}, null));
  }
  db.exec('COMMIT');
  db.close();
  return runs;
}

function writeSuiteFolder(root: string): string {
  for (let t = 0; t < SUITE_TASKS; t++) {
    const dir = path.join(root, 'tasks', `task_${t}`);
    mkdirSync(path.join(dir, 'workspace'), { recursive: true });
    mkdirSync(path.join(dir, 'solution'), { recursive: true });
    writeFileSync(path.join(dir, 'workspace', 'README'), 'x\n');
    writeFileSync(path.join(dir, 'solution', 'solve.sh'), 'true\n');
    writeFileSync(
      path.join(dir, 'task.yaml'),
      `id: task_${t}\ntitle: Task ${t}\ndifficulty: medium\ndomain: python\ninstructions: do it\nenvironment:\n  image: debian:bookworm-slim\ngrader:\n  checks:\n    - name: present\n      type: file_present\n      path: README\n`,
    );
  }
  const file = path.join(root, 'bench.yaml');
  writeFileSync(file, `id: bench\ndefaults:\n  epochs: ${SUITE_EPOCHS}\ntasks:\n  - tasks/*\n`);
  return file;
}

/** A suite of 120 runs recorded as runTask records them (recordRun); returns index ms per run. */
async function suiteIndexMsPerRun(suiteFile: string, runsRoot: string): Promise<number> {
  const runTask = async (o: RunTaskOptions): Promise<RunTaskResult> => {
    const task = (o.task as Task).manifest.id;
    const runId = `${task}__${o.epoch ?? 0}__${Math.random().toString(16).slice(2, 10)}`;
    const result = await recordRun(
      o.runsRoot,
      runResult(task, runId, o.suiteRunId ?? '', o.epoch ?? 0, new Date()),
    );
    return { result, runDir: path.join(o.runsRoot, runId) };
  };
  await runSuite({ suite: suiteFile, model: 'scripted', concurrency: 4, runsRoot, runTask });
  const file = path.join(runsRoot, 'runs.sqlite');
  await flushIndex(file);
  const stats = indexWriterFor(file).stats;
  indexWriterFor(file).close();
  return stats.ms / (SUITE_TASKS * SUITE_EPOCHS);
}

export async function benchHistory(): Promise<BenchRow[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fb-bench-history-'));
  // Each run saved on its own, as when runs take minutes: the cost per save is what must not grow.
  const delay = process.env.FACTORY_BENCH_INDEX_SAVE_DELAY_MS;
  process.env.FACTORY_BENCH_INDEX_SAVE_DELAY_MS = '0';
  try {
    const now = new Date();
    const history = path.join(root, 'history.sqlite');
    const g0 = performance.now();
    const historyRuns = await writeHistory(history, now);
    const generateS = (performance.now() - g0) / 1000;
    const fullMb = statSync(history).size / 1024 / 1024;
    const suiteFile = writeSuiteFolder(root);

    const empty: number[] = [];
    const big: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      empty.push(await suiteIndexMsPerRun(suiteFile, path.join(root, `empty-${i}`)));
      const runsRoot = path.join(root, `big-${i}`);
      mkdirSync(runsRoot, { recursive: true });
      copyFileSync(history, path.join(runsRoot, 'runs.sqlite'));
      big.push(await suiteIndexMsPerRun(suiteFile, runsRoot));
    }
    const emptyMs = Math.min(...empty);
    const bigMs = Math.min(...big);
    const ratio = bigMs / emptyMs;

    const pruned = path.join(root, 'pruned', 'runs.sqlite');
    mkdirSync(path.dirname(pruned), { recursive: true });
    copyFileSync(history, pruned);
    const p0 = performance.now();
    const outcome = await pruneIndex(pruned, { now });
    const pruneS = (performance.now() - p0) / 1000;
    indexWriterFor(pruned).close();
    const prunedMb = statSync(pruned).size / 1024 / 1024;
    // The Actions cache stores it zstd-compressed (synthetic rows repeat more than real ones do).
    const zstdMb = zlib.zstdCompressSync(readFileSync(pruned)).length / 1024 / 1024;

    // What `runs list` and a history chart of every suite run read (their index columns), timed;
    // then that each pruned suite run still has its per-task means.
    const listTimes: number[] = [];
    let listed = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const db = await openDatabase(pruned);
      listRuns(db, { limit: 50 });
      listed = queryAll(
        db,
        "SELECT suite_run_id, started_at, passed, total, avg_score, cost_usd FROM suite_runs WHERE suite_id = 'bench' AND status = 'completed' ORDER BY started_at",
      ).length;
      db.close();
      listTimes.push(performance.now() - t0);
    }
    const listMs = median(listTimes);
    const db = await openDatabase(pruned);
    const withTaskMeans = Number(
      queryAll(
        db,
        "SELECT count(*) AS n FROM suite_runs WHERE json_array_length(summary_json, '$.tasks') = ? AND json_extract(summary_json, '$.tasks[0].mean_score') IS NOT NULL",
        [TASKS],
      )[0]?.n,
    );
    db.close();
    const allListed = listed === HISTORY_SUITE_RUNS && withTaskMeans === HISTORY_SUITE_RUNS;

    const perRun = (ms: number): string => `${ms.toFixed(2)} ms`;
    return [
      {
        metric: `index time per run, ${SUITE_TASKS * SUITE_EPOCHS}-run suite, each run saved on its own (best of ${REPEATS}): empty history`,
        value: `${perRun(emptyMs)} (runs: ${empty.map(perRun).join(', ')})`,
        target: '',
        ok: null,
      },
      {
        metric: `  on a history of ${historyRuns.toLocaleString('en-US')} runs (${fullMb.toFixed(0)} MB, generated in ${generateS.toFixed(0)} s)`,
        value: `${perRun(bigMs)} (runs: ${big.map(perRun).join(', ')}), ${((ratio - 1) * 100).toFixed(0)}% vs empty`,
        target: 'within 10% of empty',
        ok: ratio <= 1.1,
      },
      {
        metric: `runs prune on that history, defaults (last ${DEFAULT_RETENTION.keepSuiteRuns} suite runs, ${DEFAULT_RETENTION.keepDays} days): runs.sqlite size`,
        value: `${prunedMb.toFixed(1)} MB, ${zstdMb.toFixed(1)} MB zstd-compressed (${outcome.runs.after.toLocaleString('en-US')} runs kept, pruned in ${pruneS.toFixed(1)} s)`,
        target: '< 20 MB',
        ok: prunedMb < 20,
      },
      {
        metric: '  open + runs list + every suite run (pass rate, mean score, cost)',
        value: `${listMs.toFixed(0)} ms (${listed.toLocaleString('en-US')} suite runs listed, ${withTaskMeans.toLocaleString('en-US')} with per-task means)`,
        target: '< 200 ms, all listed',
        ok: listMs < 200 && allListed,
      },
    ];
  } finally {
    if (delay === undefined) delete process.env.FACTORY_BENCH_INDEX_SAVE_DELAY_MS;
    else process.env.FACTORY_BENCH_INDEX_SAVE_DELAY_MS = delay;
    rmSync(root, { recursive: true, force: true });
  }
}
