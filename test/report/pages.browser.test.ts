import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSuiteRun } from '../../bench/synthetic-runs.js';
import { writeRunReport, writeSuiteReport } from '../../src/report/index.js';
import { registerSecret, runResultSchema } from '../../src/runs/index.js';
import { startViewer, type Viewer } from '../../src/viewer/index.js';
import { tempDir } from '../helpers/tmp.js';
import { launchBrowser, watchedPage } from './browser.js';

/**
 * What a person sees: report.html opened from disk and the `view` server, in
 * headless Chromium. Runs are synthetic (bench/synthetic-runs.ts): real run
 * folders and index rows, with a registered key planted in the first run's
 * transcript, final workspace and grader output.
 */

const PLANTED = 'fb-planted-7Hq2Lw9Xv4Zr1Ty6';
const HISTORY_RUNS = 3;
const runs = tempDir('fb-pages-');
let browser: Browser;
let head: Awaited<ReturnType<typeof writeSyntheticSuiteRun>>;
let reportFile = '';

beforeAll(async () => {
  registerSecret(PLANTED);
  for (let i = 0; i < HISTORY_RUNS; i++)
    await writeSyntheticSuiteRun({
      runsRoot: runs,
      suiteId: 'pages',
      tasks: 4,
      epochs: 2,
      seed: 100 + i,
      indexOnly: true,
      commit: `${i + 1}`.repeat(40),
      startedAt: new Date(Date.UTC(2026, 10, 1 + i)),
    });
  head = await writeSyntheticSuiteRun({
    runsRoot: runs,
    suiteId: 'pages',
    tasks: 4,
    epochs: 2,
    seed: 7,
    // task_00 always fails, task_01 always passes, the others flip coins.
    passProbability: (i) => (i === 0 ? 0 : i === 1 ? 1 : 0.5),
    turns: [70, 70],
    commit: 'c'.repeat(40),
    startedAt: new Date(Date.UTC(2026, 10, 9)),
    plantSecret: PLANTED,
  });
  reportFile = (await writeSuiteReport({ runsRoot: runs, suiteRunId: head.suiteRunId })).path;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function openFailedTask(page: Page): Promise<void> {
  await page.locator('tbody[data-task="task_00"] .task-row').click();
  await page.locator('tbody[data-task="task_00"] .transcript').first().waitFor();
}

/**
 * Everything a person could reach: every task and run opened, every fold and "show" button
 * pressed, round after round until nothing is left to open (clicked in the page: thousands of them).
 */
async function openEverything(page: Page): Promise<void> {
  const rounds = await page.evaluate(async () => {
    const selector =
      '.task-row[aria-expanded="false"], .row-head[aria-expanded="false"], .fold-head[aria-expanded="false"], button.more';
    for (let round = 1; round <= 50; round++) {
      // Runs in the page (this file is type-checked without the DOM library).
      const doc = (
        globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ click(): void }> } }
      ).document;
      const targets = Array.from(doc.querySelectorAll(selector));
      if (targets.length === 0) return round;
      for (const t of targets) t.click();
      // Preact renders after the event; details load asynchronously.
      await new Promise((r) => setTimeout(r, 50));
    }
    return -1;
  });
  expect(rounds, 'everything opened within 50 rounds').toBeGreaterThan(0);
  await page.locator('.transcript').first().waitFor();
}

