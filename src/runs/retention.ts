import { existsSync, statSync } from 'node:fs';
import { type Database, execute, queryAll, type SqlValue } from './index-db.js';
import { flushIndex, indexWriterFor, withIndexLock } from './index-writer.js';

/**
 * Retention keeps what people look at. Full rows (every run and check) stay
 * for the latest `keepSuiteRuns` suite runs of each (suite, branch), for
 * every suite run of the last `keepDays` days, for the latest completed suite
 * run of each (suite, branch, model) and (suite, label) (what comparisons
 * use as their base) and for suite runs still running. Every other suite run
 * keeps its row and a compact summary (totals, per-task means, rollups: what
 * history charts and trend lines read) but loses its runs' rows. Runs outside
 * any suite run are kept for `keepDays`. Run folders on disk are not touched.
 */
export interface RetentionPolicy {
  keepSuiteRuns: number;
  keepDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { keepSuiteRuns: 10, keepDays: 14 };

export interface PruneOutcome {
  file: string;
  dry_run: boolean;
  policy: { keep_suite_runs: number; keep_days: number; cutoff: string };
  suite_runs: { total: number; full: number; compacted_now: number; compacted_before: number };
  runs: { before: number; removed: number; after: number };
  check_results_removed: number;
  bytes: { before: number; after: number | null };
}

/** Suite runs whose runs' rows retention drops now (not already pruned). */
function suiteRunsToCompact(db: Database, policy: RetentionPolicy, cutoff: string): string[] {
  const rows = queryAll(
    db,
    `WITH ranked AS (
       SELECT suite_run_id, status, started_at, pruned_at,
         ROW_NUMBER() OVER (PARTITION BY suite_id, branch ORDER BY started_at DESC, suite_run_id DESC) AS recent,
         ROW_NUMBER() OVER (PARTITION BY suite_id, branch, model, status = 'completed'
                            ORDER BY started_at DESC, suite_run_id DESC) AS by_model,
         ROW_NUMBER() OVER (PARTITION BY suite_id, label, status = 'completed'
                            ORDER BY started_at DESC, suite_run_id DESC) AS by_label,
         label
       FROM suite_runs)
     SELECT suite_run_id FROM ranked
     WHERE pruned_at IS NULL AND recent > ? AND started_at < ? AND status <> 'running'
       AND NOT (status = 'completed' AND by_model = 1)
       AND NOT (status = 'completed' AND label IS NOT NULL AND by_label = 1)`,
    [policy.keepSuiteRuns, cutoff],
  );
  return rows.map((r) => String(r.suite_run_id));
}

/** What a pruned suite run keeps of each task: its means, for per-task trends (and the viewer's task search). */
const TASK_KEEPS = ['task_id', 'scored', 'passes', 'mean_score', 'cost_usd'];

const round = (v: unknown, digits: number): unknown =>
  typeof v === 'number' ? Number(v.toFixed(digits)) : v;

/**
 * A suite run's summary cut to what history reads: totals, score, pass@k,
 * rollups and each task's means (rounded); the per-run lists
 * (`tasks[].runs`, `environment_errors`, `agent_failures`), the per-task
 * details and the sensitivity figure go. A year of these stays small.
 */
export function compactSummaryJson(json: string | null, prunedAt: string): string | null {
  if (!json) return json;
  try {
    const s = JSON.parse(json) as Record<string, unknown>;
    if (Array.isArray(s.tasks))
      s.tasks = s.tasks.map((t) => {
        if (!t || typeof t !== 'object') return t;
        const kept: Record<string, unknown> = {};
        for (const k of TASK_KEEPS) if (k in t) kept[k] = (t as Record<string, unknown>)[k];
        kept.mean_score = round(kept.mean_score, 4);
        kept.cost_usd = round(kept.cost_usd, 6);
        kept.runs = [];
        return kept;
      });
    if (Array.isArray(s.environment_errors)) s.environment_errors = [];
    if (Array.isArray(s.agent_failures)) s.agent_failures = [];
    delete s.sensitivity;
    s.pruned_at = prunedAt;
    return JSON.stringify(s);
  } catch {
    return json;
  }
}

function count(db: Database, sql: string, params: SqlValue[] = []): number {
  return Number(queryAll(db, sql, params)[0]?.n ?? 0);
}

/** Applies retention in one transaction; returns what it counted (nothing is changed on a dry run). */
function applyRetention(db: Database, policy: RetentionPolicy, cutoff: string, dryRun: boolean) {
  const compact = suiteRunsToCompact(db, policy, cutoff);
  const prunedBefore = count(db, 'SELECT count(*) AS n FROM suite_runs WHERE pruned_at IS NOT NULL');
  const runsBefore = count(db, 'SELECT count(*) AS n FROM runs');
  const checksBefore = count(db, 'SELECT count(*) AS n FROM check_results');
  const suiteRunsTotal = count(db, 'SELECT count(*) AS n FROM suite_runs');
  db.exec('CREATE TEMP TABLE IF NOT EXISTS prune_ids (id TEXT PRIMARY KEY)');
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec('DELETE FROM prune_ids');
    const add = db.prepare('INSERT OR IGNORE INTO prune_ids (id) VALUES (?)');
    for (const id of compact) add.run(id);
    const now = new Date().toISOString();
    const summaries = db.prepare('SELECT summary_json FROM suite_runs WHERE suite_run_id = ?');
    // Its configuration served only --resume, which a pruned suite run (finished, its runs gone) cannot use.
    const update = db.prepare(
      'UPDATE suite_runs SET summary_json = ?, pruned_at = ?, config_json = NULL WHERE suite_run_id = ?',
    );
    for (const id of compact) {
      const json = summaries.get(id)?.summary_json;
      update.run(compactSummaryJson(typeof json === 'string' ? json : null, now), now, id);
    }
    // Runs of compacted suite runs, and runs of no (known) suite run older than the cutoff.
    const doomed = `(suite_run_id IN (SELECT id FROM prune_ids)
       OR ((suite_run_id IS NULL OR suite_run_id NOT IN (SELECT suite_run_id FROM suite_runs)) AND started_at < ?))`;
    execute(
      db,
      `DELETE FROM check_results WHERE run_id IN (SELECT run_id FROM runs WHERE ${doomed})
         OR run_id NOT IN (SELECT run_id FROM runs)`,
      [cutoff],
    );
    execute(db, `DELETE FROM runs WHERE ${doomed}`, [cutoff]);
    const runsAfter = count(db, 'SELECT count(*) AS n FROM runs');
    const checksAfter = count(db, 'SELECT count(*) AS n FROM check_results');
    db.exec(dryRun ? 'ROLLBACK' : 'COMMIT');
    return {
      suite_runs: {
        total: suiteRunsTotal,
        full: suiteRunsTotal - prunedBefore - compact.length,
        compacted_now: compact.length,
        compacted_before: prunedBefore,
      },
      runs: { before: runsBefore, removed: runsBefore - runsAfter, after: runsAfter },
      check_results_removed: checksBefore - checksAfter,
    };
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/**
 * `factory-bench runs prune`: applies retention to runs.sqlite under the
 * lock, then compacts the file (VACUUM) so that it shrinks on disk.
 */
export async function pruneIndex(
  file: string,
  opts: { policy?: Partial<RetentionPolicy>; dryRun?: boolean; now?: Date } = {},
): Promise<PruneOutcome> {
  const policy = { ...DEFAULT_RETENTION, ...opts.policy };
  const cutoff = new Date((opts.now ?? new Date()).getTime() - policy.keepDays * 86_400_000).toISOString();
  await flushIndex(file);
  const bytesBefore = existsSync(file) ? statSync(file).size : 0;
  const w = indexWriterFor(file);
  return withIndexLock(file, () => {
    const db = w.database();
    const counted = applyRetention(db, policy, cutoff, opts.dryRun ?? false);
    if (!opts.dryRun) db.exec('VACUUM');
    return {
      file,
      dry_run: opts.dryRun ?? false,
      policy: { keep_suite_runs: policy.keepSuiteRuns, keep_days: policy.keepDays, cutoff },
      ...counted,
      bytes: { before: bytesBefore, after: opts.dryRun ? null : statSync(file).size },
    };
  });
}
