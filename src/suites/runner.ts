import { runTask } from '../orchestrator/index.js';
import { runOnHosts } from './host-pool.js';
import { SuiteRunRecorder } from './persist.js';
import { planSuiteRun, type Unit } from './plan.js';
import type { RunSuiteOptions, SuiteEvent, SuiteRunOutcome } from './run-options.js';
import { latestFinishedRuns, type RunBrief, type SuiteRunStatus, unitKey } from './summary.js';
import { runUnit } from './unit-runner.js';

/**
 * Runs a suite: every selected task for its epochs through a bounded pool
 * (or spread over a pool of Docker hosts, see host-pool.ts), each run isolated (a crash, an environment error or a hang is recorded and
 * the rest go on). Writes `runs/<suite_run_id>/report.md` and `summary.json`
 * and a `suite_runs` row as it goes, so an interrupted suite leaves a partial
 * report and can be resumed. Never rejects for a failing task; rejects for bad
 * input (ManifestError, SuiteInputError).
 */
export async function runSuite(options: RunSuiteOptions): Promise<SuiteRunOutcome> {
  const plan = await planSuiteRun(options);
  const emit = (event: SuiteEvent): void => options.onEvent?.(event);
  const recorder = new SuiteRunRecorder(plan, (message) => emit({ type: 'warning', message }));
  // Recorded before the first run starts (which also proves the index writable): `--resume` always finds it.
  await recorder.save('running');
  await recorder.commit();
  const done = latestFinishedRuns(recorder.runs);
  emit({
    type: 'suite_start',
    suiteRunId: plan.suiteRunId,
    suiteId: plan.suite.id,
    model: plan.model,
    tasks: plan.tasks.map((t) => ({
      taskId: t.task_id,
      epochs: t.epochs,
      done: [...Array(t.epochs).keys()].filter((e) => done.has(unitKey(t.task_id, e))).length,
    })),
    pending: plan.units.length,
    resumed: plan.previous !== null,
    finished: {
      runs: done.size,
      passed: [...done.values()].filter((r) => r.passed).length,
      tokens: [...done.values()].reduce((s, r) => s + r.tokens, 0),
      cost_usd: [...done.values()].reduce<number | null>(
        (s, r) => (s === null || r.cost_usd === null ? null : s + r.cost_usd),
        0,
      ),
    },
  });

  const signal = options.signal;
  const ctx = { plan, options, runTask: options.runTask ?? runTask, emit };
  const pool = new Set<Promise<void>>();
  const onAbort = (): void => emit({ type: 'interrupting', running: pool.size });
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const stop = () => Boolean(signal?.aborted);
    const done = (brief: RunBrief | null) => {
      if (brief) recorder.add(brief);
    };
    if (options.dockerHosts && options.dockerHosts.length > 0)
      await runOnHosts(plan.units, options.dockerHosts, plan.concurrency, {
        stop,
        done,
        run: (unit, engine) => runUnit(unit, ctx, engine),
        warn: (message) => emit({ type: 'warning', message }),
      });
    else await runPool(plan.units, plan.concurrency, pool, { stop, run: (unit) => runUnit(unit, ctx), done });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    recorder.cancelPending();
  }

  const finished = latestFinishedRuns(recorder.runs);
  const complete = plan.tasks.every((t) =>
    [...Array(t.epochs).keys()].every((e) => finished.has(unitKey(t.task_id, e))),
  );
  const status: SuiteRunStatus = complete ? 'completed' : 'interrupted';
  const summary = await recorder.save(status);
  await recorder.commit();
  emit({ type: 'suite_end', status, summary });
  return {
    suiteRunId: plan.suiteRunId,
    status,
    summary,
    dir: recorder.dir,
    reportPath: recorder.reportPath,
    summaryPath: recorder.summaryPath,
  };
}

/** Runs the units at most `concurrency` at a time, in order, until they are done or `stop` says so. */
async function runPool<T>(
  units: Unit[],
  concurrency: number,
  running: Set<Promise<void>>,
  work: { stop: () => boolean; run: (unit: Unit) => Promise<T>; done: (result: T) => void },
): Promise<void> {
  let next = 0;
  while (next < units.length && !work.stop()) {
    while (running.size < concurrency && next < units.length && !work.stop()) {
      const p: Promise<void> = work.run(units[next++] as Unit).then((result) => {
        running.delete(p);
        work.done(result);
      });
      running.add(p);
    }
    if (running.size > 0) await Promise.race(running);
  }
  await Promise.all(running);
}
