import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { slug, timestampSlug } from './ids.js';
import {
  type Database,
  IndexCorruptError,
  insertRun,
  integrityProblem,
  openDatabaseSync,
} from './index-db.js';
import { PENDING_DIR } from './pending.js';
import { upsertSuiteRun } from './queries.js';
import type { RunResult } from './result.js';
import { RunDirectory } from './run-dir.js';
import { suiteRunRecordFromFolder } from './suite-record.js';

export interface ReindexOutcome {
  file: string;
  /** Run folders whose result.json was indexed. */
  runs: number;
  /** Suite run folders whose summary was indexed. */
  suiteRuns: number;
  /** Folders whose result.json or summary.json could not be read, with why. */
  unreadable: Array<{ folder: string; problem: string }>;
  /** Where a damaged index was moved before it was rebuilt (null: it was sound, or there was none). */
  damagedCopy: string | null;
  /** Rows of runs and suite runs without a folder here (history from elsewhere, such as the CI cache), kept. */
  keptWithoutFolder: { runs: number; suiteRuns: number };
}

/**
 * Rebuilds runs.sqlite from the run folders beside it (result.json and a
 * suite run's summary.json are the truth): every folder's row is written
 * again. A sound index keeps its rows that have no folder here; a damaged one
 * is moved aside (`runs.sqlite.damaged-<time>`) and the index starts afresh.
 * The caller holds the index lock.
 */
export function rebuildIndexLocked(
  file: string,
  opts: { reason?: string; warn?: (message: string) => void } = {},
): ReindexOutcome {
  const runsRoot = path.dirname(file);
  let damagedCopy: string | null = null;
  let db: Database | null = null;
  if (existsSync(file)) {
    try {
      db = openDatabaseSync(file, { create: true });
      const problem = integrityProblem(db);
      if (problem) throw new IndexCorruptError(file, problem);
    } catch (err) {
      if (!(err instanceof IndexCorruptError)) throw err;
      db?.close();
      db = null;
      damagedCopy = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(file, damagedCopy);
      rmSync(`${file}-journal`, { force: true });
      opts.warn?.(
        `${file} was damaged (${opts.reason ?? err.message}); moved it to ${damagedCopy} and rebuilt the index from the run folders`,
      );
    }
  }
  db ??= openDatabaseSync(file, { create: true });
  try {
    const outcome: ReindexOutcome = {
      file,
      runs: 0,
      suiteRuns: 0,
      unreadable: [],
      damagedCopy,
      keptWithoutFolder: { runs: 0, suiteRuns: 0 },
    };
    const folders = new Set<string>();
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const name of runFolderNames(runsRoot)) {
        const dir = path.join(runsRoot, name);
        try {
          const result = new RunDirectory(runsRoot, name).readResult();
          if (result) {
            insertRun(db, result, dir);
            outcome.runs++;
            folders.add(result.run_id);
            continue;
          }
          const record = suiteRunRecordFromFolder(dir);
          if (record) {
            upsertSuiteRun(db, record);
            outcome.suiteRuns++;
            folders.add(record.suite_run_id);
          }
        } catch (err) {
          outcome.unreadable.push({ folder: dir, problem: (err as Error).message.split('\n')[0] ?? '' });
        }
      }
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
    outcome.keptWithoutFolder = {
      runs: countWithout(db, 'runs', 'run_id', folders),
      suiteRuns: countWithout(db, 'suite_runs', 'suite_run_id', folders),
    };
    // Whatever was pending is in now.
    rmSync(path.join(runsRoot, PENDING_DIR), { recursive: true, force: true });
    return outcome;
  } finally {
    db.close();
  }
}

/** Folders directly under the runs folder (hidden ones, such as the judge cache, are not runs). */
function runFolderNames(runsRoot: string): string[] {
  if (!existsSync(runsRoot)) return [];
  return readdirSync(runsRoot)
    .filter((n) => !n.startsWith('.'))
    .filter((n) => {
      try {
        return statSync(path.join(runsRoot, n)).isDirectory();
      } catch {
        return false;
      }
    })
    .sort();
}

function countWithout(db: Database, table: string, column: string, ids: Set<string>): number {
  let n = 0;
  for (const row of db.prepare(`SELECT ${column} AS id FROM ${table}`).iterate())
    if (!ids.has(String((row as { id: unknown }).id))) n++;
  return n;
}

/**
 * The recorded results of a suite run's runs, from their folders (the truth,
 * whatever the index holds): run folders are named
 * `<time>__<task>__<model>__<hex>`, so only the suite's tasks started since
 * the suite run began are read.
 */
export function suiteRunResultsFromFolders(
  runsRoot: string,
  suiteRunId: string,
  taskIds: string[],
  startedAt: string,
): Array<{ result: RunResult; runDir: string }> {
  const since = timestampSlug(new Date(Date.parse(startedAt) - 1000));
  const tasks = taskIds.map((t) => `__${slug(t)}__`);
  const out: Array<{ result: RunResult; runDir: string }> = [];
  for (const name of runFolderNames(runsRoot)) {
    if (name < since || !tasks.some((t) => name.includes(t))) continue;
    try {
      const result = new RunDirectory(runsRoot, name).readResult();
      if (result?.suite_run_id === suiteRunId) out.push({ result, runDir: path.join(runsRoot, name) });
    } catch {
      // Unreadable: not a finished run.
    }
  }
  return out;
}
