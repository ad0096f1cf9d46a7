/**
 * Report benchmark: report.html of a 24-task suite with 3 epochs (synthetic
 * runs with realistic transcripts) opened from disk in headless Chromium; the
 * time from navigation to the first drawn frame of the page (the app's
 * `fb:first-screen` mark), median of several loads.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { writeSuiteReport } from '../src/report/index.js';
import { writeSyntheticSuiteRun } from './synthetic-runs.js';
import type { BenchRow } from './table.js';

const TASKS = 24;
const EPOCHS = 3;
const LOADS = 7;
const TARGET_MS = 1000;
const CHROMIUM = process.env.FACTORY_BENCH_CHROMIUM ?? '/usr/bin/chromium';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export async function benchReport(): Promise<BenchRow[]> {
  if (!existsSync(CHROMIUM))
    return [{ metric: 'report: first screen', value: `no Chromium at ${CHROMIUM}`, target: '', ok: false }];
  const runs = mkdtempSync(path.join(os.tmpdir(), 'fb-bench-report-'));
  try {
    for (let i = 0; i < 20; i++)
      await writeSyntheticSuiteRun({
        runsRoot: runs,
        suiteId: 'bench',
        tasks: TASKS,
        epochs: EPOCHS,
        seed: i + 1,
        indexOnly: true,
        startedAt: new Date(Date.UTC(2026, 9, 1 + i)),
      });
    const { suiteRunId } = await writeSyntheticSuiteRun({
      runsRoot: runs,
      suiteId: 'bench',
      tasks: TASKS,
      epochs: EPOCHS,
      seed: 99,
      startedAt: new Date(Date.UTC(2026, 10, 1)),
    });
    const started = Date.now();
    const report = await writeSuiteReport({ runsRoot: runs, suiteRunId });
    const writeMs = Date.now() - started;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const times: number[] = [];
    try {
      for (let i = 0; i < LOADS; i++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(`file://${report.path}`);
        await page.waitForFunction(() => performance.getEntriesByName('fb:first-screen').length > 0);
        times.push(
          await page.evaluate(
            () => performance.getEntriesByName('fb:first-screen')[0]?.startTime ?? Number.NaN,
          ),
        );
        await page.close();
      }
    } finally {
      await browser.close();
    }
    // The first load also warms Chromium's caches; the median is what a reader meets.
    const ms = median(times);
    return [
      {
        metric: `report: report.html of ${TASKS} tasks × ${EPOCHS} epochs (size, time to write)`,
        value: `${(report.bytes / 1024 / 1024).toFixed(1)} MB, ${writeMs} ms`,
        target: '',
        ok: null,
      },
      {
        metric: `report: first screen in headless Chromium (median of ${LOADS}, ${os.cpus().length} cores)`,
        value: `${Math.round(ms)} ms (slowest ${Math.round(Math.max(...times))} ms)`,
        target: `< ${TARGET_MS} ms`,
        ok: ms < TARGET_MS,
      },
    ];
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
}
