import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { runTask } from '../orchestrator/index.js';
import {
  insertRun,
  newSuiteRunId,
  queryAll,
  type RunResult,
  readIndex,
  runResultSchema,
  updateIndex,
} from '../runs/index.js';
import type { Shard } from './inputs.js';
import { selectShard } from './shard.js';

/**
 * What the action needs from a suite: load it, run it (or a shard of it),
 * merge shards, and compare a suite run with the base branch's latest run.
 * The runs themselves are the orchestrator's; this file only fans out,
 * totals and records them.
 */

export class SuiteInputError extends Error {
  override name = 'SuiteInputError';
}

export interface SuiteInfo {
  id: string;
  file: string;
  /** Task folders, absolute, in manifest order. */
  tasks: string[];
  model: string | null;
  concurrency: number | null;
  epochs: number | null;
}

export function loadSuiteInfo(file: string): SuiteInfo {
  if (!existsSync(file)) throw new SuiteInputError(`suite manifest ${file} does not exist`);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SuiteInputError(
      `${file}: not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : err})`,
    );
  }
  const m = (doc ?? {}) as Record<string, unknown>;
  const id = typeof m.id === 'string' && m.id !== '' ? m.id : path.basename(file).replace(/\.ya?ml$/, '');
  if (!Array.isArray(m.tasks) || m.tasks.length === 0)
    throw new SuiteInputError(`${file}: field tasks: expected a list of task folders`);
  const dir = path.dirname(file);
  const tasks = m.tasks.map((t, i) => {
    const rel = typeof t === 'string' ? t : (t as { path?: unknown })?.path;
    if (typeof rel !== 'string' || rel === '')
      throw new SuiteInputError(`${file}: field tasks[${i}]: expected a task folder path`);
    const abs = path.resolve(dir, rel);
    if (!existsSync(abs)) throw new SuiteInputError(`${file}: field tasks[${i}]: ${rel} does not exist`);
    return abs;
  });
  const num = (v: unknown): number | null => (typeof v === 'number' && v > 0 ? v : null);
  return {
    id,
    file,
    tasks,
    model: typeof m.model === 'string' ? m.model : null,
    concurrency: num(m.concurrency),
    epochs: num(m.epochs),
  };
}

export interface SuiteRunView {
  suiteId: string;
  suiteRunId: string;
  model: string;
  total: number;
  passed: number;
  passRate: number;
  avgScore: number;
  /** Null when no run had a price. */
  costUsd: number | null;
  reportPath: string;
  reportMarkdown: string;
  /** The suite run's folder and every run's folder (what the artifact holds). */
  dirs: string[];
  results: RunResult[];
}

