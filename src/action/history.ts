import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { indexExists, type PruneOutcome, pruneIndex, type RetentionPolicy, slug } from '../runs/index.js';
import type { GithubContext } from './github-context.js';

/**
 * The history of suite runs (`runs.sqlite`) travels between workflow runs
 * through the Actions cache. Cache keys are immutable, so every default-branch
 * run saves under its own key (run id + attempt) and every run restores the
 * newest entry by prefix; the cache service searches the current branch, then
 * the base branch, so a pull request sees its base branch's history. Pull
 * requests never save: what they would save is visible only to themselves.
 */
export interface HistoryKeys {
  /** Unique per workflow run and attempt. */
  saveKey: string;
  /** Matches every saved history of this suite, newest first. */
  restorePrefix: string;
}

export function historyKeys(prefix: string, suiteId: string, ctx: GithubContext): HistoryKeys {
  const restorePrefix = `${prefix}-${slug(suiteId)}-`;
  return { restorePrefix, saveKey: `${restorePrefix}${ctx.runId}-${ctx.runAttempt}` };
}

/**
 * The path given to the cache, relative to the workspace: the cache's version
 * hashes the paths as written, so save and restore must pass the same strings
 * and an absolute path would differ between runners.
 */
export function cachePath(dbFile: string, workspace: string): string {
  const rel = path.relative(workspace, dbFile);
  return rel.startsWith('..') || path.isAbsolute(rel) ? dbFile : rel.split(path.sep).join('/');
}

export interface RestoreOutcome {
  /** The key restored, or null when there was no history (or no cache service). */
  matchedKey: string | null;
  note: string;
}

type Log = (message: string) => void;

export async function restoreHistory(
  dbFile: string,
  workspace: string,
  keys: HistoryKeys,
  warn: Log,
): Promise<RestoreOutcome> {
  const cache = await import('@actions/cache');
  if (!cache.isFeatureAvailable())
    return { matchedKey: null, note: 'the Actions cache service is not available here' };
  try {
    const matched = await cache.restoreCache([cachePath(dbFile, workspace)], keys.saveKey, [
      keys.restorePrefix,
    ]);
    return matched
      ? { matchedKey: matched, note: `restored run history from cache ${matched}` }
      : { matchedKey: null, note: `no run history in the cache yet (prefix ${keys.restorePrefix})` };
  } catch (err) {
    // A broken cache must not fail the evaluation: the run goes on without a baseline.
    warn(`restoring run history failed: ${err instanceof Error ? err.message : String(err)}`);
    return { matchedKey: null, note: 'restoring run history failed' };
  }
}

export interface SaveOutcome {
  saved: boolean;
  note: string;
}

export async function saveHistory(
  dbFile: string,
  workspace: string,
  keys: HistoryKeys,
  ctx: GithubContext,
  warn: Log,
): Promise<SaveOutcome> {
  if (!ctx.onDefaultBranch)
    return {
      saved: false,
      note: ctx.pullRequest
        ? 'pull requests read the history but never publish it'
        : `history is saved only from the default branch${ctx.defaultBranch ? ` (${ctx.defaultBranch})` : ''}`,
    };
  const cache = await import('@actions/cache');
  if (!cache.isFeatureAvailable())
    return { saved: false, note: 'the Actions cache service is not available here' };
  try {
    const id = await cache.saveCache([cachePath(dbFile, workspace)], keys.saveKey);
    return id === -1
      ? { saved: false, note: `the cache did not accept ${keys.saveKey}` }
      : { saved: true, note: `saved run history to cache ${keys.saveKey}` };
  } catch (err) {
    warn(`saving run history failed: ${err instanceof Error ? err.message : String(err)}`);
    return { saved: false, note: 'saving run history failed' };
  }
}

/** Applies retention to runs.sqlite before it goes to the cache (then compacts it). Null when there is none. */
export async function pruneHistory(
  dbFile: string,
  policy: { keepSuiteRuns: number | null; keepDays: number | null },
  warn: (message: string) => void,
): Promise<PruneOutcome | null> {
  if (!indexExists(dbFile)) return null;
  const given: Partial<RetentionPolicy> = {
    ...(policy.keepSuiteRuns !== null ? { keepSuiteRuns: policy.keepSuiteRuns } : {}),
    ...(policy.keepDays !== null ? { keepDays: policy.keepDays } : {}),
  };
  return pruneIndex(dbFile, { policy: given }).catch((err: Error) => {
    warn(`pruning runs.sqlite failed (${err.message}); saving it whole`);
    return null;
  });
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** The job summary's line about the history file: its size, what pruning kept, where it went. */
export function describeHistoryFile(o: {
  dbFile: string;
  pruned: PruneOutcome | null;
  saved: SaveOutcome;
  saveKey: string;
  restoredFrom: string | null;
}): string {
  if (!existsSync(o.dbFile)) return '**Run history:** no runs.sqlite.';
  const bytes = statSync(o.dbFile).size;
  const parts = [`**Run history:** \`runs.sqlite\` is ${size(bytes)}`];
  if (o.pruned) {
    const p = o.pruned;
    parts.push(
      ` after pruning (${p.suite_runs.total} suite runs, each with its summary; ${p.suite_runs.full} with all their runs; ${p.runs.after} runs kept, ${p.runs.removed} removed; ${size(p.bytes.before)} before)`,
    );
  }
  if (o.saved.saved) parts.push(`, saved to the cache as \`${o.saveKey}\`.`);
  else
    parts.push(
      o.restoredFrom ? `, restored from \`${o.restoredFrom}\`; ${o.saved.note}.` : `; ${o.saved.note}.`,
    );
  return parts.join('');
}
