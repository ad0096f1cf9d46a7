/**
 * `npm run screenshots`: the pictures in docs/img/, made from synthetic runs
 * (bench/synthetic-runs.ts) in headless Chromium: report.html from disk (its
 * first screen, and a failed task opened to its checks and transcript) and the
 * `factory-bench view` server's list page. Needs Chromium (Debian's `chromium`,
 * or FACTORY_BENCH_CHROMIUM).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { writeSuiteReport } from '../src/report/index.js';
import { startViewer } from '../src/viewer/index.js';
import { writeSyntheticSuiteRun } from './synthetic-runs.js';

const CHROMIUM = process.env.FACTORY_BENCH_CHROMIUM ?? '/usr/bin/chromium';

function repoRoot(): string {
  let d = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(d, 'package.json'))) d = path.dirname(d);
  return d;
}

async function shoot(page: Page, file: string, clipTo?: string): Promise<void> {
  // The chart is drawn after the first frame.
  await page.waitForTimeout(300);
  if (clipTo) {
    const box = await page.locator(clipTo).first().boundingBox();
    if (!box) throw new Error(`nothing matches ${clipTo}`);
    await page.screenshot({
      path: file,
      fullPage: true,
      clip: { x: 0, y: Math.max(0, box.y - 12), width: 1280, height: Math.min(box.height + 24, 1400) },
    });
  } else await page.screenshot({ path: file });
  process.stderr.write(`screenshots: wrote ${path.relative(repoRoot(), file)}\n`);
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
  const out = path.join(repoRoot(), 'docs', 'img');
  mkdirSync(out, { recursive: true });
  const runs = mkdtempSync(path.join(os.tmpdir(), 'fb-screenshots-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const base = { runsRoot: runs, suiteId: 'mle_core', tasks: 12, epochs: 3 };
    for (let i = 0; i < 8; i++)
      await writeSyntheticSuiteRun({
        ...base,
        seed: 40 + i,
        indexOnly: true,
        commit: (0x1a2b3c + i * 0x111111).toString(16).padEnd(40, '0'),
        startedAt: new Date(Date.UTC(2026, 10, 1 + i, 9)),
      });
    const { suiteRunId } = await writeSyntheticSuiteRun({
      ...base,
      seed: 7,
      branch: 'feature/better-prompt',
      commit: '9f8e7d6c'.padEnd(40, '0'),
      startedAt: new Date(Date.UTC(2026, 10, 12, 9)),
      passProbability: (i) => (i === 2 ? 0 : 0.8),
    });
    const report = await writeSuiteReport({ runsRoot: runs, suiteRunId, baseBranch: 'main' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${report.path}`);
    await page.locator('.task-table').waitFor();
    await shoot(page, path.join(out, 'report.png'));
    await page.locator('tbody[data-task="task_02"] .task-row').click();
    await page.locator('tbody[data-task="task_02"] .transcript').first().waitFor();
    await shoot(page, path.join(out, 'report-failed-task.png'), 'tbody[data-task="task_02"]');

    const viewer = await startViewer({ runsDir: runs, port: 0 });
    try {
      await page.goto(viewer.url);
      await page.locator('table.runs tbody tr').first().waitFor();
      await shoot(page, path.join(out, 'view.png'));
    } finally {
      await viewer.close();
    }
  } finally {
    await browser.close();
    rmSync(runs, { recursive: true, force: true });
  }
}

await main();
