import { buildSummary, type RunBrief, type SuiteSummary } from '../../src/suites/index.js';

/**
 * A finished suite run whose tasks pass with the given probabilities (scores 1
 * or 0), seeded. `skip` leaves tasks (by index) out of the suite run; `status`
 * gives a run another status, such as an environment error.
 */
export function simulateSuite(
  taskIds: string[],
  epochs: number,
  passProbability: (taskIndex: number) => number,
  random: () => number,
  id: string,
  extra: { status?: (taskIndex: number, epoch: number) => string; skip?: number[] } = {},
): SuiteSummary {
  const kept = taskIds
    .map((task_id, index) => ({ task_id, index }))
    .filter((t) => !extra.skip?.includes(t.index));
  const tasks = kept.map(({ task_id }) => ({
    task_id,
    title: task_id,
    difficulty: 'medium',
    domain: 'd',
    epochs,
  }));
  const runs: RunBrief[] = kept.flatMap(({ task_id, index }) =>
    Array.from({ length: epochs }, (_, epoch) => {
      const passed = random() < passProbability(index);
      return {
        run_id: `${id}-${task_id}-${epoch}`,
        task_id,
        epoch,
        status: extra.status?.(index, epoch) ?? 'completed',
        score: passed ? 1 : 0,
        passed,
        kill_reason: null,
        error_kind: null,
        error_message: null,
        turns: 3,
        tokens: 1000,
        cost_usd: 0.01,
        wall_s: 1,
        started_at: '2026-01-01T00:00:00Z',
      };
    }),
  );
  return buildSummary(
    {
      suite_run_id: id,
      suite_id: 'sim',
      suite_title: 'sim',
      suite_file: 'sim.yaml',
      model: 'scripted',
      status: 'completed',
      started_at: '2026-01-01T00:00:00Z',
      finished_at: '2026-01-01T00:10:00Z',
      branch: null,
      commit_sha: null,
      label: null,
      shard: null,
      task_filter: null,
      epochs,
      concurrency: 1,
      wall_seconds: 1,
    },
    tasks,
    runs,
  );
}
