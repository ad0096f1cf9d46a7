import { type Database, queryAll, type SqlValue, type SuiteRunRecord } from '../runs/index.js';
import type { HistoryData, HistoryPoint } from './types.js';

/** How many earlier suite runs a report's chart shows. */
export const HISTORY_LIMIT = 50;

function rate(passed: unknown, total: unknown): number | null {
  return typeof passed === 'number' && typeof total === 'number' && total > 0 ? passed / total : null;
}

function pointOf(row: Record<string, SqlValue>, current: boolean): HistoryPoint {
  return {
    suite_run_id: String(row.suite_run_id),
    started_at: String(row.started_at),
    branch: row.branch === null || row.branch === undefined ? null : String(row.branch),
    commit_sha: row.commit_sha === null || row.commit_sha === undefined ? null : String(row.commit_sha),
    model: String(row.model),
    // From the index columns (not summary_json), so that a pruned history still charts.
    pass_rate: rate(row.passed, row.total),
    avg_score: typeof row.avg_score === 'number' ? row.avg_score : null,
    current,
  };
}

/**
 * The recorded, completed suite runs of the head's suite on `branch` (every
 * branch when null) that started before it, oldest first, at most `limit`,
 * then the head itself as the last point.
 */
export function suiteHistory(
  db: Database,
  head: Pick<SuiteRunRecord, 'suite_run_id' | 'suite_id' | 'started_at'>,
  branch: string | null,
  limit = HISTORY_LIMIT,
): HistoryData {
  const where = ['suite_id = ?', "status = 'completed'", 'suite_run_id <> ?', 'started_at <= ?'];
  const params: SqlValue[] = [head.suite_id, head.suite_run_id, head.started_at];
  if (branch !== null) {
    where.push('branch = ?');
    params.push(branch);
  }
  const earlier = queryAll(
    db,
    `SELECT * FROM suite_runs WHERE ${where.join(' AND ')} ORDER BY started_at DESC, suite_run_id DESC LIMIT ?`,
    [...params, limit],
  ).reverse();
  const own = queryAll(db, 'SELECT * FROM suite_runs WHERE suite_run_id = ?', [head.suite_run_id])[0];
  const points = earlier.map((r) => pointOf(r, false));
  if (own) points.push(pointOf(own, true));
  return { suite_id: head.suite_id, branch, points };
}

/** Mermaid needs plain labels: no quotes or brackets. */
function label(p: HistoryPoint, index: number): string {
  if (p.current) return 'this run';
  const sha = p.commit_sha ? p.commit_sha.slice(0, 7) : null;
  return (sha ?? `#${index + 1} ${p.started_at.slice(5, 10)}`).replace(/["[\],]/g, '');
}

const percent = (v: number | null): string => (v === null ? '0' : String(Math.round(v * 1000) / 10));

/**
 * A Mermaid `xychart-beta` block GitHub draws in a comment: the pass rate as
 * bars and the mean score as a line, in percent, for the last runs on the base
 * branch and this run.
 */
export function mermaidHistory(history: HistoryData, lastN = 10): string | null {
  const points = [
    ...history.points.filter((p) => !p.current).slice(-lastN),
    ...history.points.filter((p) => p.current),
  ];
  if (points.length < 2) return null;
  const where = history.branch ? ` on ${history.branch.replace(/["[\]]/g, '')}` : '';
  return [
    '```mermaid',
    'xychart-beta',
    `  title "Pass rate (bars) and mean score (line), last runs${where} and this run"`,
    `  x-axis [${points.map((p, i) => `"${label(p, i)}"`).join(', ')}]`,
    '  y-axis "percent" 0 --> 100',
    `  bar [${points.map((p) => percent(p.pass_rate)).join(', ')}]`,
    `  line [${points.map((p) => percent(p.avg_score)).join(', ')}]`,
    '```',
  ].join('\n');
}
