import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { tryLockSync, withFileLock } from '../sandbox/index.js';
import {
  type Database,
  IndexCorruptError,
  insertRun,
  integrityProblem,
  openDatabaseSync,
} from './index-db.js';
import { clearPending, markPending, orphanedMarkers, type PendingMarker } from './pending.js';
import { type SuiteRunRecord, upsertSuiteRun } from './queries.js';
import { rebuildIndexLocked } from './rebuild.js';
import type { RunResult } from './result.js';
import { RunDirectory } from './run-dir.js';
import { isCorruptionError } from './sqlite.js';

/** How long index writes wait to be saved together (FACTORY_BENCH_INDEX_SAVE_DELAY_MS overrides it). */
const DEFAULT_SAVE_DELAY_MS = 1000;
/** A lock on runs.sqlite not refreshed this long was left by a process that cannot be asked (another host). */
export const INDEX_LOCK_STALE_MS = 30_000;

function saveDelayMs(): number {
  const v = Number(process.env.FACTORY_BENCH_INDEX_SAVE_DELAY_MS);
  return Number.isFinite(v) && v >= 0 ? v : DEFAULT_SAVE_DELAY_MS;
}

let warn = (message: string): void => {
  process.stderr.write(`factory-bench: warning: ${message}\n`);
};

/** Where index problems that no caller waits for (a failed background save) are told. Returns the undo. */
export function setIndexWarningHandler(handler: (message: string) => void): () => void {
  const previous = warn;
  warn = handler;
  return () => {
    warn = previous;
  };
}

export function indexLockPath(file: string): string {
  return `${file}.lock`;
}

/** Runs `fn` holding the lock every writer of runs.sqlite takes. */
export function withIndexLock<T>(file: string, fn: () => Promise<T> | T): Promise<T> {
  let told = false;
  return withFileLock(indexLockPath(file), fn, {
    staleMs: INDEX_LOCK_STALE_MS,
    pollMs: 50,
    onWait: (holder) => {
      if (told || !holder || holder.pid === process.pid) return;
      told = true;
      warn(`waiting for ${indexLockPath(file)} (held by process ${holder.pid} on ${holder.host})`);
    },
  });
}

type Op =
  | { kind: 'run'; id: string; result: RunResult; runDir: string }
  | { kind: 'suite_run'; id: string; record: SuiteRunRecord };

/** Time this process spent on index writes (benchmarks read it). */
export interface IndexStats {
  ms: number;
  saves: number;
  rows: number;
}

/**
 * The one open runs.sqlite of a process that records runs: rows wait in
 * memory (each with a marker on disk) and are saved together in one
 * transaction, under the lock, a moment after the first of them, when a
 * caller flushes (the end of a suite or command) and at exit. A save writes
 * only the pages its rows change, so its cost does not grow with history.
 */
export class IndexWriter {
  readonly runsRoot: string;
  readonly stats: IndexStats = { ms: 0, saves: 0, rows: 0 };
  private db: Database | null = null;
  private ino = -1;
  private readonly ops = new Map<string, Op>();
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private next: Promise<void> | null = null;

  constructor(readonly file: string) {
    this.runsRoot = path.dirname(file);
  }

  get pending(): number {
    return this.ops.size;
  }

  addRun(result: RunResult, runDir: string): void {
    this.add({ kind: 'run', id: result.run_id, result, runDir }, runDir);
  }

  /** `recordFile` holds the same record on disk (the suite run's suite-run.json). */
  addSuiteRun(record: SuiteRunRecord, recordFile: string): void {
    this.add({ kind: 'suite_run', id: record.suite_run_id, record }, recordFile);
  }

