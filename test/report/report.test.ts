import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSuiteRun } from '../../bench/synthetic-runs.js';
import {
  clip,
  diffWorkspaces,
  jsonForScript,
  loadRunDetail,
  mermaidHistory,
  suiteHistoryChart,
  writeSuiteReport,
} from '../../src/report/index.js';
import { execute, getSuiteRun, readIndex, registerSecret, updateIndex } from '../../src/runs/index.js';
import { tempDir } from '../helpers/tmp.js';

const PLANTED = 'planted-registered-key-0a1b2c3d4e';

describe('workspace diff', () => {
  it('lists added, removed and modified files with unified diffs; binaries and links are described, never followed', () => {
    const root = tempDir('fb-wsdiff-');
    const seed = path.join(root, 'workspace');
    const final = path.join(root, 'workspace_final');
    for (const d of [seed, final]) mkdirSync(path.join(d, 'pkg'), { recursive: true });
    writeFileSync(path.join(seed, 'pkg/a.py'), 'x = 1\ny = 2\n');
    writeFileSync(path.join(final, 'pkg/a.py'), 'x = 1\ny = 3\n');
    writeFileSync(path.join(seed, 'same.txt'), 'same\n');
    writeFileSync(path.join(final, 'same.txt'), 'same\n');
    writeFileSync(path.join(seed, 'gone.txt'), 'bye\n');
    writeFileSync(path.join(final, 'new.txt'), 'hello\n');
    writeFileSync(path.join(final, 'blob.bin'), Buffer.from([0, 1, 2, 3]));
    symlinkSync('/etc/passwd', path.join(final, 'link'));
    mkdirSync(path.join(final, '__pycache__'));
    writeFileSync(path.join(final, '__pycache__/a.pyc'), Buffer.from([0, 9]));
    const d = diffWorkspaces(seed, final);
    const byPath = new Map(d.files.map((f) => [f.path, f]));
    expect([...byPath.keys()].sort()).toEqual(['blob.bin', 'gone.txt', 'link', 'new.txt', 'pkg/a.py']);
    expect(d.unchanged).toBe(1);
    expect(byPath.get('pkg/a.py')).toMatchObject({ change: 'modified', added: 1, removed: 1 });
    expect(byPath.get('pkg/a.py')?.patch).toContain('-y = 2\n+y = 3');
    expect(byPath.get('gone.txt')).toMatchObject({ change: 'removed', removed: 1 });
    expect(byPath.get('new.txt')?.patch).toContain('+hello');
    expect(byPath.get('blob.bin')).toMatchObject({ patch: null, note: expect.stringContaining('binary') });
    expect(byPath.get('link')?.patch).toContain('symbolic link to /etc/passwd');
    expect(byPath.get('link')?.patch).not.toContain('root:');
  });

  it('says so when the run never got a final workspace', () => {
    const root = tempDir('fb-wsdiff-');
    expect(diffWorkspaces(path.join(root, 'a'), path.join(root, 'b'))).toMatchObject({
      files: [],
      note: expect.stringContaining('no workspace_final'),
    });
  });
});

describe('page data', () => {
  it('clips long texts keeping head and tail, and escapes what could close a script element', () => {
    const long = `${'a'.repeat(100_000)}END`;
    const c = clip(long, 1000);
    expect(c.length).toBeLessThan(1100);
    expect(c.endsWith('END')).toBe(true);
    expect(c).toContain('characters cut here');
    const json = jsonForScript({ s: '</script><script>alert(1)</script>', t: '<!-- x' });
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual({ s: '</script><script>alert(1)</script>', t: '<!-- x' });
  });

  it("a run's detail redacts a registered key wherever the run's files hold it", async () => {
    registerSecret(PLANTED);
    const runs = tempDir('fb-detail-');
    const { summary } = await writeSyntheticSuiteRun({
      runsRoot: runs,
      tasks: 1,
      epochs: 1,
      plantSecret: PLANTED,
    });
    const runId = summary.tasks[0]?.runs[0]?.run_id as string;
    // The synthetic run wrote the key into the raw files, bypassing the writers' redaction.
    expect(readFileSync(path.join(runs, runId, 'transcript.jsonl'), 'utf8')).toContain(PLANTED);
    const detail = loadRunDetail(path.join(runs, runId), runId);
    const text = JSON.stringify(detail);
    expect(text).not.toContain(PLANTED);
    expect(text).toContain('[REDACTED]');
    expect(detail.checks.map((c) => c.name)).toEqual(['module_present', 'tests_pass', 'features_match']);
    expect(detail.workspace.files.some((f) => f.path === 'NOTES.md')).toBe(true);
    expect(detail.transcript.some((e) => e.type === 'model_response')).toBe(true);
  });
});

