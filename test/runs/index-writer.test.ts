import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  blankRunResult,
  flushIndex,
  indexWriterFor,
  listRuns,
  newRunId,
  PENDING_DIR,
  queryAll,
  RunDirectory,
  type RunResult,
  readIndex,
  recordRun,
  reindex,
  setIndexWarningHandler,
} from '../../src/runs/index.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-index-writer-');

const TASK = {
  id: 'demo_task',
  title: 'Demo',
  difficulty: 'easy',
  domain: 'python',
  grader: { pass_threshold: 1 },
};

function result(i: number, extra: Partial<RunResult> = {}): RunResult {
  const started = new Date(Date.UTC(2026, 0, 1, 0, 0, i));
  return blankRunResult(
    { task: TASK, runId: newRunId(TASK.id, 'oracle', started), model: 'oracle', startedAt: started },
    {
      status: 'completed',
      score: 1,
      passed: true,
      error: null,
      stop_reason: 'final_answer',
      sandbox: 'fake',
      ...extra,
    },
  );
}

function countRuns(file: string): Promise<number> {
  return readIndex(file, (db) => Number(queryAll(db, 'SELECT count(*) AS n FROM runs')[0]?.n));
}

function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
      .stdout,
  );
}

describe('the index writer', () => {
  it('saves runs recorded together in one save, each waiting with a marker until then', async () => {
    const runsRoot = path.join(root, 'together');
    const file = path.join(runsRoot, 'runs.sqlite');
    const recorded = await Promise.all(Array.from({ length: 20 }, (_, i) => recordRun(runsRoot, result(i))));
    // Nothing saved yet: every row waits, with a marker on disk that names its folder.
    expect(indexWriterFor(file).pending).toBe(20);
    const markers = readdirSync(path.join(runsRoot, PENDING_DIR));
    expect(markers.sort()).toEqual(recorded.map((r) => `${r.run_id}.json`).sort());
    await flushIndex(file);
    expect(indexWriterFor(file).stats.saves).toBe(1);
    expect(readdirSync(path.join(runsRoot, PENDING_DIR))).toEqual([]);
    expect(await countRuns(file)).toBe(20);
  });

  it('saves on its own a moment after the first write, without being asked', async () => {
    const runsRoot = path.join(root, 'timer');
    const file = path.join(runsRoot, 'runs.sqlite');
    await recordRun(runsRoot, result(1));
    expect(existsSync(file)).toBe(false);
    const deadline = Date.now() + 10_000;
    while (!existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(indexWriterFor(file).pending).toBe(0);
    expect(
      existsSync(
        path.join(runsRoot, PENDING_DIR, `${(await readIndex(file, (db) => listRuns(db)))[0]?.run_id}.json`),
      ),
    ).toBe(false);
  });

  it('indexes, on the next read, the runs a killed process left pending', async () => {
    const runsRoot = path.join(root, 'killed');
    const file = path.join(runsRoot, 'runs.sqlite');
    await recordRun(runsRoot, result(1));
    await flushIndex(file);
    // What a process killed between two saves leaves: result.json on disk and its marker, no row.
    const orphan = result(2);
    new RunDirectory(runsRoot, orphan.run_id).writeResult(orphan);
    mkdirSync(path.join(runsRoot, PENDING_DIR), { recursive: true });
    writeFileSync(
      path.join(runsRoot, PENDING_DIR, `${orphan.run_id}.json`),
      JSON.stringify({
        id: orphan.run_id,
        kind: 'run',
        path: path.join(runsRoot, orphan.run_id),
        pid: deadPid(),
        host: os.hostname(),
      }),
    );
    const ids = await readIndex(file, (db) => listRuns(db).map((r) => r.run_id));
    expect(ids).toContain(orphan.run_id);
    expect(readdirSync(path.join(runsRoot, PENDING_DIR))).toEqual([]);
  });

  it('a runs.sqlite that is not a database is moved aside and rebuilt from the run folders', async () => {
    const runsRoot = path.join(root, 'garbage');
    const file = path.join(runsRoot, 'runs.sqlite');
    for (let i = 0; i < 3; i++) await recordRun(runsRoot, result(i));
    await flushIndex(file);
    indexWriterFor(file).close();
    writeFileSync(file, 'this is not a database, it came from a broken cache restore\n'.repeat(200));
    const warnings: string[] = [];
    const undo = setIndexWarningHandler((m) => warnings.push(m));
    try {
      expect(await countRuns(file)).toBe(3);
    } finally {
      undo();
    }
    expect(warnings.join('\n')).toMatch(
      /was damaged .*moved it to .*runs\.sqlite\.damaged-.* rebuilt the index/,
    );
    expect(readdirSync(runsRoot).some((n) => n.startsWith('runs.sqlite.damaged-'))).toBe(true);
    // The writer opens the rebuilt file and goes on.
    await recordRun(runsRoot, result(9));
    await flushIndex(file);
    expect(await countRuns(file)).toBe(4);
  });

  it('a truncated runs.sqlite (a half-written cache entry) is rebuilt, not fatal', async () => {
    const runsRoot = path.join(root, 'truncated');
    const file = path.join(runsRoot, 'runs.sqlite');
    for (let i = 0; i < 40; i++)
      await recordRun(runsRoot, result(i, { error: { kind: 'x', message: 'padding '.repeat(200) } }));
    await flushIndex(file);
    indexWriterFor(file).close();
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const undo = setIndexWarningHandler(() => {});
    try {
      expect(await countRuns(file)).toBe(40);
    } finally {
      undo();
    }
  });

  it('runs reindex lists every run again after runs.sqlite is deleted, and keeps rows that have no folder here', async () => {
    const runsRoot = path.join(root, 'reindex');
    const file = path.join(runsRoot, 'runs.sqlite');
    for (let i = 0; i < 5; i++) await recordRun(runsRoot, result(i));
    await flushIndex(file);
    indexWriterFor(file).close();
    rmSync(file);
    const outcome = await reindex(file);
    expect(outcome).toMatchObject({ runs: 5, suiteRuns: 0, damagedCopy: null, unreadable: [] });
    expect(await countRuns(file)).toBe(5);
    // A row whose folder is elsewhere (history restored from a cache) is kept.
    const gone = (await readIndex(file, (db) => listRuns(db)))[0]?.run_id as string;
    rmSync(path.join(runsRoot, gone), { recursive: true });
    const again = await reindex(file);
    expect(again).toMatchObject({ runs: 4, keptWithoutFolder: { runs: 1, suiteRuns: 0 } });
    expect(await countRuns(file)).toBe(5);
  });

  it('a lock left by a dead process on this host does not delay a save', async () => {
    const runsRoot = path.join(root, 'dead-lock');
    const file = path.join(runsRoot, 'runs.sqlite');
    mkdirSync(runsRoot, { recursive: true });
    writeFileSync(`${file}.lock`, String(deadPid()));
    await recordRun(runsRoot, result(1));
    const t0 = Date.now();
    await flushIndex(file);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await countRuns(file)).toBe(1);
  });

  it('a lock file nobody holds (touch runs.sqlite.lock) delays a save by at most its stale age', async () => {
    const runsRoot = path.join(root, 'touched-lock');
    const file = path.join(runsRoot, 'runs.sqlite');
    mkdirSync(runsRoot, { recursive: true });
    writeFileSync(`${file}.lock`, '');
    await recordRun(runsRoot, result(1));
    const t0 = Date.now();
    await flushIndex(file);
    const waited = Date.now() - t0;
    expect(waited).toBeLessThan(45_000);
    expect(await countRuns(file)).toBe(1);
  }, 60_000);
});