describe('report.html from disk', () => {
  it('opens with no network: totals, the verdict and a row per task', async () => {
    const w = await watchedPage(browser, (url) => url.startsWith('file:'));
    await w.page.goto(`file://${reportFile}`);
    await expect.poll(() => w.page.locator('h1').textContent()).toContain('pages');
    expect(await w.page.locator('.card').first().textContent()).toMatch(/pass rate\d+%\d+ of 8 runs passed/);
    expect(await w.page.locator('.verdict').textContent()).toMatch(/against .*__suite__pages__/);
    expect(await w.page.locator('tbody.task').count()).toBe(4);
    expect(await w.page.locator('tbody[data-task="task_00"] .badge').first().textContent()).toBe('failed');
    expect(w.outside).toEqual([]);
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('a failed task expands to its transcript and its failed check with the diff', async () => {
    const w = await watchedPage(browser, (url) => url.startsWith('file:'));
    await w.page.goto(`file://${reportFile}`);
    await openFailedTask(w.page);
    const task = w.page.locator('tbody[data-task="task_00"]');
    // The failed run opened by itself: its failed checks are open with their output.
    const check = task.locator('.check[data-check="features_match"]').first();
    expect(await check.locator('.badge').first().textContent()).toBe('failed');
    expect(await check.locator('.kind-diff .patch .del').first().textContent()).toContain(
      'missing expected line 3',
    );
    expect(await check.locator('.kind-diff .patch .add').first().textContent()).toContain(
      'unexpected output line 3',
    );
    const transcript = task.locator('.transcript').first();
    expect(await transcript.locator('.ev.start').textContent()).toContain(
      'Fix the feature pipeline of task_00',
    );
    expect(await transcript.locator('.ev.assistant').first().textContent()).toContain('Step 1');
    expect(await transcript.locator('.ev.tool').first().locator('pre.cmd').count()).toBe(1);
    // 70 turns are more than a page: the rest waits behind a button.
    expect(await transcript.locator('.pager').textContent()).toMatch(/50 of \d+ steps shown/);
    await transcript.locator('.pager button', { hasText: 'Show all' }).click();
    expect(await transcript.locator('.pager').count()).toBe(0);
    expect(await transcript.locator('.ev[data-type="agent_end"]').textContent()).toContain('final_answer');
    expect(await task.locator('.workspace .file[data-path="NOTES.md"]').first().textContent()).toContain(
      'added',
    );
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('the history chart has one point per recorded run', async () => {
    const w = await watchedPage(browser, (url) => url.startsWith('file:'));
    await w.page.goto(`file://${reportFile}`);
    const figure = w.page.locator('figure.history-chart');
    expect(await figure.getAttribute('data-points')).toBe(String(HISTORY_RUNS + 1));
    await figure.locator('canvas').first().waitFor();
    expect(await w.page.locator('.history h3').textContent()).toContain(
      `${HISTORY_RUNS + 1} runs of pages on main`,
    );
    await w.page.locator('.history .fold-head').click();
    const rows = w.page.locator('.history-table tbody tr');
    expect(await rows.count()).toBe(HISTORY_RUNS + 1);
    expect(await rows.last().textContent()).toContain('(this run)');
    expect(await rows.first().textContent()).toContain('1111111');
    await w.context.close();
  });

  it('a run with a planted key shows it nowhere: not in the file, not on the page with everything open', async () => {
    const first = head.summary.tasks[0]?.runs[0]?.run_id as string;
    expect(readFileSync(path.join(runs, first, 'transcript.jsonl'), 'utf8')).toContain(PLANTED);
    expect(readFileSync(reportFile, 'utf8')).not.toContain(PLANTED);
    const w = await watchedPage(browser, (url) => url.startsWith('file:'));
    await w.page.goto(`file://${reportFile}`);
    await openEverything(w.page);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person sees
    const text = await w.page.locator('body').innerText();
    expect(text).toContain('[REDACTED]');
    expect(text).not.toContain(PLANTED);
    expect(await w.page.content()).not.toContain(PLANTED);
    await w.context.close();
  });

  it('run.html of a single run opens on its checks, workspace and transcript', async () => {
    const runId = head.summary.tasks[0]?.runs[0]?.run_id as string;
    const result = runResultSchema.parse(
      JSON.parse(readFileSync(path.join(runs, runId, 'result.json'), 'utf8')),
    );
    const file = writeRunReport(runs, result).path;
    expect(readFileSync(file, 'utf8')).not.toContain(PLANTED);
    const w = await watchedPage(browser, (url) => url.startsWith('file:'));
    await w.page.goto(`file://${file}`);
    await w.page.locator('.run-view .transcript').waitFor();
    expect(await w.page.locator('h1').textContent()).toContain('task_00');
    expect(await w.page.locator('.check.bad').count()).toBeGreaterThan(0);
    expect(w.problems).toEqual([]);
    await w.context.close();
  });
});

describe('factory-bench view', () => {
  let viewer: Viewer;
  beforeAll(async () => {
    viewer = await startViewer({ runsDir: runs, port: 0 });
  });
  afterAll(async () => {
    await viewer?.close();
  });
  const local = (url: string) => url.startsWith(viewer.url);

  it('lists suite runs and runs, filtered by suite, task, model and branch', async () => {
    const w = await watchedPage(browser, local);
    await w.page.goto(viewer.url);
    await w.page.locator('table.suite-runs').waitFor();
    expect(await w.page.locator('table.suite-runs tbody tr').count()).toBe(HISTORY_RUNS + 1);
    expect(await w.page.locator('table.runs tbody tr').count()).toBe((HISTORY_RUNS + 1) * 8);
    // The index has an agent column, so there is an agent filter; these synthetic runs recorded no agent.
    expect(await w.page.locator('select[name="agent"] option').allTextContents()).toEqual(['any']);
    await w.page.locator('select[name="task"]').selectOption('task_00');
    await expect.poll(() => w.page.locator('table.runs tbody tr').count()).toBe((HISTORY_RUNS + 1) * 2);
    expect(w.page.url()).toContain('?task=task_00');
    await w.page.locator('select[name="branch"]').selectOption('main');
    await w.page.locator('select[name="model"]').selectOption('openai/gpt-4o-mini');
    await w.page.locator('select[name="suite"]').selectOption('pages');
    await expect.poll(() => w.page.locator('table.runs tbody tr').count()).toBe((HISTORY_RUNS + 1) * 2);
    expect(w.outside).toEqual([]);
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('shows the same suite page: a failed task expands to its transcript and diff, loaded from the server', async () => {
    const w = await watchedPage(browser, local);
    await w.page.goto(viewer.url);
    await w.page.locator('table.suite-runs tbody tr').first().locator('a').click();
    await w.page.waitForURL(/\/suite\//);
    expect(await w.page.locator('figure.history-chart').getAttribute('data-points')).toBe(
      String(HISTORY_RUNS + 1),
    );
    await openFailedTask(w.page);
    const check = w.page.locator('tbody[data-task="task_00"] .check[data-check="features_match"]').first();
    expect(await check.locator('.kind-diff').textContent()).toContain('missing expected line 3');
    await openEverything(w.page);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person sees
    expect(await w.page.locator('body').innerText()).not.toContain(PLANTED);
    expect(w.outside).toEqual([]);
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('answers nothing with the planted key, and serves no file from outside the runs folder', async () => {
    const first = head.summary.tasks[0]?.runs[0]?.run_id as string;
    const get = async (p: string) => {
      const r = await fetch(new URL(p, viewer.url));
      return { status: r.status, text: await r.text() };
    };
    for (const p of [
      `/api/run/${first}`,
      `/run/${first}`,
      `/suite/${head.suiteRunId}`,
      `/suite/${head.suiteRunId}/report.html`,
      `/files/${first}/transcript.jsonl`,
      `/files/${first}/workspace_final/NOTES.md`,
      `/files/${first}/grader_outputs/tests_pass.stdout.txt`,
      '/api/runs',
    ]) {
      const r = await get(p);
      expect(r.status, p).toBe(200);
      expect(r.text, p).not.toContain(PLANTED);
    }
    expect((await get(`/files/${first}/workspace_final/NOTES.md`)).text).toContain('[REDACTED]');
    for (const p of [
      `/files/${first}/../../etc/passwd`,
      `/files/${first}/%2e%2e/%2e%2e/etc/passwd`,
      '/files/..%2f..%2fetc%2fpasswd',
      '/files/%2Fetc%2Fpasswd',
      `/files/${first}/..%2F..%2F..%2Fetc%2Fpasswd`,
      '/files/runs.sqlite',
      '/api/run/..%2F..%2Fetc',
    ]) {
      const r = await get(p);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.text, p).not.toContain('root:');
    }
  });

  it('refuses a symbolic link that leads out of a run folder, and requests for another host name', async () => {
    const first = head.summary.tasks[0]?.runs[0]?.run_id as string;
    const { symlinkSync } = await import('node:fs');
    symlinkSync('/etc/passwd', path.join(runs, first, 'workspace_final', 'escape'));
    const r = await fetch(new URL(`/files/${first}/workspace_final/escape`, viewer.url));
    expect(r.status).toBe(403);
    expect(await r.text()).not.toContain('root:');
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 gets nothing.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(viewer.url, { headers: { host: `evil.example:${viewer.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });
});

// The launcher runs the compiled CLI (build/, made by `npm ci` through `prepare`).
describe.runIf(existsSync('build/src/cli/main.js'))('factory-bench view from the command line', () => {
  it('prints its URL, serves on 127.0.0.1 and stops on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['bin/factory-bench.js', 'view', runs, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
        if (m) resolve(m[0]);
      });
      child.on('exit', (code) => reject(new Error(`view exited ${code}: ${out}`)));
    });
    const facets = (await (await fetch(`${url}api/facets`)).json()) as { suites: string[] };
    expect(facets.suites).toEqual(['pages']);
    const code = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGINT');
    expect(await code).toBe(0);
  });
});