describe('history', () => {
  const runs = tempDir('fb-history-');
  let head = '';
  beforeAll(async () => {
    for (let i = 0; i < 4; i++)
      await writeSyntheticSuiteRun({
        runsRoot: runs,
        suiteId: 'hist',
        tasks: 3,
        epochs: 1,
        seed: i + 1,
        indexOnly: true,
        commit: `${i}`.repeat(40),
        startedAt: new Date(Date.UTC(2026, 10, 1 + i)),
      });
    // Other branches and other suites are not part of main's history.
    await writeSyntheticSuiteRun({
      runsRoot: runs,
      suiteId: 'hist',
      tasks: 3,
      epochs: 1,
      indexOnly: true,
      branch: 'feature',
      startedAt: new Date(Date.UTC(2026, 10, 6)),
    });
    await writeSyntheticSuiteRun({
      runsRoot: runs,
      suiteId: 'other',
      tasks: 3,
      epochs: 1,
      indexOnly: true,
      startedAt: new Date(Date.UTC(2026, 10, 6)),
    });
    head = (
      await writeSyntheticSuiteRun({
        runsRoot: runs,
        suiteId: 'hist',
        tasks: 3,
        epochs: 1,
        branch: 'feature',
        commit: 'f'.repeat(40),
        startedAt: new Date(Date.UTC(2026, 10, 7)),
      })
    ).suiteRunId;
  });

  it('has one point per recorded run of the suite on the base branch, then the run itself', async () => {
    const chart = await suiteHistoryChart(path.join(runs, 'runs.sqlite'), head, 'main');
    const points = chart?.history.points ?? [];
    expect(points).toHaveLength(5);
    expect(points.map((p) => p.commit_sha?.[0])).toEqual(['0', '1', '2', '3', 'f']);
    expect(points.map((p) => p.current)).toEqual([false, false, false, false, true]);
    expect(points.every((p) => p.pass_rate !== null && p.pass_rate >= 0 && p.pass_rate <= 1)).toBe(true);
    expect(chart?.mermaid).toMatch(/^```mermaid\nxychart-beta\n/);
    expect(chart?.mermaid).toContain('x-axis ["0000000", "1111111", "2222222", "3333333", "this run"]');
    expect(chart?.mermaid).toMatch(/\n {2}bar \[[\d., ]+\]\n {2}line \[[\d., ]+\]\n```$/);
  });

  it('keeps the last N runs for the comment, and has no chart without an earlier run', async () => {
    const chart = await suiteHistoryChart(path.join(runs, 'runs.sqlite'), head, 'main', 2);
    expect(chart?.mermaid).toContain('x-axis ["2222222", "3333333", "this run"]');
    const alone = await suiteHistoryChart(path.join(runs, 'runs.sqlite'), head, 'no-such-branch');
    expect(alone?.history.points).toHaveLength(1);
    expect(alone?.mermaid).toBeNull();
    expect(mermaidHistory({ suite_id: 'x', branch: 'main', points: [] })).toBeNull();
  });

  it('charts from the index columns, so a history whose summaries were pruned still charts', async () => {
    await updateIndex(path.join(runs, 'runs.sqlite'), (db) =>
      execute(db, 'UPDATE suite_runs SET summary_json = NULL WHERE suite_id = ? AND suite_run_id <> ?', [
        'hist',
        head,
      ]),
    );
    const chart = await suiteHistoryChart(path.join(runs, 'runs.sqlite'), head, 'main');
    expect(chart?.history.points).toHaveLength(5);
    const report = await writeSuiteReport({ runsRoot: runs, suiteRunId: head, baseBranch: 'main' });
    expect(readFileSync(report.path, 'utf8')).toContain('"history":{"suite_id":"hist","branch":"main"');
    const record = await readIndex(path.join(runs, 'runs.sqlite'), (db) => getSuiteRun(db, head));
    expect(record?.suite_id).toBe('hist');
  });
});

describe('factory-bench report', () => {
  it("writes a suite run's report.html or a run's run.html again; an unknown id is a one-line error", async () => {
    const { runCli } = await import('../helpers/cli.js');
    const runs = tempDir('fb-report-cli-');
    const { suiteRunId, summary } = await writeSyntheticSuiteRun({ runsRoot: runs, tasks: 2, epochs: 1 });
    const suite = await runCli(['report', suiteRunId, '--runs-dir', runs]);
    expect(suite.code, suite.stderr).toBe(0);
    expect(suite.stdout.trim()).toBe(path.join(runs, suiteRunId, 'report.html'));
    expect(readFileSync(path.join(runs, suiteRunId, 'report.html'), 'utf8')).toContain('<!doctype html>');
    const runId = summary.tasks[0]?.runs[0]?.run_id as string;
    const one = await runCli(['report', runId, '--runs-dir', runs]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout.trim()).toBe(path.join(runs, runId, 'run.html'));
    const unknown = await runCli(['report', 'nope', '--runs-dir', runs]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no suite run or run nope/);
  });
});
