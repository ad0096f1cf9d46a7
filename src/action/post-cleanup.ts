import * as core from '@actions/core';
import { type HarnessOwner, removeLeftoversOf, thisHarness } from '../sandbox/index.js';

/**
 * The action's `post:` step (actions/checkout's pattern): a cancelled job
 * ends the main step with SIGINT, then SIGTERM, then a kill, and a kill
 * leaves sandboxes running on a self-hosted runner. The main step records
 * which process it is before its first sandbox starts; the post step, which
 * runs even after a cancellation, removes what that process labelled and
 * left behind, and nothing of any other job.
 */

/** The state the main step leaves for the post step (core.saveState). */
export const OWNER_STATE = 'sandboxOwner';

/** Called by the main step before it starts a sandbox. */
export function recordSandboxOwner(): void {
  core.saveState(OWNER_STATE, JSON.stringify(thisHarness()));
}

function parseOwner(text: string): HarnessOwner | null {
  try {
    const value = JSON.parse(text) as Partial<HarnessOwner>;
    if (Number.isInteger(value.pid) && (value.pid as number) > 0 && typeof value.host === 'string')
      return { pid: value.pid as number, host: value.host };
  } catch {
    // Reported below.
  }
  return null;
}

/** The post step. Never fails the job: a cleanup problem is a warning. */
export async function runPost(): Promise<void> {
  const text = core.getState(OWNER_STATE);
  if (!text) {
    core.info('factory-bench: the job started no sandboxes; nothing to clean up');
    return;
  }
  const owner = parseOwner(text);
  if (!owner) {
    core.warning(
      `factory-bench: unreadable ${OWNER_STATE} state ${JSON.stringify(text)}; no sandboxes removed`,
    );
    return;
  }
  try {
    const r = await removeLeftoversOf(owner);
    if (r.ownerAlive) {
      core.warning(
        `factory-bench: the harness of this job (pid ${owner.pid}) still runs; its sandboxes are left to it`,
      );
      return;
    }
    if (r.found.length === 0) {
      core.info('factory-bench: the job left no sandboxes behind');
      return;
    }
    const removed = r.found.filter((f) => !r.failed.includes(f));
    const runs = [...new Set(removed.map((f) => f.runId))];
    core.info(
      `factory-bench: removed ${removed.length} leftover sandbox resources of this job (${countByKind(removed)}) from ${runs.length} runs: ${runs.join(', ')}`,
    );
    if (r.failed.length > 0)
      core.warning(
        `factory-bench: could not remove ${r.failed.map((f) => `${f.kind} ${f.name}`).join(', ')}; \`factory-bench sandbox cleanup\` removes them later`,
      );
  } catch (err) {
    core.warning(
      `factory-bench: could not look for leftover sandboxes: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function countByKind(items: Array<{ kind: string }>): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i.kind, (counts.get(i.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`).join(', ');
}