export interface RunSuiteOptions {
  suite: SuiteInfo;
  model: string;
  concurrency: number;
  epochs: number;
  runsRoot: string;
  shard: Shard | null;
  branch: string | null;
  commitSha: string | null;
  signal?: AbortSignal;
  log: (message: string) => void;
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

export async function runSuiteForAction(o: RunSuiteOptions): Promise<SuiteRunView> {
  const tasks = selectShard(o.suite.tasks, (t) => path.basename(t), o.shard);
  const suiteRunId = newSuiteRunId(o.suite.id);
  const startedAt = new Date().toISOString();
  const jobs = tasks.flatMap((task) => Array.from({ length: o.epochs }, (_, epoch) => ({ task, epoch })));
  const results: RunResult[] = [];
  const dirs: string[] = [];
  await pool(jobs, o.concurrency, async ({ task, epoch }) => {
    if (o.signal?.aborted) return;
    const { result, runDir } = await runTask({
      task,
      model: o.model,
      runsRoot: o.runsRoot,
      suiteRunId,
      epoch,
      signal: o.signal,
      warn: (m) => o.log(`warning: ${m}`),
    });
    o.log(
      `${result.task_id}#${epoch}: ${result.passed ? 'passed' : 'failed'} (score ${result.score.toFixed(2)}, ${result.status})`,
    );
    results.push(result);
    dirs.push(runDir);
  });
  return recordSuiteRun({
    suite: o.suite,
    suiteRunId,
    model: o.model,
    runsRoot: o.runsRoot,
    results,
    dirs,
    startedAt,
    branch: o.branch,
    commitSha: o.commitSha,
    label: o.shard ? `shard ${o.shard.index}/${o.shard.total}` : null,
  });
}

/** Totals, report.md, summary.json and the suite_runs row of a finished suite run. */
async function recordSuiteRun(o: {
  suite: SuiteInfo;
  suiteRunId: string;
  model: string;
  runsRoot: string;
  results: RunResult[];
  dirs: string[];
  startedAt: string;
  branch: string | null;
  commitSha: string | null;
  label: string | null;
}): Promise<SuiteRunView> {
  const results = [...o.results].sort((a, b) => a.task_id.localeCompare(b.task_id) || a.epoch - b.epoch);
  const total = results.length;
  const passed = results.filter((r) => r.passed).length;
  const priced = results.filter((r) => r.cost_usd !== null);
  const view: Omit<SuiteRunView, 'reportMarkdown'> = {
    suiteId: o.suite.id,
    suiteRunId: o.suiteRunId,
    model: o.model,
    total,
    passed,
    passRate: total ? passed / total : 0,
    avgScore: total ? results.reduce((s, r) => s + r.score, 0) / total : 0,
    costUsd: priced.length ? priced.reduce((s, r) => s + (r.cost_usd ?? 0), 0) : null,
    reportPath: path.join(o.runsRoot, o.suiteRunId, 'report.md'),
    dirs: [path.join(o.runsRoot, o.suiteRunId), ...o.dirs],
    results,
  };
  const reportMarkdown = renderSuiteReport(view);
  mkdirSync(path.dirname(view.reportPath), { recursive: true });
  writeFileSync(view.reportPath, reportMarkdown);
  const summary = { ...view, results: undefined, dirs: undefined, runs: results.map((r) => r.run_id) };
  writeFileSync(path.join(o.runsRoot, o.suiteRunId, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await updateIndex(path.join(o.runsRoot, 'runs.sqlite'), (db) => {
    db.run(
      `INSERT OR REPLACE INTO suite_runs (suite_run_id, suite_id, model, status, started_at, finished_at, total, passed, avg_score,
         cost_usd, branch, commit_sha, label, report_path, summary_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      [
        o.suiteRunId,
        o.suite.id,
        o.model,
        'completed',
        o.startedAt,
        new Date().toISOString(),
        total,
        passed,
        view.avgScore,
        view.costUsd,
        o.branch,
        o.commitSha,
        o.label,
        view.reportPath,
        JSON.stringify(summary),
      ],
    );
  });
  return { ...view, reportMarkdown };
}

function money(v: number | null): string {
  return v === null ? 'n/a' : `$${v.toFixed(4)}`;
}

export function renderSuiteReport(v: Omit<SuiteRunView, 'reportMarkdown'>): string {
  const lines = [
    `# Suite ${v.suiteId} with ${v.model}`,
    '',
    `Suite run \`${v.suiteRunId}\`: ${v.passed}/${v.total} passed, average score ${v.avgScore.toFixed(2)}, cost ${money(v.costUsd)}.`,
    '',
    '| task | epoch | passed | score | kill reason | turns | tokens | cost | time |',
    '| --- | ---: | :---: | ---: | --- | ---: | ---: | ---: | ---: |',
    ...v.results.map(
      (r) =>
        `| ${r.task_id} | ${r.epoch} | ${r.passed ? '✅' : '❌'} | ${r.score.toFixed(2)} | ${r.kill_reason ?? (r.status === 'completed' ? '' : r.status)} | ${r.turns} | ${r.tokens.total} | ${money(r.cost_usd)} | ${r.timings.total_s.toFixed(1)}s |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** Reads every run (result.json) under the downloaded shard folders, re-links them to one suite run, and records it. */
export async function mergeShardRuns(o: {
  suite: SuiteInfo;
  shardDirs: string[];
  runsRoot: string;
  branch: string | null;
  commitSha: string | null;
}): Promise<SuiteRunView> {
  const suiteRunId = newSuiteRunId(o.suite.id);
  const results: RunResult[] = [];
  const dirs: string[] = [];
  let startedAt = new Date().toISOString();
  let model: string | null = null;
  for (const shardDir of o.shardDirs) {
    for (const name of readdirSync(shardDir).sort()) {
      const resultFile = path.join(shardDir, name, 'result.json');
      if (!existsSync(resultFile)) continue;
      const parsed = runResultSchema.parse(JSON.parse(readFileSync(resultFile, 'utf8')));
      const result: RunResult = { ...parsed, suite_run_id: suiteRunId };
      const dest = path.join(o.runsRoot, name);
      cpSync(path.join(shardDir, name), dest, { recursive: true });
      writeFileSync(path.join(dest, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
      results.push(result);
      dirs.push(dest);
      if (result.started_at < startedAt) startedAt = result.started_at;
      model ??= result.model;
    }
  }
  if (results.length === 0)
    throw new Error(`the shard artifacts hold no runs (looked in ${o.shardDirs.join(', ')})`);
  await updateIndex(path.join(o.runsRoot, 'runs.sqlite'), (db) => {
    for (let i = 0; i < results.length; i++) insertRun(db, results[i] as RunResult, dirs[i] as string);
  });
  return recordSuiteRun({
    suite: o.suite,
    suiteRunId,
    model: model ?? 'unknown',
    runsRoot: o.runsRoot,
    results,
    dirs,
    startedAt,
    branch: o.branch,
    commitSha: o.commitSha,
    label: `merged from ${o.shardDirs.length} shards`,
  });
}

export interface TaskDelta {
  taskId: string;
  passRate: number;
  basePassRate: number | null;
  score: number;
  baseScore: number | null;
  verdict: 'improved' | 'regressed' | 'no change' | 'new';
}

export interface ComparisonView {
  baselineSuiteRunId: string;
  baselineBranch: string;
  basePassRate: number;
  baseAvgScore: number;
  baseCostUsd: number | null;
  tasks: TaskDelta[];
  markdown: string;
}

/** The latest completed run of the same suite on the base branch, other than this one, compared task by task. */
export async function compareWithBase(
  dbFile: string,
  run: SuiteRunView,
  baseBranch: string,
): Promise<ComparisonView | null> {
  if (!existsSync(dbFile)) return null;
  return readIndex(dbFile, (db) => {
    const base = queryAll(
      db,
      `SELECT suite_run_id, avg_score, cost_usd, total, passed FROM suite_runs
       WHERE suite_id = ? AND branch = ? AND status = 'completed' AND suite_run_id != ? ORDER BY started_at DESC LIMIT 1`,
      [run.suiteId, baseBranch, run.suiteRunId],
    )[0];
    if (!base) return null;
    const baseRuns = queryAll(db, 'SELECT task_id, passed, score FROM runs WHERE suite_run_id = ?', [
      String(base.suite_run_id),
    ]);
    const byTask = (rows: Array<Record<string, unknown>>) => {
      const m = new Map<string, { n: number; passed: number; score: number }>();
      for (const r of rows) {
        const e = m.get(String(r.task_id)) ?? { n: 0, passed: 0, score: 0 };
        e.n++;
        e.passed += Number(r.passed) ? 1 : 0;
        e.score += Number(r.score);
        m.set(String(r.task_id), e);
      }
      return m;
    };
    const mine = byTask(
      run.results.map((r) => ({ task_id: r.task_id, passed: r.passed ? 1 : 0, score: r.score })),
    );
    const theirs = byTask(baseRuns);
    const tasks: TaskDelta[] = [...mine.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([taskId, e]) => {
        const b = theirs.get(taskId);
        const passRate = e.passed / e.n;
        const score = e.score / e.n;
        if (!b) return { taskId, passRate, basePassRate: null, score, baseScore: null, verdict: 'new' };
        const basePassRate = b.passed / b.n;
        const baseScore = b.score / b.n;
        const d = passRate - basePassRate || score - baseScore;
        return {
          taskId,
          passRate,
          basePassRate,
          score,
          baseScore,
          verdict: d > 1e-9 ? 'improved' : d < -1e-9 ? 'regressed' : 'no change',
        };
      });
    const total = Number(base.total) || 0;
    const view: Omit<ComparisonView, 'markdown'> = {
      baselineSuiteRunId: String(base.suite_run_id),
      baselineBranch: baseBranch,
      basePassRate: total ? Number(base.passed) / total : 0,
      baseAvgScore: Number(base.avg_score ?? 0),
      baseCostUsd: base.cost_usd === null ? null : Number(base.cost_usd),
      tasks,
    };
    return { ...view, markdown: renderComparison(view) };
  });
}

function signed(v: number, digits = 2): string {
  const s = v.toFixed(digits);
  return v > 0 ? `+${s}` : v < 0 ? s.replace('-', '−') : `±${s}`;
}

export function renderComparison(c: Omit<ComparisonView, 'markdown'>): string {
  return [
    `| task | pass rate | Δ | score | Δ | verdict |`,
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...c.tasks.map(
      (t) =>
        `| ${t.taskId} | ${(t.passRate * 100).toFixed(0)}% | ${t.basePassRate === null ? 'new' : signed((t.passRate - t.basePassRate) * 100, 0)} | ${t.score.toFixed(2)} | ${t.baseScore === null ? 'new' : signed(t.score - t.baseScore)} | ${t.verdict} |`,
    ),
    '',
  ].join('\n');
}
