import { type Database, execute, queryAll, type Row, type SqlValue } from './index-db.js';

/** One row of `suite_runs`, typed. */
export interface SuiteRunRecord {
  suite_run_id: string;
  suite_id: string;
  model: string;
  /** running, completed or interrupted. */
  status: string;
  started_at: string;
  finished_at: string | null;
  /** Scored runs (environment errors excluded) and how many of them passed. */
  total: number | null;
  passed: number | null;
  avg_score: number | null;
  cost_usd: number | null;
  branch: string | null;
  commit_sha: string | null;
  label: string | null;
  report_path: string | null;
  summary_json: string | null;
  epochs: number | null;
  concurrency: number | null;
  total_tokens: number | null;
  wall_seconds: number | null;
  environment_errors: number | null;
  suite_file: string | null;
  config_json: string | null;
  /** The agent the suite run measured, as `builtin` or `name (hash)` (null: recorded before agents could be chosen). */
  agent?: string | null;
  agent_name?: string | null;
  agent_hash?: string | null;
  /** When retention dropped its runs' rows (its summary stays, without per-run lists); null: all there. */
  pruned_at?: string | null;
}

const SUITE_RUN_COLUMNS: Array<keyof SuiteRunRecord> = [
  'suite_run_id',
  'suite_id',
  'model',
  'status',
  'started_at',
  'finished_at',
  'total',
  'passed',
  'avg_score',
  'cost_usd',
  'branch',
  'commit_sha',
  'label',
  'report_path',
  'summary_json',
  'epochs',
  'concurrency',
  'total_tokens',
  'wall_seconds',
  'environment_errors',
  'suite_file',
  'config_json',
  'agent',
  'agent_name',
  'agent_hash',
  'pruned_at',
];

/** Inserts or replaces a suite run row. */
export function upsertSuiteRun(db: Database, record: SuiteRunRecord): void {
  execute(
    db,
    `INSERT OR REPLACE INTO suite_runs (${SUITE_RUN_COLUMNS.join(', ')}) VALUES (${SUITE_RUN_COLUMNS.map(() => '?').join(',')})`,
    SUITE_RUN_COLUMNS.map((c) => (record[c] ?? null) as SqlValue),
  );
}

function toSuiteRun(row: Row): SuiteRunRecord {
  const out: Record<string, SqlValue> = {};
  for (const c of SUITE_RUN_COLUMNS) out[c] = row[c] ?? null;
  return out as unknown as SuiteRunRecord;
}

/** Suite runs whose id is `idOrPrefix` or starts with it, newest first (at most `limit`). */
export function findSuiteRunsById(db: Database, idOrPrefix: string, limit = 2): SuiteRunRecord[] {
  return queryAll(
    db,
    "SELECT * FROM suite_runs WHERE suite_run_id = ? OR suite_run_id LIKE ? ESCAPE '\\' ORDER BY started_at DESC LIMIT ?",
    [idOrPrefix, `${escapeLike(idOrPrefix)}%`, limit],
  ).map(toSuiteRun);
}

export function getSuiteRun(db: Database, suiteRunId: string): SuiteRunRecord | null {
  const row = queryAll(db, 'SELECT * FROM suite_runs WHERE suite_run_id = ?', [suiteRunId])[0];
  return row ? toSuiteRun(row) : null;
}

export interface LatestSuiteRunQuery {
  suiteId: string;
  branch?: string | undefined;
  label?: string | undefined;
  model?: string | undefined;
  /** Skip this suite run (the head of a comparison). */
  excludeSuiteRunId?: string | undefined;
  /** Default: only completed suite runs. */
  statuses?: string[] | undefined;
  /** Only suite runs whose runs are all in the index (not pruned): what a comparison needs. */
  fullOnly?: boolean | undefined;
}

/** The newest suite run of a suite matching the filters, or null. */
export function findLatestSuiteRun(db: Database, q: LatestSuiteRunQuery): SuiteRunRecord | null {
  const where = ['suite_id = ?'];
  const params: SqlValue[] = [q.suiteId];
  if (q.branch !== undefined) {
    where.push('branch = ?');
    params.push(q.branch);
  }
  if (q.label !== undefined) {
    where.push('label = ?');
    params.push(q.label);
  }
  if (q.model !== undefined) {
    where.push('model = ?');
    params.push(q.model);
  }
  if (q.excludeSuiteRunId !== undefined) {
    where.push('suite_run_id <> ?');
    params.push(q.excludeSuiteRunId);
  }
  if (q.fullOnly) where.push('pruned_at IS NULL');
  const statuses = q.statuses ?? ['completed'];
  where.push(`status IN (${statuses.map(() => '?').join(',')})`);
  params.push(...statuses);
  const row = queryAll(
    db,
    `SELECT * FROM suite_runs WHERE ${where.join(' AND ')} ORDER BY started_at DESC, suite_run_id DESC LIMIT 1`,
    params,
  )[0];
  return row ? toSuiteRun(row) : null;
}

