import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadSqlJs,
  MIGRATIONS,
  newRunId,
  openDatabase,
  queryAll,
  readIndex,
  SCHEMA_VERSION,
  updateIndex,
} from '../../src/runs/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();

describe('runs.sqlite', () => {
  it('creates the schema and records its version', async () => {
    const db = await openDatabase(null);
    const tables = queryAll(db, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").map(
      (r) => r.name,
    );
    expect(tables).toEqual(['check_results', 'runs', 'suite_runs']);
    expect(db.exec('PRAGMA user_version')[0]?.values[0]?.[0]).toBe(SCHEMA_VERSION);
  });

  it('opens a database written at an older schema version and migrates it forward', async () => {
    const SQL = await loadSqlJs();
    const old = new SQL.Database();
    old.exec('PRAGMA user_version = 0');
    const file = path.join(dir, 'old.sqlite');
    writeFileSync(file, old.export());
    const versions = await readIndex(file, (db) => db.exec('PRAGMA user_version')[0]?.values[0]?.[0]);
    expect(versions).toBe(MIGRATIONS.length);
  });

  it('refuses a database from a newer version with a clear message', async () => {
    const SQL = await loadSqlJs();
    const newer = new SQL.Database();
    newer.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
    const file = path.join(dir, 'newer.sqlite');
    writeFileSync(file, newer.export());
    await expect(openDatabase(file)).rejects.toThrow(/newer than this factory-bench understands/);
  });

  it('serializes concurrent updates without losing rows', async () => {
    const file = path.join(dir, 'concurrent.sqlite');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateIndex(file, (db) =>
          db.run(
            "INSERT INTO suite_runs (suite_run_id, suite_id, model, status, started_at) VALUES (?, 's', 'm', 'done', '2026')",
            [`id${i}`],
          ),
        ),
      ),
    );
    const count = await readIndex(file, (db) => queryAll(db, 'SELECT COUNT(*) AS n FROM suite_runs')[0]?.n);
    expect(count).toBe(20);
  });

  it('makes run ids in the documented shape', () => {
    const id = newRunId('pandas_transform', 'openai/gpt-4o-mini', new Date('2026-05-13T20:40:21.500Z'));
    expect(id).toMatch(/^2026-05-13T20-40-21Z__pandas_transform__openai_gpt-4o-mini__[0-9a-f]{4}$/);
  });
});
