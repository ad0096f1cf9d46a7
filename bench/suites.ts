/**
 * Suite benchmarks: how close a suite's wall time comes to the ideal for its
 * concurrency, and how runs.sqlite behaves with 10,000 runs.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChatModel, type ChatRequest, type ChatResponse, EMPTY_USAGE } from '../src/models/index.js';
import { type RunTaskOptions, type RunTaskResult, runTask } from '../src/orchestrator/index.js';
import {
  blankRunResult,
  findLatestSuiteRun,
  insertRun,
  openDatabase,
  type RunResult,
  upsertSuiteRun,
} from '../src/runs/index.js';
import { buildSummary, type RunBrief, runSuite, suiteRunRecord } from '../src/suites/index.js';
import type { Task } from '../src/tasks/index.js';
import { median, withRange } from './stats.js';
import type { BenchRow } from './table.js';

const TASKS = 8;
const CONCURRENCY = 4;
const TURN_MS = 1000;
/** Two tool calls and a final answer. */
const TURNS = 3;
/** The Docker suite is run this many times: its spread is part of the figure. */
const SUITE_REPEATS = 3;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    });
  });
}

/** A scripted model that thinks for one second per turn: two bash calls, then an answer. */
class OneSecondPerTurnModel implements ChatModel {
  readonly name = 'scripted-1s';
  readonly free = true;
  async complete(req: ChatRequest): Promise<ChatResponse> {
    await sleep(TURN_MS, req.signal);
    const done = req.messages.filter((m) => m.role === 'tool').length;
    if (done >= TURNS - 1)
      return { message: { role: 'assistant', content: 'done' }, usage: EMPTY_USAGE, finishReason: 'stop' };
    return {
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: `c${done}`, name: 'bash', arguments: JSON.stringify({ command: `echo step ${done}` }) },
        ],
      },
      usage: EMPTY_USAGE,
      finishReason: 'tool_calls',
    };
  }
}

function repoRoot(): string {
  let d = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(d, 'tasks', 'hello_repo_fix'))) {
    const up = path.dirname(d);
    if (up === d) throw new Error('cannot find tasks/hello_repo_fix above the bench');
    d = up;
  }
  return d;
}

/** Eight copies of hello_repo_fix under distinct ids (one image serves them all: the shared images come along). */
function writeSuiteOfCopies(root: string): string {
  const source = path.join(repoRoot(), 'tasks', 'hello_repo_fix');
  cpSync(path.join(repoRoot(), 'images'), path.join(root, 'images'), { recursive: true });
  for (let i = 0; i < TASKS; i++) {
    const dir = path.join(root, 'tasks', `hello_${i}`);
    cpSync(source, dir, { recursive: true });
    const manifest = readFileSync(path.join(dir, 'task.yaml'), 'utf8').replace(/^id: .*$/m, `id: hello_${i}`);
    writeFileSync(path.join(dir, 'task.yaml'), manifest);
  }
  const file = path.join(root, 'suites', 'bench.yaml');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'id: bench\ntasks:\n  - tasks/*\n');
  return file;
}

function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

function ratioRow(metric: string, seconds: number, ideal: number): BenchRow {
  const over = seconds / ideal - 1;
  return {
    metric,
    value: `${seconds.toFixed(2)} s vs ideal ${ideal.toFixed(2)} s (${over >= 0 ? '+' : ''}${(over * 100).toFixed(1)}%)`,
    target: 'within 10% of ideal',
    ok: over <= 0.1,
  };
}

/** The pool alone: each run drives the scripted model through its turns without a sandbox. */
async function poolOnly(root: string, suiteFile: string): Promise<BenchRow> {
  const fakeRun = async (o: RunTaskOptions): Promise<RunTaskResult> => {
    const model = o.model as ChatModel;
    const messages: ChatRequest['messages'] = [{ role: 'user', content: 'go' }];
    for (let turn = 0; turn < TURNS; turn++) {
      const r = await model.complete({ messages, tools: [] });
      messages.push(r.message);
      for (const call of r.message.tool_calls ?? [])
        messages.push({ role: 'tool', tool_call_id: call.id, name: call.name, content: 'ok' });
    }
    const task = o.task as Task;
    return { result: fakeResult(task, o), runDir: path.join(o.runsRoot, 'none') };
  };
  const started = Date.now();
  await runSuite({
    suite: suiteFile,
    model: 'scripted-1s',
    createModel: () => new OneSecondPerTurnModel(),
    concurrency: CONCURRENCY,
    runsRoot: path.join(root, 'runs-pool'),
    runTask: fakeRun,
  });
  const seconds = (Date.now() - started) / 1000;
  return ratioRow(
    `suite of ${TASKS} tasks at concurrency ${CONCURRENCY}, 1 s/turn, pool only (no sandbox)`,
    seconds,
    ((TASKS / CONCURRENCY) * TURNS * TURN_MS) / 1000,
  );
}

