import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getSuiteRun, indexExists, type RunResult, readIndex } from '../runs/index.js';
import type { SuiteComparison } from '../suites/index.js';
import { mermaidHistory, suiteHistory } from './history.js';
import { renderPageHtml } from './html.js';
import { buildRunPage, buildSuitePage } from './pages.js';
import type { HistoryData } from './types.js';

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export interface WrittenReport {
  path: string;
  bytes: number;
}

export interface SuiteReportOptions {
  runsRoot: string;
  suiteRunId: string;
  /** Where the history and the baseline come from (default: the suite run's own branch). */
  baseBranch?: string | null;
  /** A comparison already made (the action's), shown as is. */
  comparison?: SuiteComparison | null;
}

/**
 * Writes `runs/<suite_run_id>/report.html`: one self-contained page (app,
 * styles and every run's transcript, checks and workspace diff inlined) that
 * opens from disk with no network.
 */
export async function writeSuiteReport(o: SuiteReportOptions): Promise<WrittenReport> {
  const runsRoot = path.resolve(o.runsRoot);
  const html = await readIndex(path.join(runsRoot, 'runs.sqlite'), (db) => {
    const record = getSuiteRun(db, o.suiteRunId);
    if (!record) throw new Error(`no suite run ${o.suiteRunId} in ${runsRoot}/runs.sqlite`);
    const built = buildSuitePage(db, {
      runsRoot,
      record,
      detail: 'embedded',
      ...(o.baseBranch !== undefined ? { baseBranch: o.baseBranch } : {}),
      ...(o.comparison !== undefined ? { comparison: o.comparison } : {}),
    });
    return renderPageHtml(built.page, built.blocks());
  });
  const file = path.join(runsRoot, o.suiteRunId, 'report.html');
  writeAtomic(file, html);
  return { path: file, bytes: statSync(file).size };
}

/** Writes `runs/<run_id>/run.html` for a single run. */
export function writeRunReport(runsRoot: string, result: RunResult): WrittenReport {
  const root = path.resolve(runsRoot);
  const built = buildRunPage(root, result, 'embedded');
  const dir = path.join(root, result.run_id);
  if (!existsSync(dir)) throw new Error(`no run folder ${dir}`);
  const file = path.join(dir, 'run.html');
  writeAtomic(file, renderPageHtml(built.page, built.blocks()));
  return { path: file, bytes: statSync(file).size };
}

/** The history of a suite run on a branch, and the Mermaid chart of its last runs (null with fewer than two). */
export async function suiteHistoryChart(
  dbFile: string,
  suiteRunId: string,
  branch: string | null,
  lastN = 10,
): Promise<{ history: HistoryData; mermaid: string | null } | null> {
  if (!indexExists(dbFile)) return null;
  return readIndex(dbFile, (db) => {
    const record = getSuiteRun(db, suiteRunId);
    if (!record) return null;
    const history = suiteHistory(db, record, branch, lastN);
    return { history, mermaid: mermaidHistory(history, lastN) };
  });
}
