import { copyFileSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redact } from './redact.js';
import { describeAgent, type RunResult } from './result.js';
import { type Database, isCorruptionError, openSqlite, type Row, type SqlValue } from './sqlite.js';

export type { Database, Row, SqlValue };
/**
 * `runs.sqlite`: the index of every run and suite run. Schema changes are
 * additive only: each migration is appended and runs once, so a database
 * written by an older version opens and is brought up to date.
 */
export const MIGRATIONS: string[] = [
  // 1: the first schema.
  `CREATE TABLE runs (
     run_id TEXT PRIMARY KEY, task_id TEXT NOT NULL, model TEXT NOT NULL, suite_run_id TEXT, epoch INTEGER NOT NULL DEFAULT 0,
     status TEXT NOT NULL, score REAL NOT NULL, passed INTEGER NOT NULL, kill_reason TEXT, stop_reason TEXT,
     error_kind TEXT, error_message TEXT, input_tokens INTEGER, cached_input_tokens INTEGER, output_tokens INTEGER,
     total_tokens INTEGER, cost_usd REAL, turns INTEGER, tool_calls INTEGER, wall_seconds REAL,
     started_at TEXT NOT NULL, finished_at TEXT, run_dir TEXT, difficulty TEXT, domain TEXT);
   CREATE INDEX runs_task ON runs(task_id, started_at);
   CREATE INDEX runs_suite ON runs(suite_run_id);
   CREATE TABLE suite_runs (
     suite_run_id TEXT PRIMARY KEY, suite_id TEXT NOT NULL, model TEXT NOT NULL, status TEXT NOT NULL,
     started_at TEXT NOT NULL, finished_at TEXT, total INTEGER, passed INTEGER, avg_score REAL, cost_usd REAL,
     branch TEXT, commit_sha TEXT, label TEXT, report_path TEXT, summary_json TEXT);
   CREATE INDEX suite_runs_suite ON suite_runs(suite_id, started_at);
   CREATE TABLE check_results (
     run_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, tier TEXT NOT NULL, weight REAL NOT NULL,
     gating INTEGER NOT NULL, status TEXT NOT NULL, score REAL NOT NULL, explanation TEXT,
     PRIMARY KEY (run_id, name));`,
  // 2: suite runs remember how they were run (for --resume and comparisons); indexes for cross-run queries.
  `ALTER TABLE suite_runs ADD COLUMN epochs INTEGER;
   ALTER TABLE suite_runs ADD COLUMN concurrency INTEGER;
   ALTER TABLE suite_runs ADD COLUMN total_tokens INTEGER;
   ALTER TABLE suite_runs ADD COLUMN wall_seconds REAL;
   ALTER TABLE suite_runs ADD COLUMN environment_errors INTEGER;
   ALTER TABLE suite_runs ADD COLUMN suite_file TEXT;
   ALTER TABLE suite_runs ADD COLUMN config_json TEXT;
   CREATE INDEX suite_runs_branch ON suite_runs(suite_id, branch, started_at);
   CREATE INDEX suite_runs_label ON suite_runs(suite_id, label, started_at);
   CREATE INDEX runs_model ON runs(model, started_at);
   CREATE INDEX runs_started ON runs(started_at);`,
  // 3: the agent each run measured: `builtin`, or an agent folder as `name (hash)` (agent),
  // with its name and full content hash. Null for runs recorded before agents could be chosen.
  `ALTER TABLE runs ADD COLUMN agent TEXT;
   ALTER TABLE runs ADD COLUMN agent_name TEXT;
   ALTER TABLE runs ADD COLUMN agent_hash TEXT;
   ALTER TABLE suite_runs ADD COLUMN agent TEXT;
   ALTER TABLE suite_runs ADD COLUMN agent_name TEXT;
   ALTER TABLE suite_runs ADD COLUMN agent_hash TEXT;
   CREATE INDEX runs_agent ON runs(agent, started_at);`,
  // 4: retention. A pruned suite run keeps its row and a compact summary (totals, per-task means) but
  // no longer its runs' rows; pruned_at says when. Null: its runs are all in the index.
  `ALTER TABLE suite_runs ADD COLUMN pruned_at TEXT;
   CREATE INDEX suite_runs_started ON suite_runs(started_at);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** How long a statement waits for another process's write to finish before it fails. */
const BUSY_TIMEOUT_MS = 10_000;

export function userVersion(db: Database): number {
  return Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0);
}

/** Brings the schema up to date, one migration per transaction (another process may be migrating too). */
export function migrate(db: Database): void {
  const from = userVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new Error(
      `runs.sqlite has schema version ${from}, newer than this factory-bench understands (${SCHEMA_VERSION}); upgrade factory-bench`,
    );
  }
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      if (userVersion(db) === v) {
        db.exec(MIGRATIONS[v] as string);
        db.exec(`PRAGMA user_version = ${v + 1}`);
      }
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}

export function queryAll(db: Database, sql: string, params: SqlValue[] = []): Row[] {
  return db.prepare(sql).all(...params) as Row[];
}

/** Runs a statement that returns no rows (INSERT, UPDATE, DELETE). */
export function execute(db: Database, sql: string, params: SqlValue[] = []): void {
  db.prepare(sql).run(...params);
}

/** The index file exists but is not a database, or a damaged one (a bad cache restore, a full disk). */
export class IndexCorruptError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`${file} is damaged (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'IndexCorruptError';
  }
}

