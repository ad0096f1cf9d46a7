import type { AgentInfo, RunRecord, RunResult } from '../runs/index.js';
import { type SuiteSensitivity, suiteSensitivity } from './sensitivity.js';
import { type MeanInterval, mean, meanWithCi95, passAtK } from './stats.js';

/** One run of a task inside a suite run, as the report shows it. */
export interface RunBrief {
  run_id: string;
  task_id: string;
  /** 0-based. */
  epoch: number;
  status: string;
  score: number;
  passed: boolean;
  kill_reason: string | null;
  error_kind: string | null;
  error_message: string | null;
  turns: number;
  tokens: number;
  cost_usd: number | null;
  wall_s: number;
  started_at: string;
}

/**
 * passed: every scored run passed; failed: none did; partial: some did;
 * error: no run could be scored (environment errors only); not_run: nothing finished yet.
 */
export type TaskState = 'passed' | 'failed' | 'partial' | 'error' | 'not_run';

export interface TaskSummary {
  task_id: string;
  title: string;
  difficulty: string;
  domain: string;
  /** The task folder's format, its metadata and what its sandbox allows (absent in older summaries). */
  format?: string;
  metadata?: Record<string, unknown>;
  isolation?: TaskIsolation;
  epochs_planned: number;
  /** The finished run of each epoch, in epoch order. */
  runs: RunBrief[];
  /** Runs that completed and were graded (environment errors are not scored). */
  scored: number;
  passes: number;
  mean_score: number | null;
  environment_errors: number;
  tokens: number;
  cost_usd: number | null;
  wall_s: number;
  mean_turns: number | null;
  kill_reasons: string[];
  state: TaskState;
}

export interface Rollup {
  key: string;
  tasks: number;
  scored_runs: number;
  passed_runs: number;
  /** Mean over this group's tasks of each task's mean score. */
  mean_score: number | null;
}

export interface ProblemRun {
  task_id: string;
  epoch: number;
  run_id: string;
  status: string;
  kind: string | null;
  message: string | null;
  kill_reason: string | null;
  score: number;
}

export type SuiteRunStatus = 'running' | 'completed' | 'interrupted';

/** What a suite run is and how it was started; the rest of the summary is computed from runs. */
export interface SummaryHeader {
  suite_run_id: string;
  suite_id: string;
  suite_title: string;
  suite_file: string;
  model: string;
  /** The agent every run of the suite run used (absent in older summary.json files: built-in). */
  agent?: AgentInfo;
  status: SuiteRunStatus;
  started_at: string;
  finished_at: string | null;
  branch: string | null;
  commit_sha: string | null;
  label: string | null;
  shard: { index: number; total: number } | null;
  task_filter: string[] | null;
  epochs: number;
  concurrency: number;
  wall_seconds: number;
}

/** What `summary.json` holds, and what comparisons read. */
export interface SuiteSummary extends Omit<SummaryHeader, 'wall_seconds'> {
  schema_version: 1;
  totals: {
    tasks: number;
    runs_planned: number;
    runs_finished: number;
    scored_runs: number;
    passed_runs: number;
    environment_errors: number;
    agent_failures: number;
    /** Mean over runs of the score (scored runs only). */
    mean_run_score: number | null;
    tokens: number;
    /** Null when any run's cost is unknown (an unpriced model). */
    cost_usd: number | null;
    /** Sum of the runs' own times. */
    run_seconds: number;
    /** Elapsed time of the suite run (across resumes: the sum of sessions). */
    wall_seconds: number;
  };
  /** Mean over tasks of each task's mean score, with a 95% t-interval over tasks. */
  suite_score: MeanInterval | null;
  /** pass@1 and pass@k (k = epochs), unbiased, averaged over tasks with at least k scored runs. */
  pass_at_k: Array<{ k: number; value: number; tasks: number }>;
  tasks: TaskSummary[];
  by_difficulty: Rollup[];
  by_domain: Rollup[];
  environment_errors: ProblemRun[];
  agent_failures: ProblemRun[];
  /** The smallest change a comparison of two runs of this size detects (absent in older summary.json files). */
  sensitivity?: SuiteSensitivity;
  /**
   * Set when retention dropped this suite run's runs from the index: the
   * per-run lists (tasks[].runs, environment_errors, agent_failures) are
   * empty; totals, per-task means and rollups remain.
   */
  pruned_at?: string;
}

