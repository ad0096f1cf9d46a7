import {
  type Facets,
  hasColumn,
  type ListFilter,
  type RunEntry,
  runFolder,
  type SuiteRunListItem,
} from '../report/index.js';
import { type Database, queryAll, type Row, type SqlValue } from '../runs/index.js';

/** The lists and filters of `factory-bench view`, over runs.sqlite. */

export const LIST_LIMIT = 200;

const text = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: SqlValue | undefined): number | null => (typeof v === 'number' ? v : null);

function distinct(db: Database, sql: string): string[] {
  return queryAll(db, sql)
    .map((r) => r.v)
    .filter((v): v is string => typeof v === 'string' && v !== '');
}

/** The agent of a suite run: its own column once the index has one, else the agent its runs recorded. */
function suiteAgentSql(db: Database): string {
  if (hasColumn(db, 'suite_runs', 'agent')) return 's.agent';
  if (hasColumn(db, 'runs', 'agent'))
    return '(SELECT MIN(r.agent) FROM runs r WHERE r.suite_run_id = s.suite_run_id)';
  return 'NULL';
}

export function facets(db: Database): Facets {
  const hasAgent = hasColumn(db, 'runs', 'agent') || hasColumn(db, 'suite_runs', 'agent');
  const agents = hasColumn(db, 'runs', 'agent')
    ? distinct(db, 'SELECT DISTINCT agent AS v FROM runs ORDER BY v')
    : hasColumn(db, 'suite_runs', 'agent')
      ? distinct(db, 'SELECT DISTINCT agent AS v FROM suite_runs ORDER BY v')
      : [];
  return {
    suites: distinct(db, 'SELECT DISTINCT suite_id AS v FROM suite_runs ORDER BY v'),
    tasks: distinct(db, 'SELECT DISTINCT task_id AS v FROM runs ORDER BY v'),
    models: distinct(db, 'SELECT model AS v FROM runs UNION SELECT model AS v FROM suite_runs ORDER BY v'),
    agents,
    branches: distinct(db, 'SELECT DISTINCT branch AS v FROM suite_runs ORDER BY v'),
    has_agent: hasAgent,
  };
}

/** Suite runs matching the filter, newest first. */
export function listSuiteRuns(db: Database, f: ListFilter): SuiteRunListItem[] {
  const agent = suiteAgentSql(db);
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, value: string | undefined) => {
    if (value === undefined || value === '') return;
    where.push(clause);
    params.push(value);
  };
  add('s.suite_id = ?', f.suite);
  add('s.model = ?', f.model);
  add('s.branch = ?', f.branch);
  if (agent !== 'NULL') add(`${agent} = ?`, f.agent);
  // A pruned suite run has no runs' rows left; its summary still lists its tasks.
  if (f.task) {
    where.push(
      `(EXISTS (SELECT 1 FROM runs r WHERE r.suite_run_id = s.suite_run_id AND r.task_id = ?) OR
        (s.pruned_at IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(s.summary_json, '$.tasks') t
          WHERE json_extract(t.value, '$.task_id') = ?)))`,
    );
    params.push(f.task, f.task);
  }
  const rows = queryAll(
    db,
    `SELECT s.*, ${agent} AS agent_of FROM suite_runs s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY s.started_at DESC, s.suite_run_id DESC LIMIT ?`,
    [...params, f.limit ?? LIST_LIMIT],
  );
  return rows.map((r) => ({
    suite_run_id: String(r.suite_run_id),
    suite_id: String(r.suite_id),
    model: String(r.model),
    agent: text(r.agent_of),
    status: String(r.status),
    started_at: String(r.started_at),
    branch: text(r.branch),
    commit_sha: text(r.commit_sha),
    total: num(r.total),
    passed: num(r.passed),
    avg_score: num(r.avg_score),
    cost_usd: num(r.cost_usd),
  }));
}

/** A run row as the page's RunEntry (the detail is fetched from the server when opened). */
export function runEntryOf(row: Row, runsDir: string): RunEntry {
  const runId = String(row.run_id);
  return {
    run_id: runId,
    task_id: String(row.task_id),
    model: String(row.model),
    agent: text(row.agent),
    epoch: num(row.epoch) ?? 0,
    status: String(row.status),
    passed: row.passed === 1,
    score: num(row.score) ?? 0,
    kill_reason: text(row.kill_reason),
    error: row.error_kind ? `${row.error_kind}: ${row.error_message ?? ''}` : null,
    turns: num(row.turns) ?? 0,
    tokens: num(row.total_tokens) ?? 0,
    cost_usd: num(row.cost_usd),
    wall_s: num(row.wall_seconds) ?? 0,
    started_at: String(row.started_at),
    detail: runFolder(runsDir, runId) ? { url: `/api/run/${encodeURIComponent(runId)}` } : null,
  };
}

/** Runs matching the filter, newest first; `suite` is a suite id or a suite run id (or a prefix of one). */
export function listRunEntries(db: Database, f: ListFilter, runsDir: string): RunEntry[] {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, values: string[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (f.task) add('r.task_id = ?', [f.task]);
  if (f.model) add('r.model = ?', [f.model]);
  if (f.branch) add('s.branch = ?', [f.branch]);
  if (f.agent && hasColumn(db, 'runs', 'agent')) add('r.agent = ?', [f.agent]);
  if (f.suite)
    add("(s.suite_id = ? OR r.suite_run_id = ? OR r.suite_run_id LIKE ? ESCAPE '\\')", [
      f.suite,
      f.suite,
      `${f.suite.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    ]);
  const agent = hasColumn(db, 'runs', 'agent') ? 'r.agent' : 'NULL';
  const rows = queryAll(
    db,
    `SELECT r.*, ${agent} AS agent FROM runs r LEFT JOIN suite_runs s ON s.suite_run_id = r.suite_run_id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.started_at DESC, r.run_id DESC LIMIT ?`,
    [...params, f.limit ?? LIST_LIMIT],
  );
  return rows.map((r) => runEntryOf(r, runsDir));
}

export function getRunRow(db: Database, runId: string): Row | null {
  const agent = hasColumn(db, 'runs', 'agent') ? 'agent' : 'NULL AS agent';
  return queryAll(db, `SELECT *, ${agent} FROM runs WHERE run_id = ?`, [runId])[0] ?? null;
}
