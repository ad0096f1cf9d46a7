import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import {
  execute,
  MIGRATIONS,
  newRunId,
  openDatabase,
  queryAll,
  readIndex,
  SCHEMA_VERSION,
  updateIndex,
  userVersion,
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
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
  });

  it('opens a database written at an older schema version and migrates it forward', async () => {
    const file = path.join(dir, 'old.sqlite');
    const old = new DatabaseSync(file);
    old.exec('CREATE TABLE unrelated (x); PRAGMA user_version = 0');
    old.close();
    const versions = await readIndex(file, (db) => userVersion(db));
    expect(versions).toBe(MIGRATIONS.length);
  });

  it('refuses a database from a newer version with a clear message', async () => {
    const file = path.join(dir, 'newer.sqlite');
    const newer = new DatabaseSync(file);
    newer.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
    newer.close();
    await expect(openDatabase(file)).rejects.toThrow(/newer than this factory-bench understands/);
  });

  it('serializes concurrent updates without losing rows', async () => {
    const file = path.join(dir, 'concurrent.sqlite');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateIndex(file, (db) =>
          execute(
            db,
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