export interface SummaryTask {
  task_id: string;
  title: string;
  difficulty: string;
  domain: string;
  epochs: number;
  /** The task folder's format (`factory-bench`, `harbor`); absent in older summaries. */
  format?: string;
  /** The task's metadata map (author, tags, ...); absent in older summaries. */
  metadata?: Record<string, unknown>;
  /** What the task's sandbox allows beyond the locked-down default; absent in older summaries. */
  isolation?: TaskIsolation;
}

/** What a task's agent container may do beyond the default (no capabilities, no network, processes killed). */
export interface TaskIsolation {
  capabilities: string[];
  internet: boolean;
  allowed_hosts: string[];
  processes_kept: boolean;
}

const ENVIRONMENT_STATUSES = new Set(['environment_error', 'grader_error', 'crashed']);

/** An environment, grader or harness failure: not the agent's doing, so not scored. */
export function isEnvironmentError(status: string): boolean {
  return ENVIRONMENT_STATUSES.has(status);
}

/** A run that finished (any ending but an interrupt, which is run again on resume). */
export function isFinished(status: string): boolean {
  return status !== 'interrupted' && status !== 'running';
}

export function briefFromResult(r: RunResult): RunBrief {
  return {
    run_id: r.run_id,
    task_id: r.task_id,
    epoch: r.epoch,
    status: r.status,
    score: r.score,
    passed: r.passed,
    kill_reason: r.kill_reason,
    error_kind: r.error?.kind ?? null,
    error_message: r.error?.message ?? null,
    turns: r.turns,
    tokens: r.tokens.total,
    cost_usd: r.cost_usd,
    wall_s: r.timings.total_s,
    started_at: r.started_at,
  };
}

export function briefFromRecord(r: RunRecord): RunBrief {
  return {
    run_id: r.run_id,
    task_id: r.task_id,
    epoch: r.epoch,
    status: r.status,
    score: r.score,
    passed: r.passed,
    kill_reason: r.kill_reason,
    error_kind: r.error_kind,
    error_message: r.error_message,
    turns: r.turns,
    tokens: r.total_tokens,
    cost_usd: r.cost_usd,
    wall_s: r.wall_seconds,
    started_at: r.started_at,
  };
}

/** The latest finished run per (task, epoch). */
export function latestFinishedRuns(runs: readonly RunBrief[]): Map<string, RunBrief> {
  const out = new Map<string, RunBrief>();
  for (const r of runs) {
    if (!isFinished(r.status)) continue;
    const key = unitKey(r.task_id, r.epoch);
    const previous = out.get(key);
    if (!previous || previous.started_at <= r.started_at) out.set(key, r);
  }
  return out;
}

export function unitKey(taskId: string, epoch: number): string {
  return `${taskId}#${epoch}`;
}

function sumCost(values: Array<number | null>): number | null {
  let total = 0;
  for (const v of values) {
    if (v === null) return null;
    total += v;
  }
  return total;
}

function summarizeTask(t: SummaryTask, finished: Map<string, RunBrief>): TaskSummary {
  const runs: RunBrief[] = [];
  for (let e = 0; e < t.epochs; e++) {
    const r = finished.get(unitKey(t.task_id, e));
    if (r) runs.push(r);
  }
  const scoredRuns = runs.filter((r) => !isEnvironmentError(r.status));
  const passes = scoredRuns.filter((r) => r.passed).length;
  const environmentErrors = runs.length - scoredRuns.length;
  let state: TaskState;
  if (runs.length === 0) state = 'not_run';
  else if (scoredRuns.length === 0) state = 'error';
  else if (passes === scoredRuns.length) state = 'passed';
  else if (passes === 0) state = 'failed';
  else state = 'partial';
  return {
    task_id: t.task_id,
    title: t.title,
    difficulty: t.difficulty,
    domain: t.domain,
    ...(t.format ? { format: t.format } : {}),
    ...(t.metadata ? { metadata: t.metadata } : {}),
    ...(t.isolation ? { isolation: t.isolation } : {}),
    epochs_planned: t.epochs,
    runs,
    scored: scoredRuns.length,
    passes,
    mean_score: scoredRuns.length > 0 ? mean(scoredRuns.map((r) => r.score)) : null,
    environment_errors: environmentErrors,
    tokens: runs.reduce((s, r) => s + r.tokens, 0),
    cost_usd: sumCost(runs.map((r) => r.cost_usd)),
    wall_s: round(runs.reduce((s, r) => s + r.wall_s, 0)),
    mean_turns: scoredRuns.length > 0 ? mean(scoredRuns.map((r) => r.turns)) : null,
    kill_reasons: [...new Set(runs.map((r) => r.kill_reason).filter((k): k is string => k !== null))],
    state,
  };
}