function fakeResult(task: Task, o: RunTaskOptions): RunResult {
  const startedAt = new Date();
  return blankRunResult(
    {
      task: task.manifest,
      runId: `${task.manifest.id}-${o.epoch ?? 0}-${Math.random().toString(16).slice(2, 6)}`,
      model: 'scripted-1s',
      suiteRunId: o.suiteRunId,
      epoch: o.epoch,
      startedAt,
    },
    {
      status: 'completed',
      score: 1,
      passed: true,
      stop_reason: 'final_answer',
      error: null,
      turns: TURNS,
      tool_calls: TURNS - 1,
      timings: { setup_s: 0, agent_s: 0, grading_s: 0, total_s: 0 },
      finished_at: startedAt.toISOString(),
      sandbox: 'none',
    },
  );
}

type Phases = RunResult['timings'];

function phaseRow(standalone: Phases[], inSuite: Phases[]): BenchRow {
  const m = (runs: Phases[], k: keyof Phases) => median(runs.map((t) => t[k])).toFixed(2);
  const parts = (['setup_s', 'agent_s', 'grading_s', 'total_s'] as const).map(
    (k) => `${k.replace('_s', '')} ${m(standalone, k)} -> ${m(inSuite, k)}`,
  );
  return {
    metric: '  where the time goes: a run alone -> a run in the suite (median seconds per phase)',
    value: parts.join(', '),
    target: '',
    ok: null,
  };
}

/** The real thing: Docker sandboxes, the agent loop and grading, against the standalone time of one run. */
async function withDocker(root: string, suiteFile: string): Promise<BenchRow[]> {
  const runsRoot = path.join(root, 'runs-docker');
  const task = path.join(root, 'tasks', 'hello_0');
  // Warm-up builds the image; the median of three standalone runs is the reference (one sample is noisy).
  await runTask({ task, model: new OneSecondPerTurnModel(), runsRoot });
  const samples: number[] = [];
  const alone: Phases[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    const single = await runTask({ task, model: new OneSecondPerTurnModel(), runsRoot });
    samples.push((Date.now() - t0) / 1000);
    alone.push(single.result.timings);
    if (single.result.status !== 'completed')
      throw new Error(
        `the reference run ended ${single.result.status}: ${single.result.error?.message ?? ''}`,
      );
  }
  const standalone = median(samples);
  const ideal = (TASKS / CONCURRENCY) * standalone;
  const walls: number[] = [];
  const packed: number[] = [];
  const inSuite: Phases[] = [];
  let errors = 0;
  for (let rep = 0; rep < SUITE_REPEATS; rep++) {
    const started = Date.now();
    const out = await runSuite({
      suite: suiteFile,
      model: 'scripted-1s',
      createModel: () => new OneSecondPerTurnModel(),
      concurrency: CONCURRENCY,
      runsRoot,
      runTask: async (o) => {
        const r = await runTask(o);
        inSuite.push(r.result.timings);
        return r;
      },
    });
    walls.push((Date.now() - started) / 1000);
    packed.push(out.summary.totals.run_seconds / CONCURRENCY);
    errors += out.summary.totals.environment_errors;
  }
  const over = (w: number, ideal: number) => `${((w / ideal - 1) * 100).toFixed(0)}%`;
  const spread = `; over ${SUITE_REPEATS} suite runs ${walls.map((w) => over(w, ideal)).join(', ')}; standalone runs ${withRange(samples, 2, 's')}`;
  const main = ratioRow(
    `suite of ${TASKS} tasks at concurrency ${CONCURRENCY}, 1 s/turn, Docker (ideal: ${TASKS / CONCURRENCY} x the median standalone run of ${standalone.toFixed(2)} s; median of ${SUITE_REPEATS} suite runs)`,
    median(walls),
    ideal,
  );
  return [
    { ...main, value: main.value + spread },
    ratioRow(
      '  same suite against its own runs packed perfectly (sum of run times / concurrency)',
      median(walls),
      median(packed),
    ),
    phaseRow(alone, inSuite),
    {
      metric: '  environment errors in the Docker suite',
      value: String(errors),
      target: '0',
      ok: errors === 0,
    },
  ];
}