/** One row of `runs`, as `runs list` and suite summaries read it. */
export interface RunRecord {
  run_id: string;
  task_id: string;
  model: string;
  suite_run_id: string | null;
  epoch: number;
  status: string;
  score: number;
  passed: boolean;
  kill_reason: string | null;
  stop_reason: string | null;
  error_kind: string | null;
  error_message: string | null;
  total_tokens: number;
  cost_usd: number | null;
  turns: number;
  tool_calls: number;
  wall_seconds: number;
  started_at: string;
  finished_at: string | null;
  run_dir: string | null;
  difficulty: string | null;
  domain: string | null;
  /** null for runs recorded before agents could be chosen (they ran the built-in agent). */
  /** `builtin` or `name (hash)`. */
  agent: string | null;
  agent_name: string | null;
  agent_hash: string | null;
}

function toRun(row: Row): RunRecord {
  const num = (v: SqlValue | undefined): number => (typeof v === 'number' ? v : 0);
  const str = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));
  return {
    run_id: String(row.run_id),
    task_id: String(row.task_id),
    model: String(row.model),
    suite_run_id: str(row.suite_run_id),
    epoch: num(row.epoch),
    status: String(row.status),
    score: num(row.score),
    passed: row.passed === 1,
    kill_reason: str(row.kill_reason),
    stop_reason: str(row.stop_reason),
    error_kind: str(row.error_kind),
    error_message: str(row.error_message),
    total_tokens: num(row.total_tokens),
    cost_usd: typeof row.cost_usd === 'number' ? row.cost_usd : null,
    turns: num(row.turns),
    tool_calls: num(row.tool_calls),
    wall_seconds: num(row.wall_seconds),
    started_at: String(row.started_at),
    finished_at: str(row.finished_at),
    run_dir: str(row.run_dir),
    difficulty: str(row.difficulty),
    domain: str(row.domain),
    agent: str(row.agent),
    agent_name: str(row.agent_name),
    agent_hash: str(row.agent_hash),
  };
}

export interface RunFilter {
  /** Task id (exact). */
  task?: string | undefined;
  /** Model name (exact). */
  model?: string | undefined;
  /** `builtin`, an agent folder's name, or a prefix of its content hash. */
  agent?: string | undefined;
  /** A suite id, or a suite run id (or a prefix of one). */
  suite?: string | undefined;
  /** ISO time: runs started at or after it. */
  since?: string | undefined;
  limit?: number | undefined;
}

/** Runs matching the filters, newest first. */
export function listRuns(db: Database, f: RunFilter = {}): RunRecord[] {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (f.task !== undefined) {
    where.push('r.task_id = ?');
    params.push(f.task);
  }
  if (f.model !== undefined) {
    where.push('r.model = ?');
    params.push(f.model);
  }
  if (f.agent === 'builtin') where.push("(r.agent = 'builtin' OR r.agent IS NULL)");
  else if (f.agent !== undefined) {
    where.push("(r.agent_name = ? OR r.agent_hash LIKE ? ESCAPE '\\')");
    params.push(f.agent, `${escapeLike(f.agent)}%`);
  }
  if (f.suite !== undefined) {
    where.push("(s.suite_id = ? OR r.suite_run_id = ? OR r.suite_run_id LIKE ? ESCAPE '\\')");
    params.push(f.suite, f.suite, `${escapeLike(f.suite)}%`);
  }
  if (f.since !== undefined) {
    where.push('r.started_at >= ?');
    params.push(f.since);
  }
  const sql = `SELECT r.* FROM runs r LEFT JOIN suite_runs s ON s.suite_run_id = r.suite_run_id
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.started_at DESC, r.run_id DESC LIMIT ?`;
  params.push(f.limit ?? 100);
  return queryAll(db, sql, params).map(toRun);
}

/** Every run linked to a suite run, oldest first. */
export function runsOfSuiteRun(db: Database, suiteRunId: string): RunRecord[] {
  return queryAll(db, 'SELECT * FROM runs WHERE suite_run_id = ? ORDER BY started_at, run_id', [
    suiteRunId,
  ]).map(toRun);
}

/** Runs whose id is `idOrPrefix` or starts with it, newest first (at most `limit`). */
export function findRunsById(db: Database, idOrPrefix: string, limit = 2): RunRecord[] {
  return queryAll(
    db,
    "SELECT * FROM runs WHERE run_id = ? OR run_id LIKE ? ESCAPE '\\' ORDER BY started_at DESC LIMIT ?",
    [idOrPrefix, `${escapeLike(idOrPrefix)}%`, limit],
  ).map(toRun);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