function rollup(tasks: TaskSummary[], keyOf: (t: TaskSummary) => string): Rollup[] {
  const groups = new Map<string, TaskSummary[]>();
  for (const t of tasks) groups.set(keyOf(t), [...(groups.get(keyOf(t)) ?? []), t]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, group]) => {
      const scoredMeans = group.map((t) => t.mean_score).filter((s): s is number => s !== null);
      return {
        key,
        tasks: group.length,
        scored_runs: group.reduce((s, t) => s + t.scored, 0),
        passed_runs: group.reduce((s, t) => s + t.passes, 0),
        mean_score: scoredMeans.length > 0 ? mean(scoredMeans) : null,
      };
    });
}

const DIFFICULTY_ORDER = ['smoke', 'easy', 'medium', 'hard'];

/** Computes a suite summary from its tasks and the runs recorded so far. */
export function buildSummary(
  header: SummaryHeader,
  tasks: SummaryTask[],
  runs: readonly RunBrief[],
): SuiteSummary {
  const finished = latestFinishedRuns(runs);
  const taskSummaries = tasks.map((t) => summarizeTask(t, finished));
  const allRuns = taskSummaries.flatMap((t) => t.runs);
  const scored = allRuns.filter((r) => !isEnvironmentError(r.status));
  const taskMeans = taskSummaries.map((t) => t.mean_score).filter((s): s is number => s !== null);
  const passAtKs: SuiteSummary['pass_at_k'] = [];
  for (const k of [...new Set([1, header.epochs])]) {
    const eligible = taskSummaries.filter((t) => t.scored >= k);
    if (eligible.length === 0) continue;
    passAtKs.push({
      k,
      value: mean(eligible.map((t) => passAtK(t.scored, t.passes, k))),
      tasks: eligible.length,
    });
  }
  const problem = (r: RunBrief): ProblemRun => ({
    task_id: r.task_id,
    epoch: r.epoch,
    run_id: r.run_id,
    status: r.status,
    kind: r.error_kind,
    message: r.error_message,
    kill_reason: r.kill_reason,
    score: r.score,
  });
  const byDifficulty = rollup(taskSummaries, (t) => t.difficulty).sort(
    (a, b) => rank(DIFFICULTY_ORDER, a.key) - rank(DIFFICULTY_ORDER, b.key),
  );
  const { wall_seconds: wallSeconds, ...identity } = header;
  return {
    schema_version: 1,
    ...identity,
    totals: {
      tasks: tasks.length,
      runs_planned: tasks.reduce((s, t) => s + t.epochs, 0),
      runs_finished: allRuns.length,
      scored_runs: scored.length,
      passed_runs: scored.filter((r) => r.passed).length,
      environment_errors: allRuns.length - scored.length,
      agent_failures: scored.filter((r) => !r.passed).length,
      mean_run_score: scored.length > 0 ? mean(scored.map((r) => r.score)) : null,
      tokens: allRuns.reduce((s, r) => s + r.tokens, 0),
      cost_usd: sumCost(allRuns.map((r) => r.cost_usd)),
      run_seconds: round(allRuns.reduce((s, r) => s + r.wall_s, 0)),
      wall_seconds: round(wallSeconds),
    },
    suite_score: taskMeans.length > 0 ? meanWithCi95(taskMeans) : null,
    pass_at_k: passAtKs,
    tasks: taskSummaries,
    by_difficulty: byDifficulty,
    by_domain: rollup(taskSummaries, (t) => t.domain),
    environment_errors: allRuns.filter((r) => isEnvironmentError(r.status)).map(problem),
    agent_failures: scored.filter((r) => !r.passed).map(problem),
    sensitivity: suiteSensitivity(tasks.map((t) => t.epochs)),
  };
}

function rank(order: string[], key: string): number {
  const i = order.indexOf(key);
  return i === -1 ? order.length : i;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
