import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  type Database,
  describeAgent,
  getSuiteRun,
  queryAll,
  type RunResult,
  redactDeep,
  type SqlValue,
  type SuiteRunRecord,
} from '../runs/index.js';
import {
  compareSuiteRuns,
  readSuiteSummary,
  type SuiteComparison,
  type SuiteSummary,
  verdictLabel,
} from '../suites/index.js';
import { suiteHistory } from './history.js';
import { loadRunDetail } from './run-detail.js';
import type { ComparisonData, PageData, RunDetail, RunEntry, SuitePageData } from './types.js';

/** Where a page finds a run's detail: embedded in the page (a file) or from the server. */
export type DetailMode = 'embedded' | 'server';

/** A run's detail to write into the page as its own JSON block, parsed only when opened. */
export interface DetailBlock {
  id: string;
  detail: RunDetail;
}

export interface BuiltPage {
  page: PageData;
  /** Lazily computed: reading every run folder is the expensive part. */
  blocks: () => DetailBlock[];
}

/** Run ids are file names: nothing that could climb out of the runs folder. */
export function isSafeId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) && !id.includes('..');
}

/** A run's folder under the runs folder, or null when it is not on this machine. */
export function runFolder(runsRoot: string, runId: string): string | null {
  if (!isSafeId(runId)) return null;
  const dir = path.join(runsRoot, runId);
  return existsSync(dir) ? dir : null;
}

