import path from 'node:path';
import { slug } from '../runs/index.js';
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
