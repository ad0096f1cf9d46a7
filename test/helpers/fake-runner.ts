import path from 'node:path';
import { agentInfo, BUILTIN_AGENT } from '../../src/agents/index.js';
import type { RunTaskOptions, RunTaskResult } from '../../src/orchestrator/index.js';
import { blankRunResult, newRunId, type RunResult, recordRun } from '../../src/runs/index.js';
import type { Task } from '../../src/tasks/index.js';

export type Behaviour =
  | 'pass'
  | 'fail'
  | 'crash'
  | 'hang'
  | 'stuck'
  | 'wall'
  | 'env'
  | { score: number; passed: boolean };

export interface FakeCall {
  taskId: string;
  epoch: number;
  budget: RunTaskOptions['budget'];
  suiteRunId: string | null | undefined;
  maxCapabilities?: RunTaskOptions['maxCapabilities'];
}

/**
 * A stand-in for runTask that behaves like it (result.json, an index row,
 * `interrupted` when aborted) without Docker. `hang` never finishes unless aborted.
 */
export function fakeRunner(
  behaviourOf: (taskId: string, epoch: number) => Behaviour,
  opts: { delayMs?: number; onStart?: (call: FakeCall) => void } = {},
): {
  run: (o: RunTaskOptions) => Promise<RunTaskResult>;
  calls: FakeCall[];
  maxConcurrent: () => number;
} {
  const calls: FakeCall[] = [];
  let active = 0;
  let peak = 0;
  const run = async (o: RunTaskOptions): Promise<RunTaskResult> => {
    const task = o.task as Task;
    const taskId = task.manifest.id;
    const epoch = o.epoch ?? 0;
    const call = {
      taskId,
      epoch,
      budget: o.budget,
      suiteRunId: o.suiteRunId,
      maxCapabilities: o.maxCapabilities,
    };
    calls.push(call);
    active++;
    peak = Math.max(peak, active);
    try {
      const behaviour = behaviourOf(taskId, epoch);
      const started = new Date();
      const runId = newRunId(taskId, String(o.model), started);
      o.onPhase?.('setup', runId);
      opts.onStart?.(call);
      if (behaviour === 'stuck') await new Promise(() => {});
      if (behaviour === 'crash') {
        await sleep(opts.delayMs ?? 5);
        throw new Error(`simulated harness crash in ${taskId}`);
      }
      const aborted = await waitOrAbort(behaviour === 'hang' ? 1e9 : (opts.delayMs ?? 5), o.signal);
      let status: RunResult['status'] = 'completed';
      let score = 0;
      let passed = false;
      let killReason: string | null = null;
      let error: RunResult['error'] = null;
      if (aborted) {
        status = 'interrupted';
        killReason = 'interrupted';
        error = { kind: 'interrupted', message: 'the run was interrupted' };
      } else if (behaviour === 'pass') {
        score = 1;
        passed = true;
      } else if (behaviour === 'wall') {
        killReason = 'budget_exceeded:wall_time';
      } else if (behaviour === 'env') {
        status = 'environment_error';
        error = { kind: 'environment:image_build', message: 'simulated image build failure' };
      } else if (typeof behaviour === 'object') {
        score = behaviour.score;
        passed = behaviour.passed;
      }
      const recorded = await recordRun(
        o.runsRoot,
        blankRunResult(
          {
            task: task.manifest,
            runId,
            model: String(o.model),
            suiteRunId: o.suiteRunId,
            epoch,
            startedAt: started,
          },
          {
            status,
            score,
            passed,
            kill_reason: killReason,
            stop_reason: aborted ? 'interrupted' : 'final_answer',
            error,
            tokens: { input: 100, cached_input: 0, output: 20, total: 120 },
            cost_usd: 0.001,
            turns: 3,
            tool_calls: 2,
            sandbox: 'fake',
            // Like runTask: the agent the suite runner passed, recorded with the run.
            agent: agentInfo(o.agent ?? BUILTIN_AGENT),
          },
        ),
      );
      o.onPhase?.('done', runId);
      return { result: recorded, runDir: path.join(o.runsRoot, runId) };
    } finally {
      active--;
    }
  };
  return { run, calls, maxConcurrent: () => peak };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves true when aborted first, false when the time passed. */
function waitOrAbort(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      { once: true },
    );
  });
}