  private add(op: Op, file: string): void {
    const t0 = performance.now();
    markPending(this.runsRoot, { id: op.id, kind: op.kind, path: file });
    this.ops.set(`${op.kind}:${op.id}`, op);
    this.stats.ms += performance.now() - t0;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((err: Error) =>
        warn(`could not save ${this.file} (${err.message}); the runs are indexed by the next command`),
      );
    }, saveDelayMs());
  }

  /** Saves what waits (and what dead processes left), after any save in progress; concurrent calls share one save. */
  flush(): Promise<void> {
    if (this.next) return this.next;
    const next = this.saving.then(() => {
      this.next = null;
      return this.save();
    });
    this.next = next;
    this.saving = next.catch(() => undefined);
    return next;
  }

  private async save(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.ops.values()];
    this.ops.clear();
    const t0 = performance.now();
    try {
      const left = await withIndexLock(this.file, () => this.commit(batch));
      clearPending(
        this.runsRoot,
        [...batch, ...left].map((o) => o.id),
      );
      this.stats.saves++;
      this.stats.rows += batch.length;
    } catch (err) {
      // Kept for the next save unless a newer write of the same row came meanwhile.
      for (const op of batch) {
        const key = `${op.kind}:${op.id}`;
        if (!this.ops.has(key)) this.ops.set(key, op);
      }
      throw err;
    } finally {
      this.stats.ms += performance.now() - t0;
    }
  }

  /** One transaction: this batch and whatever dead processes left pending. Returns those markers. */
  private commit(batch: Op[]): PendingMarker[] {
    const orphans = orphanedMarkers(this.runsRoot);
    const write = (db: Database): void => {
      for (const m of orphans) applyMarker(db, m);
      for (const op of batch) {
        if (op.kind === 'run') insertRun(db, op.result, op.runDir);
        else upsertSuiteRun(db, op.record);
      }
    };
    try {
      this.transaction(write);
    } catch (err) {
      if (!isCorruptionError(err)) throw err;
      // A bad page met while writing: rebuild from the folders (this batch's result.json files are written) and retry.
      this.close();
      rebuildIndexLocked(this.file, { reason: (err as Error).message, warn });
      this.transaction(write);
    }
    return orphans;
  }

  /** The open database, opened again when the file was replaced (rebuilt) or removed since. */
  private open(): Database {
    let ino = -1;
    try {
      ino = statSync(this.file).ino;
    } catch {}
    if (this.db && ino === this.ino) return this.db;
    this.close();
    this.db = openNow(this.file);
    this.ino = statSync(this.file).ino;
    return this.db;
  }

  /** The open database, for work that manages its own transactions (the caller holds the lock). */
  database(): Database {
    return this.open();
  }

  /** Runs `fn` in one transaction on the open database (the caller holds the lock). */
  transaction<T>(fn: (db: Database) => T): T {
    const db = this.open();
    db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn(db);
      db.exec('COMMIT');
      return out;
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Saves what waits if the lock is free right now (at exit, when nothing can wait). */
  saveNowIfFree(): void {
    if (this.ops.size === 0) return;
    const release = tryLockSync(indexLockPath(this.file), { staleMs: INDEX_LOCK_STALE_MS });
    if (!release) return;
    try {
      const batch = [...this.ops.values()];
      this.commit(batch);
      this.ops.clear();
      clearPending(
        this.runsRoot,
        batch.map((o) => o.id),
      );
    } catch {
      // The markers stay: the next command indexes these runs.
    } finally {
      release();
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.db?.close();
    this.db = null;
    this.ino = -1;
  }
}

/** Opens (creating) the index for writing, under the lock; a damaged file is rebuilt from the run folders. */
function openNow(file: string): Database {
  try {
    return openDatabaseSync(file, { create: true });
  } catch (err) {
    if (!(err instanceof IndexCorruptError)) throw err;
    rebuildIndexLocked(file, { reason: err.message, warn });
    return openDatabaseSync(file, { create: true });
  }
}

/** Indexes what a dead process left pending: its result.json, or its suite run's record file. */
function applyMarker(db: Database, m: PendingMarker): void {
  try {
    if (m.kind === 'run') {
      const result = new RunDirectory(path.dirname(m.path), path.basename(m.path)).readResult();
      if (result) insertRun(db, result, m.path);
    } else {
      upsertSuiteRun(db, JSON.parse(readFileSync(m.path, 'utf8')) as SuiteRunRecord);
    }
  } catch {
    // A run folder that is gone or unreadable: `runs reindex` is the way back.
  }
}

const writers = new Map<string, IndexWriter>();
let exitHooked = false;

/** This process's writer for an index file. */
export function indexWriterFor(file: string): IndexWriter {
  const key = path.resolve(file);
  let w = writers.get(key);
  if (!w) {
    w = new IndexWriter(key);
    writers.set(key, w);
    if (!exitHooked) {
      exitHooked = true;
      process.once('exit', () => {
        for (const writer of writers.values()) writer.saveNowIfFree();
      });
    }
  }
  return w;
}

/** Saves this process's waiting writes to `file` (nothing to do when there are none). */
export async function flushIndex(file: string): Promise<void> {
  const w = writers.get(path.resolve(file));
  if (w && w.pending > 0) await w.flush();
}

/** Saves every index this process writes to. */
export async function flushAllIndexes(): Promise<void> {
  await Promise.all([...writers.values()].map((w) => (w.pending > 0 ? w.flush() : undefined)));
}

/** Indexes the runs dead processes left pending (the next command after a crash does this). */
export async function indexOrphanedRuns(file: string): Promise<number> {
  const orphans = orphanedMarkers(path.dirname(path.resolve(file)));
  if (orphans.length === 0) return 0;
  await indexWriterFor(file).flush();
  return orphans.length;
}

/** Time spent on index writes by this process, over all its writers. */
export function indexStats(): IndexStats {
  const total: IndexStats = { ms: 0, saves: 0, rows: 0 };
  for (const w of writers.values()) {
    total.ms += w.stats.ms;
    total.saves += w.stats.saves;
    total.rows += w.stats.rows;
  }
  return total;
}

/**
 * Opens runs.sqlite for reading, after this process's waiting writes are
 * saved and runs that dead processes left pending are indexed. A damaged
 * file is rebuilt from the run folders (with a warning), not fatal.
 */
export async function readIndex<T>(file: string, fn: (db: Database) => T | Promise<T>): Promise<T> {
  await flushIndex(file);
  await indexOrphanedRuns(file).catch((err: Error) =>
    warn(`could not index the runs left pending in ${path.dirname(file)}: ${err.message}`),
  );
  for (let attempt = 0; ; attempt++) {
    let db: Database | null = null;
    try {
      db = openDatabaseSync(file);
      return await fn(db);
    } catch (err) {
      // A damaged file (found on open, or by a query that reaches a bad page) is rebuilt once.
      if (attempt > 0 || !(err instanceof IndexCorruptError || isCorruptionError(err))) throw err;
      db?.close();
      db = null;
      const reason = err instanceof Error ? err.message : String(err);
      await withIndexLock(file, () => {
        indexWriterFor(file).close();
        rebuildIndexLocked(file, { reason, warn });
      });
    } finally {
      db?.close();
    }
  }
}

/** Applies `fn` in one transaction now, under the lock (after this process's waiting writes). */
export async function updateIndex<T>(file: string, fn: (db: Database) => T): Promise<T> {
  await flushIndex(file);
  const w = indexWriterFor(file);
  return withIndexLock(file, () => w.transaction(fn));
}

/** `factory-bench runs reindex`: rebuilds runs.sqlite from the run folders, under the lock. */
export async function reindex(file: string, opts: { warn?: (message: string) => void } = {}) {
  await flushIndex(file);
  const w = indexWriterFor(file);
  return withIndexLock(file, () => {
    w.close();
    return rebuildIndexLocked(file, { warn: opts.warn ?? warn });
  });
}

/**
 * Checks a runs.sqlite that came from elsewhere (the Actions cache) page by
 * page; a damaged one is moved aside and rebuilt from the run folders here.
 * Returns what was wrong, or null when it was sound (or absent).
 */
export async function ensureSoundIndex(file: string, onRebuilt: (message: string) => void = warn) {
  if (!existsSync(file)) return null;
  let problem: string | null;
  try {
    const db = openDatabaseSync(file);
    try {
      problem = integrityProblem(db);
    } finally {
      db.close();
    }
  } catch (err) {
    if (!(err instanceof IndexCorruptError || isCorruptionError(err))) throw err;
    problem = (err as Error).message;
  }
  if (!problem) return null;
  const reason = problem;
  await withIndexLock(file, () => {
    indexWriterFor(file).close();
    rebuildIndexLocked(file, { reason, warn: onRebuilt });
  });
  return reason;
}

/** True when there is an index to read: the file, or rows waiting to be saved (here or left by a dead process). */
export function indexExists(file: string): boolean {
  if (existsSync(file)) return true;
  if ((writers.get(path.resolve(file))?.pending ?? 0) > 0) return true;
  return orphanedMarkers(path.dirname(path.resolve(file))).length > 0;
}
