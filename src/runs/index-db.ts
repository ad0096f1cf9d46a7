import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Database, SqlValue } from 'sql.js';
import { redact } from './redact.js';
import { describeAgent, type RunResult } from './result.js';
import { loadSqlJs } from './sqljs.js';

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
];

export const SCHEMA_VERSION = MIGRATIONS.length;

function userVersion(db: Database): number {
  const r = db.exec('PRAGMA user_version');
  return Number(r[0]?.values[0]?.[0] ?? 0);
}

export function migrate(db: Database): void {
  const from = userVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new Error(
      `runs.sqlite has schema version ${from}, newer than this factory-bench understands (${SCHEMA_VERSION}); upgrade factory-bench`,
    );
  }
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.exec('BEGIN');
    db.exec(MIGRATIONS[v] as string);
    db.exec(`PRAGMA user_version = ${v + 1}`);
    db.exec('COMMIT');
  }
}

export type Row = Record<string, SqlValue>;

export function queryAll(db: Database, sql: string, params: SqlValue[] = []): Row[] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const rows: Row[] = [];
    while (stmt.step()) rows.push(stmt.getAsObject() as Row);
    return rows;
  } finally {
    stmt.free();
  }
}

export async function openDatabase(file: string | null): Promise<Database> {
  const SQL = await loadSqlJs();
  const db =
    file && existsSync(file) && statSync(file).size > 0
      ? new SQL.Database(readFileSync(file))
      : new SQL.Database();
  migrate(db);
  return db;
}

function saveDatabase(db: Database, file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, db.export());
  renameSync(tmp, file);
}

/** A lock file next to the database so that separate processes do not lose each other's writes. */
async function withFileLock<T>(file: string, fn: () => Promise<T> | T): Promise<T> {
  const lock = `${file}.lock`;
  mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock older than a minute was left by a killed process.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60_000) unlinkSync(lock);
      } catch {}
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${lock}; remove it if no factory-bench is running`);
      await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {}
  }
}

let chain: Promise<unknown> = Promise.resolve();

/** Opens the index, applies `fn` and saves it, serialized within this process and across processes. */
export function updateIndex<T>(file: string, fn: (db: Database) => T): Promise<T> {
  const next = chain.then(() =>
    withFileLock(file, async () => {
      const db = await openDatabase(file);
      try {
        const out = fn(db);
        saveDatabase(db, file);
        return out;
      } finally {
        db.close();
      }
    }),
  );
  chain = next.catch(() => undefined);
  return next;
}

/** Opens the index read-only (nothing is saved). */
export async function readIndex<T>(file: string, fn: (db: Database) => T): Promise<T> {
  const db = await openDatabase(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Writes a run's row and its checks; free text (error messages, explanations) is redacted here too. */
export function insertRun(db: Database, result: RunResult, runDir: string): void {
  db.run(
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
  db.run('DELETE FROM check_results WHERE run_id = ?', [result.run_id]);
  for (const c of result.checks) {
    db.run(
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
