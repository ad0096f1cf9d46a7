import { createRequire } from 'node:module';
import type { DatabaseSync, DatabaseSyncOptions } from 'node:sqlite';

/** runs.sqlite through Node's built-in SQLite: writes touch only the pages they change. */
export type Database = DatabaseSync;
export type SqlValue = null | number | bigint | string | Uint8Array;
export type Row = Record<string, SqlValue>;

let sqlite: typeof import('node:sqlite') | null = null;

/**
 * Loads node:sqlite on first use, so that commands which never touch the
 * index start on any Node.js, and the rest say what they need.
 */
export function openSqlite(file: string, options: DatabaseSyncOptions = {}): DatabaseSync {
  if (!sqlite) {
    try {
      sqlite = withoutSqliteWarning(
        () => createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite'),
      );
    } catch {
      throw new Error(
        `the runs index needs Node.js 22.13 or newer (node:sqlite); this is Node.js ${process.versions.node}`,
      );
    }
  }
  return new sqlite.DatabaseSync(file, options);
}

/**
 * Node 22 (22.13 and later) prints "ExperimentalWarning: SQLite is an experimental feature" the
 * first time node:sqlite loads; Node 24 does not. The index is an internal detail the user did not
 * opt into, so that one warning is dropped while the module loads; every other warning passes.
 */
export function withoutSqliteWarning<T>(load: () => T): T {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const name = warning instanceof Error ? warning.name : type;
    if (
      name === 'ExperimentalWarning' &&
      /SQLite/i.test(String(warning instanceof Error ? warning.message : warning))
    )
      return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emit;
  }
}

/** SQLite's own error codes, as node:sqlite reports them. */
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

/** True when an error says the file is not a database, or a damaged one. */
export function isCorruptionError(err: unknown): boolean {
  const code = (err as { errcode?: number } | null)?.errcode;
  if (code !== undefined) return (code & 0xff) === SQLITE_CORRUPT || (code & 0xff) === SQLITE_NOTADB;
  return /file is not a database|database disk image is malformed/.test(String((err as Error)?.message));
}
