import { describe, expect, it } from 'vitest';
import { pickShardArtifacts } from '../../src/action/artifacts.js';
import { evaluateGate } from '../../src/action/gate.js';
import { readGithubContext } from '../../src/action/github-context.js';
import { cachePath, historyKeys } from '../../src/action/history.js';
import { describeImageCache, imageCacheKey, imageCacheKeys, imagesToCache } from '../../src/action/images.js';
import { InputError, parseInputs } from '../../src/action/inputs.js';
import { COMMENT_LIMIT, cutToFit, renderReport } from '../../src/action/report.js';
import type { SuiteRunView } from '../../src/action/suite-bridge.js';
import type { SuiteSummary } from '../../src/suites/index.js';

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('parseInputs', () => {
  it('applies defaults and resolves paths against the working directory', () => {
    const i = parseInputs(reader({ suite: 'suites/a.yaml', 'working-directory': 'sub' }), '/ws');
    expect(i.suite).toBe('/ws/sub/suites/a.yaml');
    expect(i.workingDirectory).toBe('/ws/sub');
    expect(i.model).toBeNull();
    expect(i.comment).toBe(true);
    expect(i.mode).toBe('run');
    expect(i.artifactName).toBe('factory-bench-runs');
    expect(i.failUnder).toBeNull();
    expect(i.requestTimeoutSeconds).toBeNull();
  });

  it('reads rates as fractions or percentages, shards and booleans', () => {
    const i = parseInputs(
      reader({
        suite: 's.yaml',
        'fail-under': '80%',
        'max-regression': '0.05',
        shard: '2/3',
        comment: 'false',
        epochs: '3',
        'request-timeout': '45',
      }),
      '/ws',
    );
    expect(i.requestTimeoutSeconds).toBe(45);
    expect(i.failUnder).toBeCloseTo(0.8);
    expect(i.maxRegression).toBeCloseTo(0.05);
    expect(i.shard).toEqual({ index: 2, total: 3 });
    expect(i.comment).toBe(false);
    expect(i.epochs).toBe(3);
  });

  it('names every bad input in one error', () => {
    let error: unknown;
    try {
      parseInputs(
        reader({
          'fail-under': '120',
          concurrency: '0',
          shard: '3/2',
          mode: 'merge-all',
          'base-url': 'ftp://x',
          comment: 'maybe',
          'request-timeout': '0',
        }),
        '/ws',
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    const problems = (error as InputError).problems.join('\n');
    for (const name of [
      'suite',
      'fail-under',
      'concurrency',
      'shard',
      'mode',
      'base-url',
      'comment',
      'request-timeout',
    ])
      expect(problems).toContain(`input ${name}:`);
    expect(problems).toContain('got "120"');
  });
});

describe('gate', () => {
  it('fails under fail-under and on a drop larger than max-regression, saying which', () => {
    const low = evaluateGate({ passRate: 0.5, failUnder: 0.8, baselinePassRate: null, maxRegression: 0.1 });
    expect(low.verdict).toBe('failed');
    expect(low.failures).toEqual(['pass rate 50% is under fail-under 80%']);
    expect(low.checks.join()).toContain('no baseline');
    const drop = evaluateGate({ passRate: 0.7, failUnder: null, baselinePassRate: 0.9, maxRegression: 0.1 });
    expect(drop.verdict).toBe('failed');
    expect(drop.failures[0]).toContain('max-regression 10%');
    expect(
      evaluateGate({ passRate: 0.8, failUnder: 0.8, baselinePassRate: 0.9, maxRegression: 0.1 }).verdict,
    ).toBe('passed');
  });
});

describe('shards', () => {
  it('the merge picks the newest attempt of each shard of this suite', () => {
    const picked = pickShardArtifacts(
      [
        { name: 'fb-core-9-1-shard-1of2', id: 1 },
        { name: 'fb-core-9-1-shard-2of2', id: 2 },
        { name: 'fb-core-9-2-shard-2of2', id: 3 },
        { name: 'fb-other-9-1-shard-1of2', id: 4 },
      ],
      'fb-core-9',
    );
    expect(picked.map((p) => p.id)).toEqual([1, 3]);
  });
});

describe('history keys', () => {
  it('save under a key unique per run and attempt, restore by the suite prefix, with a workspace-relative path', () => {
    const ctx = readGithubContext({ GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2', GITHUB_WORKSPACE: '/ws' });
    const keys = historyKeys('fb', 'core', ctx);
    expect(keys).toEqual({ restorePrefix: 'fb-core-', saveKey: 'fb-core-42-2' });
    expect(cachePath('/ws/runs/runs.sqlite', '/ws')).toBe('runs/runs.sqlite');
  });
});

describe('image cache', () => {
  it('keys an archive by its image tags (context hashes), per suite and shard, restored by prefix', () => {
    const keys = imageCacheKeys('fb', 'ML Core', { index: 2, total: 3 });
    expect(keys.restorePrefix).toBe('fb-images-ML_Core-shard2of3-');
    const key = imageCacheKey(keys, ['factory-bench/b:2', 'factory-bench/a:1']);
    expect(key.startsWith(keys.restorePrefix)).toBe(true);
    expect(imageCacheKey(keys, ['factory-bench/a:1', 'factory-bench/b:2', 'factory-bench/a:1'])).toBe(key);
    expect(imageCacheKey(keys, ['factory-bench/a:1', 'factory-bench/b:3'])).not.toBe(key);
    expect(imageCacheKeys('fb', 'ML Core', null).restorePrefix).toBe('fb-images-ML_Core-');
  });

  it('carries built and reused images, not those a task names from a registry', () => {
    const uses = [
      { tag: 'factory-bench/a:1', origin: 'built' as const, buildSeconds: 61.5 },
      { tag: 'python:3.12', origin: 'named' as const, buildSeconds: 0 },
      { tag: 'factory-bench/agent-x:1-2', origin: 'reused' as const, buildSeconds: 0 },
    ];
    expect(imagesToCache(uses)).toEqual(['factory-bench/a:1', 'factory-bench/agent-x:1-2']);
    const line = describeImageCache(
      {
        matchedKey: null,
        tags: [],
        loaded: [],
        seconds: 0.2,
        note: 'no archive in the cache yet (prefix fb-)',
      },
      { saved: true, key: 'fb-images-s-abc', bytes: 2_500_000_000, seconds: 42.04, note: '' },
      uses,
    );
    expect(line).toBe(
      '**Docker images:** restored none: no archive in the cache yet · built 1 (61.5 s: `factory-bench/a:1`) · saved 2 to `fb-images-s-abc` (2500 MB before compression, 42.0 s).',
    );
  });
});

describe('report size', () => {
  const run = (rows: number): SuiteRunView => ({
    suiteId: 'core',
    suiteRunId: 'sr',
    model: 'oracle',
    total: rows,
    passed: rows,
    passRate: 1,
    avgScore: 1,
    costUsd: null,
    reportPath: '/x/report.md',
    reportMarkdown: Array.from({ length: rows }, (_, i) => `| task_${i} | ${'x'.repeat(80)} |`).join('\n'),
    environmentErrors: 0,
    dirs: [],
    summary: {} as SuiteSummary,
  });

  it('folds detail into <details> and cuts it with a note to stay under the comment limit', () => {
    const ctx = {
      comparison: null,
      baseBranch: 'main',
      gate: { verdict: 'passed' as const, failures: [], checks: [] },
      artifactUrl: 'https://a',
      reportUrl: null,
      historyChart: null,
      runUrl: null,
      notes: [],
    };
    const small = renderReport({ ...ctx, run: run(3) }, COMMENT_LIMIT, '<!-- m -->');
    expect(small).toContain('<details>');
    expect(small).toContain('No baseline yet');
    expect(small).not.toContain('cut to fit');
    const big = renderReport({ ...ctx, run: run(5000) }, COMMENT_LIMIT, '<!-- m -->');
    expect(big.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(big).toMatch(/more lines cut to fit/);
    expect(big.startsWith('<!-- m -->')).toBe(true);
    expect(big.trimEnd().endsWith('</details>')).toBe(true);
    expect(cutToFit('a\nb\nc', 100, 'x')).toBe('a\nb\nc');
    // A cut inside a nested <details> closes it, within the limit.
    const nested = `<details><summary>outer</summary>\n\n${'row\n'.repeat(400)}</details>\n`;
    const cut = cutToFit(nested, 600, 'the artifact');
    expect(cut.length).toBeLessThanOrEqual(600);
    expect(cut.split('<details>').length).toBe(cut.split('</details>').length);
    expect(cut).toMatch(/more lines cut to fit; the full report is in the artifact/);
  });

  it('keeps the history chart and the link to report.html in the headline, even when the detail is cut', () => {
    const chart = '```mermaid\nxychart-beta\n  bar [50, 100]\n```';
    const body = renderReport(
      {
        run: run(5000),
        comparison: null,
        baseBranch: 'main',
        gate: { verdict: 'passed', failures: [], checks: [] },
        artifactUrl: 'https://a/zip',
        reportUrl: 'https://a/html',
        historyChart: chart,
        runUrl: null,
        notes: [],
      },
      COMMENT_LIMIT,
    );
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.indexOf(chart)).toBeGreaterThan(0);
    expect(body.indexOf(chart)).toBeLessThan(body.indexOf('<details>'));
    expect(body).toContain('](https://a/html)');
  });
});
