import { agentInfo } from '../agents/index.js';
import {
  blankRunResult,
  newRunId,
  RunDirectory,
  type RunResult,
  type RunStatus,
  recordRun,
} from '../runs/index.js';
import type { DockerEngine } from '../sandbox/index.js';
import type { SuitePlan, Unit } from './plan.js';
import type { RunSuiteOptions, SuiteEvent, TaskRunner } from './run-options.js';
import { briefFromResult, type RunBrief } from './summary.js';

const DEFAULT_HARD_TIMEOUT_GRACE_S = 900;
const DEFAULT_STOP_GRACE_S = 60;

export interface UnitContext {
  plan: Pick<SuitePlan, 'runsRoot' | 'model' | 'agent' | 'suiteRunId' | 'maxCapabilities'>;
  options: Pick<
    RunSuiteOptions,
    | 'createModel'
    | 'pricing'
    | 'modelConfig'
    | 'exchanges'
    | 'signal'
    | 'hardTimeoutGraceSeconds'
    | 'stopGraceSeconds'
  >;
  runTask: TaskRunner;
  emit: (event: SuiteEvent) => void;
}

/**
 * Runs one task epoch under a watchdog: a run that has not returned well after
 * its wall-time budget is stopped and recorded as an environment timeout, and
 * one that does not even stop is given up on. A task runner that throws (a
 * harness bug) is recorded as a crash. Resolves to the recorded run, or null
 * when not even a crash could be recorded.
 */
export async function runUnit(unit: Unit, ctx: UnitContext, engine?: DockerEngine): Promise<RunBrief | null> {
  const { suiteTask, epoch, epochs } = unit;
  const { plan, options, emit } = ctx;
  const taskId = suiteTask.id;
  const warn = (message: string): void => emit({ type: 'warning', message });
  emit({ type: 'unit_start', taskId, epoch, epochs });
  const controller = new AbortController();
  const forward = (): void => controller.abort();
  options.signal?.addEventListener('abort', forward, { once: true });
  let runId: string | null = null;
  const budgetSeconds = suiteTask.budget.max_wall_seconds ?? suiteTask.task.manifest.budget.max_wall_seconds;
  const deadlineMs =
    (budgetSeconds + (options.hardTimeoutGraceSeconds ?? DEFAULT_HARD_TIMEOUT_GRACE_S)) * 1000;
  const started = new Date();
  const watchdog = new Watchdog(deadlineMs, (options.stopGraceSeconds ?? DEFAULT_STOP_GRACE_S) * 1000, () => {
    warn(
      `${taskId} epoch ${epoch + 1}: no result ${Math.round(deadlineMs / 1000)}s after start; stopping it`,
    );
    controller.abort();
  });
  const finish = (result: RunResult): RunBrief => {
    const brief = briefFromResult(result);
    emit({ type: 'unit_end', taskId, epoch, epochs, run: brief });
    return brief;
  };
  try {
    const attempt = Promise.resolve().then(() =>
      ctx.runTask({
        task: suiteTask.task,
        model: options.createModel ? options.createModel(taskId, epoch) : plan.model,
        agent: plan.agent,
        runsRoot: plan.runsRoot,
        suiteRunId: plan.suiteRunId,
        epoch,
        budget: suiteTask.budget,
        maxCapabilities: plan.maxCapabilities,
        signal: controller.signal,
        ...(options.pricing ? { pricing: options.pricing } : {}),
        ...(options.modelConfig ? { modelConfig: options.modelConfig } : {}),
        ...(options.exchanges ? { exchanges: options.exchanges } : {}),
        ...(engine ? { engine } : {}),
        warn: (m) => warn(`${taskId}: ${m}`),
        onPhase: (phase, id) => {
          runId = id;
          emit({ type: 'unit_phase', taskId, epoch, epochs, phase, runId: id });
        },
        onImageBuild: (state) => {
          if (runId)
            emit({
              type: 'unit_phase',
              taskId,
              epoch,
              epochs,
              phase: state === 'start' ? 'building_image' : 'setup',
              runId,
            });
        },
      }),
    );
    const outcome = await Promise.race([attempt, watchdog.hung]);
    if (outcome === 'hung') {
      attempt.catch(() => undefined);
      return finish(
        await recordSynthetic(plan, unit, runId, started, 'environment_error', {
          kind: 'environment:timeout',
          message: `the run did not return within ${Math.round(deadlineMs / 1000)}s nor stop when asked`,
        }),
      );
    }
    if (watchdog.fired) {
      // A watchdog-stopped run reads as interrupted; record it as the environment timeout it was.
      return finish(
        await recordRun(
          plan.runsRoot,
          {
            ...outcome.result,
            status: 'environment_error',
            passed: false,
            kill_reason: 'timeout:suite_watchdog',
            error: {
              kind: 'environment:timeout',
              message: `stopped by the suite runner: no result within ${Math.round(deadlineMs / 1000)}s`,
            },
          },
          { runDir: outcome.runDir },
        ),
      );
    }
    return finish(outcome.result);
  } catch (err) {
    // runTask never throws for a failed run; a thrown error is a harness bug, recorded like a crash.
    const message = err instanceof Error ? err.message : String(err);
    try {
      return finish(
        await recordSynthetic(plan, unit, runId, started, 'crashed', { kind: 'crashed', message }),
      );
    } catch (inner) {
      warn(
        `${taskId} epoch ${epoch + 1}: could not record a crash (${(inner as Error).message}): ${message}`,
      );
      return null;
    }
  } finally {
    watchdog.clear();
    options.signal?.removeEventListener('abort', forward);
  }
}

/** Fires `onFire` after `deadlineMs`, then resolves `hung` if the run has not returned `stopGraceMs` later. */
class Watchdog {
  fired = false;
  readonly hung: Promise<'hung'>;
  private timer: NodeJS.Timeout | undefined;
  private giveUp: NodeJS.Timeout | undefined;

  constructor(deadlineMs: number, stopGraceMs: number, onFire: () => void) {
    this.hung = new Promise<'hung'>((resolve) => {
      this.timer = setTimeout(() => {
        this.fired = true;
        onFire();
        this.giveUp = setTimeout(() => resolve('hung'), stopGraceMs);
      }, deadlineMs);
    });
  }

  clear(): void {
    clearTimeout(this.timer);
    clearTimeout(this.giveUp);
  }
}

/** Records a run the task runner could not: result.json and an index row, so it is never silently lost. */
function recordSynthetic(
  plan: UnitContext['plan'],
  unit: Unit,
  knownRunId: string | null,
  started: Date,
  status: RunStatus,
  error: { kind: string; message: string },
): Promise<RunResult> {
  const manifest = unit.suiteTask.task.manifest;
  const runId = knownRunId ?? newRunId(manifest.id, plan.model, started);
  new RunDirectory(plan.runsRoot, runId).create();
  const result = blankRunResult(
    {
      task: manifest,
      runId,
      model: plan.model,
      suiteRunId: plan.suiteRunId,
      epoch: unit.epoch,
      startedAt: started,
    },
    {
      status,
      error,
      kill_reason: status === 'environment_error' ? 'timeout:suite_watchdog' : null,
      agent: agentInfo(plan.agent),
    },
  );
  return recordRun(plan.runsRoot, result);
}