/** A runs.sqlite of 10,000 runs in 500 suite runs of 20 tasks, with their summaries. */
async function indexAtScale(root: string): Promise<BenchRow[]> {
  const file = path.join(root, 'big.sqlite');
  const db = await openDatabase(file, { create: true });
  const suiteRuns = 500;
  const perSuite = 20;
  db.exec('BEGIN');
  for (let s = 0; s < suiteRuns; s++) {
    const suiteRunId = `2026-01-01T00-00-00Z__suite__bench__${String(s).padStart(4, '0')}`;
    const started = new Date(Date.UTC(2026, 0, 1) + s * 3_600_000).toISOString();
    const briefs: RunBrief[] = [];
    for (let t = 0; t < perSuite; t++) {
      const passed = (s + t) % 3 !== 0;
      const result = blankRunResult(
        {
          task: {
            id: `task_${t}`,
            title: `Task ${t}`,
            difficulty: ['easy', 'medium', 'hard'][t % 3] as string,
            domain: 'python',
            grader: { pass_threshold: 1 },
          },
          runId: `${suiteRunId}__t${t}`,
          model: 'openai/gpt-4o-mini',
          suiteRunId,
          startedAt: new Date(started),
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
          checks: [
            {
              name: 'tests_pass',
              type: 'command_exit_zero',
              tier: 'deterministic',
              weight: 1,
              gating: false,
              status: passed ? 'passed' : 'failed',
              score: passed ? 1 : 0,
              explanation: 'exit 0',
            },
          ],
          finished_at: started,
          sandbox: 'docker',
        },
      );
      insertRun(db, result, `/runs/${result.run_id}`);
      briefs.push({
        run_id: result.run_id,
        task_id: result.task_id,
        epoch: 0,
        status: result.status,
        score: result.score,
        passed,
        kill_reason: result.kill_reason,
        error_kind: null,
        error_message: null,
        turns: 9,
        tokens: 12900,
        cost_usd: 0.0031,
        wall_s: 45,
        started_at: started,
      });
    }
    const summary = buildSummary(
      {
        suite_run_id: suiteRunId,
        suite_id: 'bench',
        suite_title: 'bench',
        suite_file: 'suites/bench.yaml',
        model: 'openai/gpt-4o-mini',
        status: 'completed',
        started_at: started,
        finished_at: started,
        branch: s % 2 === 0 ? 'main' : `pr-${s}`,
        commit_sha: 'f'.repeat(40),
        label: null,
        shard: null,
        task_filter: null,
        epochs: 1,
        concurrency: 4,
        wall_seconds: 300,
      },
      briefs.map((b, t) => ({
        task_id: b.task_id,
        title: `Task ${t}`,
        difficulty: 'easy',
        domain: 'python',
        epochs: 1,
      })),
      briefs,
    );
    const record = suiteRunRecord(summary, {}, null);
    upsertSuiteRun(db, record);
  }
  db.exec('COMMIT');
  db.close();

  const t0 = performance.now();
  const opened = await openDatabase(file);
  const openMs = performance.now() - t0;
  const t1 = performance.now();
  const latest = findLatestSuiteRun(opened, {
    suiteId: 'bench',
    branch: 'main',
    model: 'openai/gpt-4o-mini',
  });
  const summaryParsed = latest?.summary_json ? JSON.parse(latest.summary_json) : null;
  const queryMs = performance.now() - t1;
  if (!summaryParsed) throw new Error('the latest suite run was not found');
  opened.close();
  const mb = statSync(file).size / 1024 / 1024;
  return [
    {
      metric: 'runs.sqlite, 10,000 runs in 500 suite runs: open (read + migrate check)',
      value: `${openMs.toFixed(0)} ms`,
      target: '< 1000 ms',
      ok: openMs < 1000,
    },
    {
      metric: '  query the latest suite run on a branch and parse its summary',
      value: `${queryMs.toFixed(1)} ms`,
      target: '< 50 ms',
      ok: queryMs < 50,
    },
    { metric: '  file size', value: `${mb.toFixed(1)} MB`, target: '< 50 MB', ok: mb < 50 },
  ];
}

export async function benchSuites(): Promise<BenchRow[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fb-bench-suites-'));
  try {
    const suiteFile = writeSuiteOfCopies(root);
    const rows: BenchRow[] = [await poolOnly(root, suiteFile)];
    if (dockerAvailable()) rows.push(...(await withDocker(root, suiteFile)));
    else
      rows.push({
        metric: 'suite wall time with Docker',
        value: 'skipped: no Docker engine',
        target: '',
        ok: null,
      });
    rows.push(...(await indexAtScale(root)));
    return rows;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