function connect(file: string): Database {
  const db = openSqlite(file);
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

/**
 * Opens runs.sqlite (an empty in-memory index when `file` is null or does not
 * exist, unless `create`), migrated to the current schema. A file this
 * process may not write is read through a private copy. Rejects with
 * IndexCorruptError for a file that is not a sound database.
 */
export function openDatabaseSync(file: string | null, opts: { create?: boolean } = {}): Database {
  if (!file || (!opts.create && !(existsSync(file) && statSync(file).size > 0))) {
    const db = connect(':memory:');
    migrate(db);
    return db;
  }
  let db = connect(file);
  try {
    if (userVersion(db) !== SCHEMA_VERSION) {
      try {
        migrate(db);
      } catch (err) {
        if (!/readonly|read-only|unable to open/i.test(String((err as Error).message))) throw err;
        db.close();
        db = connect(privateCopy(file));
        migrate(db);
      }
    }
    // Reads the schema: a file that is not a database fails here rather than in the caller's query.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (err) {
    db.close();
    if (isCorruptionError(err)) throw new IndexCorruptError(file, err);
    throw err;
  }
}

export async function openDatabase(file: string | null, opts: { create?: boolean } = {}): Promise<Database> {
  return openDatabaseSync(file, opts);
}

function privateCopy(file: string): string {
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'fb-index-')), path.basename(file));
  copyFileSync(file, copy);
  return copy;
}

/** SQLite's own check of the whole file: null when sound, else what is wrong. */
export function integrityProblem(db: Database): string | null {
  try {
    const rows = db.prepare('PRAGMA quick_check').all() as Row[];
    const first = String(rows[0]?.quick_check ?? '');
    return first === 'ok' ? null : first || 'quick_check failed';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Writes a run's row and its checks; free text (error messages, explanations) is redacted here too. */
export function insertRun(db: Database, result: RunResult, runDir: string): void {
  execute(
    db,
    `INSERT OR REPLACE INTO runs (run_id, task_id, model, suite_run_id, epoch, status, score, passed, kill_reason, stop_reason,
       error_kind, error_message, input_tokens, cached_input_tokens, output_tokens, total_tokens, cost_usd, turns, tool_calls,
       wall_seconds, started_at, finished_at, run_dir, difficulty, domain, agent, agent_name, agent_hash)
     VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    [
      result.run_id,
      result.task_id,
      result.model,
      result.suite_run_id,
      result.epoch,
      result.status,
      result.score,
      result.passed ? 1 : 0,
      result.kill_reason,
      result.stop_reason,
      result.error?.kind ?? null,
      result.error ? redact(result.error.message) : null,
      result.tokens.input,
      result.tokens.cached_input,
      result.tokens.output,
      result.tokens.total,
      result.cost_usd,
      result.turns,
      result.tool_calls,
      result.timings.total_s,
      result.started_at,
      result.finished_at,
      runDir,
      result.task.difficulty,
      result.task.domain,
      result.agent ? describeAgent(result.agent) : null,
      result.agent?.name ?? null,
      result.agent?.hash ?? null,
    ],
  );
  execute(db, 'DELETE FROM check_results WHERE run_id = ?', [result.run_id]);
  for (const c of result.checks) {
    execute(
      db,
      'INSERT INTO check_results (run_id, name, type, tier, weight, gating, status, score, explanation) VALUES (?,?,?,?,?,?,?,?,?)',
      [
        result.run_id,
        c.name,
        c.type,
        c.tier,
        c.weight,
        c.gating ? 1 : 0,
        c.status,
        c.score,
        redact(c.explanation),
      ],
    );
  }
}
