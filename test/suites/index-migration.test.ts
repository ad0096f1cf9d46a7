import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import {
  findLatestSuiteRun,
  listRuns,
  MIGRATIONS,
  queryAll,
  readIndex,
  SCHEMA_VERSION,
  updateIndex,
  upsertSuiteRun,
  userVersion,
} from '../../src/runs/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('fb-migrate-');

describe('runs.sqlite written by an older schema', () => {
  it('opens a version-1 database, keeps its rows, and adds the suite columns', async () => {
    const file = path.join(dir, 'v1.sqlite');
    const old = new DatabaseSync(file);
    old.exec(MIGRATIONS[0] as string);
    old.exec('PRAGMA user_version = 1');
    old.exec(
      `INSERT INTO suite_runs (suite_run_id, suite_id, model, status, started_at, total, passed, avg_score, branch)
       VALUES ('s-old', 'm2_core', 'oracle', 'completed', '2026-01-01T00:00:00Z', 3, 2, 0.66, 'main')`,
    );
    old.exec(
      `INSERT INTO runs (run_id, task_id, model, suite_run_id, epoch, status, score, passed, started_at, total_tokens, cost_usd, wall_seconds)
       VALUES ('r-old', 'pandas_transform', 'oracle', 's-old', 0, 'completed', 1, 1, '2026-01-01T00:00:01Z', 10, 0, 5)`,
    );
    old.close();

    const seen = await readIndex(file, (db) => ({
      version: userVersion(db),
      columns: queryAll(db, 'PRAGMA table_info(suite_runs)').map((c) => c.name),
      latest: findLatestSuiteRun(db, { suiteId: 'm2_core', branch: 'main' }),
      runs: listRuns(db, { suite: 'm2_core' }),
    }));
    expect(seen.version).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
    expect(seen.columns).toEqual(
      expect.arrayContaining(['epochs', 'config_json', 'environment_errors', 'suite_file']),
    );
    expect(seen.latest).toMatchObject({ suite_run_id: 's-old', passed: 2, epochs: null, config_json: null });
    expect(seen.runs.map((r) => r.run_id)).toEqual(['r-old']);

    // The migrated file takes new rows and keeps the old ones.
    await updateIndex(file, (db) =>
      upsertSuiteRun(db, {
        ...(seen.latest as NonNullable<typeof seen.latest>),
        suite_run_id: 's-new',
        started_at: '2026-02-01T00:00:00Z',
        epochs: 3,
      }),
    );
    const after = await readIndex(file, (db) => ({
      latest: findLatestSuiteRun(db, { suiteId: 'm2_core', branch: 'main' }),
      count: queryAll(db, 'SELECT COUNT(*) AS n FROM suite_runs')[0]?.n,
    }));
    expect(after.latest).toMatchObject({ suite_run_id: 's-new', epochs: 3 });
    expect(after.count).toBe(2);
  });

  it('finds the latest completed suite run by branch, label and model, skipping running ones and the head', async () => {
    const file = path.join(dir, 'latest.sqlite');
    const base = {
      suite_id: 'demo',
      model: 'm',
      status: 'completed',
      finished_at: null,
      total: 1,
      passed: 1,
      avg_score: 1,
      cost_usd: 0,
      commit_sha: null,
      label: null as string | null,
      report_path: null,
      summary_json: null,
      epochs: 1,
      concurrency: 1,
      total_tokens: 0,
      wall_seconds: 1,
      environment_errors: 0,
      suite_file: null,
      config_json: null,
    };
    await updateIndex(file, (db) => {
      upsertSuiteRun(db, { ...base, suite_run_id: 'a', started_at: '2026-01-01', branch: 'main' });
      upsertSuiteRun(db, {
        ...base,
        suite_run_id: 'b',
        started_at: '2026-01-02',
        branch: 'main',
        label: 'nightly',
      });
      upsertSuiteRun(db, {
        ...base,
        suite_run_id: 'c',
        started_at: '2026-01-03',
        branch: 'main',
        status: 'running',
      });
      upsertSuiteRun(db, {
        ...base,
        suite_run_id: 'd',
        started_at: '2026-01-04',
        branch: 'main',
        model: 'other',
      });
      upsertSuiteRun(db, { ...base, suite_run_id: 'e', started_at: '2026-01-05', branch: 'pr' });
    });
    const q = await readIndex(file, (db) => ({
      main: findLatestSuiteRun(db, { suiteId: 'demo', branch: 'main', model: 'm' })?.suite_run_id,
      anyModel: findLatestSuiteRun(db, { suiteId: 'demo', branch: 'main' })?.suite_run_id,
      label: findLatestSuiteRun(db, { suiteId: 'demo', label: 'nightly' })?.suite_run_id,
      notHead: findLatestSuiteRun(db, { suiteId: 'demo', excludeSuiteRunId: 'e' })?.suite_run_id,
      none: findLatestSuiteRun(db, { suiteId: 'demo', branch: 'release' }),
    }));
    expect(q).toEqual({ main: 'b', anyModel: 'd', label: 'b', notHead: 'd', none: null });
  });
});