/** The agent recorded with runs, where the index has that column (it arrived after the first schema). */
export function agentsByRun(db: Database, runIds: string[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (runIds.length === 0 || !hasColumn(db, 'runs', 'agent')) return out;
  for (let i = 0; i < runIds.length; i += 500) {
    const chunk = runIds.slice(i, i + 500);
    const rows = queryAll(
      db,
      `SELECT run_id, agent FROM runs WHERE run_id IN (${chunk.map(() => '?').join(',')})`,
      chunk,
    );
    for (const r of rows) out.set(String(r.run_id), r.agent === null ? null : String(r.agent));
  }
  return out;
}

export function hasColumn(db: Database, table: string, column: string): boolean {
  return queryAll(db, `PRAGMA table_info(${table})`).some((r) => r.name === column);
}

function comparisonData(c: SuiteComparison): ComparisonData {
  return {
    baseline_suite_run_id: c.base.suite_run_id,
    baseline_branch: c.base.branch,
    baseline_model: c.base.model,
    verdict: verdictLabel(c.overall),
    statement: c.overall.statement,
    tasks: c.tasks.map((t) => ({ task_id: t.task_id, verdict: verdictLabel(t), statement: t.statement })),
  };
}

/** The latest completed run of the same suite on `branch` that started before the head. */
function baselineOf(db: Database, head: SuiteRunRecord, branch: string | null): SuiteRunRecord | null {
  const where = ['suite_id = ?', "status = 'completed'", 'suite_run_id <> ?', 'started_at <= ?'];
  const params: SqlValue[] = [head.suite_id, head.suite_run_id, head.started_at];
  if (branch !== null) {
    where.push('branch = ?');
    params.push(branch);
  }
  const row = queryAll(
    db,
    `SELECT suite_run_id FROM suite_runs WHERE ${where.join(' AND ')} AND summary_json IS NOT NULL AND pruned_at IS NULL
     ORDER BY started_at DESC, suite_run_id DESC LIMIT 1`,
    params,
  )[0];
  return row ? getSuiteRun(db, String(row.suite_run_id)) : null;
}

export interface SuitePageOptions {
  runsRoot: string;
  record: SuiteRunRecord;
  /** The branch the history and the baseline come from (default: the suite run's own branch). */
  baseBranch?: string | null;
  /** A comparison already made (the action's); otherwise one is made with the baseline on baseBranch. */
  comparison?: SuiteComparison | null;
  detail: DetailMode;
}

/** A suite run's page: totals, comparison, history, a row per task with its runs. */
export function buildSuitePage(db: Database, o: SuitePageOptions): BuiltPage {
  const summary: SuiteSummary = readSuiteSummary(o.record);
  const branch = o.baseBranch === undefined ? o.record.branch : o.baseBranch;
  let comparison = o.comparison ?? null;
  if (o.comparison === undefined) {
    const base = baselineOf(db, o.record, branch);
    if (base) comparison = compareSuiteRuns(readSuiteSummary(base), summary);
  }
  const allRuns = summary.tasks.flatMap((t) => t.runs);
  const agents = agentsByRun(
    db,
    allRuns.map((r) => r.run_id),
  );
  const suiteAgent = summary.agent ? describeAgent(summary.agent) : null;
  const blockIds = new Map<string, string>();
  const entry = (r: SuiteSummary['tasks'][number]['runs'][number]): RunEntry => {
    const folder = runFolder(o.runsRoot, r.run_id);
    let detail: RunEntry['detail'] = null;
    if (folder && o.detail === 'server') detail = { url: `/api/run/${encodeURIComponent(r.run_id)}` };
    else if (folder) {
      const id = `fb-run-${blockIds.size}`;
      blockIds.set(r.run_id, id);
      detail = { embedded: id };
    }
    return {
      run_id: r.run_id,
      task_id: r.task_id,
      model: summary.model,
      agent: agents.get(r.run_id) ?? suiteAgent,
      epoch: r.epoch,
      status: r.status,
      passed: r.passed,
      score: r.score,
      kill_reason: r.kill_reason,
      error: r.error_kind ? `${r.error_kind}: ${r.error_message ?? ''}` : null,
      turns: r.turns,
      tokens: r.tokens,
      cost_usd: r.cost_usd,
      wall_s: r.wall_s,
      started_at: r.started_at,
      detail,
    };
  };
  const suite: SuitePageData = {
    suite_run_id: summary.suite_run_id,
    suite_id: summary.suite_id,
    suite_title: summary.suite_title,
    model: summary.model,
    agent: suiteAgent,
    status: summary.status,
    started_at: summary.started_at,
    finished_at: summary.finished_at,
    branch: summary.branch,
    commit_sha: summary.commit_sha,
    label: summary.label,
    epochs: summary.epochs,
    totals: {
      tasks: summary.totals.tasks,
      runs_planned: summary.totals.runs_planned,
      scored_runs: summary.totals.scored_runs,
      passed_runs: summary.totals.passed_runs,
      environment_errors: summary.totals.environment_errors,
      mean_run_score: summary.totals.mean_run_score,
      tokens: summary.totals.tokens,
      cost_usd: summary.totals.cost_usd,
      wall_seconds: summary.totals.wall_seconds,
    },
    suite_score: summary.suite_score
      ? { mean: summary.suite_score.mean, low: summary.suite_score.low, high: summary.suite_score.high }
      : null,
    pass_at_k: summary.pass_at_k,
    min_detectable_effect: summary.sensitivity?.min_detectable_effect ?? null,
    comparison: comparison ? comparisonData(comparison) : null,
    history: suiteHistory(db, o.record, branch),
    tasks: summary.tasks.map((t) => ({
      task_id: t.task_id,
      title: t.title,
      difficulty: t.difficulty,
      domain: t.domain,
      state: t.state,
      epochs_planned: t.epochs_planned,
      scored: t.scored,
      passes: t.passes,
      mean_score: t.mean_score,
      cost_usd: t.cost_usd,
      wall_s: t.wall_s,
      tokens: t.tokens,
      kill_reasons: t.kill_reasons,
      runs: t.runs.map(entry),
    })),
  };
  const page: PageData = redactDeep({
    kind: 'suite',
    title: `${summary.suite_id} · ${summary.model}`,
    generated_at: new Date().toISOString(),
    server: o.detail === 'server',
    suite,
  });
  return {
    page,
    blocks: () =>
      [...blockIds].map(([runId, id]) => ({
        id,
        detail: loadRunDetail(path.join(o.runsRoot, runId), runId),
      })),
  };
}

/** A single run's page, from its result.json. */
export function buildRunPage(runsRoot: string, result: RunResult, detail: DetailMode): BuiltPage {
  const folder = runFolder(runsRoot, result.run_id);
  const entry: RunEntry = {
    run_id: result.run_id,
    task_id: result.task_id,
    model: result.model,
    agent: result.agent ? describeAgent(result.agent) : null,
    epoch: result.epoch,
    status: result.status,
    passed: result.passed,
    score: result.score,
    kill_reason: result.kill_reason,
    error: result.error ? `${result.error.kind}: ${result.error.message}` : null,
    turns: result.turns,
    tokens: result.tokens.total,
    cost_usd: result.cost_usd,
    wall_s: result.timings.total_s,
    started_at: result.started_at,
    detail: !folder
      ? null
      : detail === 'server'
        ? { url: `/api/run/${encodeURIComponent(result.run_id)}` }
        : { embedded: 'fb-run-0' },
  };
  const page: PageData = redactDeep({
    kind: 'run',
    title: `${result.task_id} · ${result.model}`,
    generated_at: new Date().toISOString(),
    server: detail === 'server',
    run: entry,
  });
  return {
    page,
    blocks: () =>
      folder && detail === 'embedded'
        ? [{ id: 'fb-run-0', detail: loadRunDetail(folder, result.run_id) }]
        : [],
  };
}
