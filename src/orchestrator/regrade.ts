import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CostTracker, loadPricing, type PricingTable } from '../cost/index.js';
import type { ChatModel } from '../models/index.js';
import { RunDirectory, type RunResult, recordRun, TranscriptWriter } from '../runs/index.js';
import { SandboxError, type SandboxRunner } from '../sandbox/index.js';
import { stageTask, type Task } from '../tasks/index.js';
import { gradeInSandbox } from './run-task.js';
import { openSandbox, planSandbox } from './sandbox.js';

/** Run statuses whose agent finished and whose workspace_final is worth grading again. */
export const REGRADABLE_STATUSES: ReadonlySet<RunResult['status']> = new Set(['completed', 'grader_error']);

export interface RegradeOptions {
  runsRoot: string;
  runId: string;
  task: Task;
  pricing?: PricingTable;
  resolveJudge?: (name: string) => Promise<ChatModel>;
  warn?: (message: string) => void;
}

/**
 * Grades a finished run again in a fresh sandbox on a scratch copy of its
 * workspace_final/ (which stays as the agent left it), then rewrites
 * result.json, grader_outputs/ and the run's rows in runs.sqlite. Cached judge
 * answers make an unchanged LLM rubric free; any new judge spend is added to
 * the run's cost.
 */
export async function regradeRun(opts: RegradeOptions): Promise<RunResult> {
  const dir = new RunDirectory(opts.runsRoot, opts.runId);
  const previous = dir.readResult();
  if (!previous) throw new Error(`${dir.resultPath} is missing`);
  const warn = opts.warn ?? (() => {});
  const judgeCost = new CostTracker(opts.pricing ?? loadPricing(), warn);
  const transcript = new TranscriptWriter(dir.transcriptPath);
  const scratch = path.join(dir.root, `.regrade-${randomBytes(3).toString('hex')}`);
  cpSync(dir.workspaceFinal, scratch, { recursive: true, verbatimSymlinks: true });
  // Grading material from the task folder, copied (links as links) like a run's.
  const materialDir = `${scratch}-task`;
  const staged = stageTask(opts.task, materialDir);
  let sandbox: SandboxRunner | null = null;
  const started = Date.now();
  try {
    transcript.write({
      type: 'regrade_start',
      previous_score: previous.score,
      previous_status: previous.status,
    });
    const plan = planSandbox(opts.task, {
      runId: `${opts.runId}__regrade_${randomBytes(2).toString('hex')}`,
      workspaceHost: scratch,
      logDir: dir.logsDir,
      // No agent runs in a re-grade: its sandbox lives for the grading alone.
      wallSeconds: 0,
    });
    const opened = await openSandbox(opts.task, plan);
    sandbox = opened.sandbox;
    rmSync(dir.graderOutputs, { recursive: true, force: true });
    mkdirSync(dir.graderOutputs, { recursive: true });
    const graded = await gradeInSandbox({
      task: staged,
      sandbox,
      dir,
      // A fresh sandbox has no agent processes to kill.
      killLeftovers: false,
      judgeCost,
      resolveJudge: opts.resolveJudge,
      transcript,
    });
    const status = graded.graderError ? 'grader_error' : 'completed';
    return await recordRun(
      opts.runsRoot,
      {
        ...previous,
        status,
        score: graded.score,
        passed: status === 'completed' && graded.passed,
        error: graded.graderError
          ? { kind: 'grader', message: graded.graderError }
          : previous.error?.kind === 'grader'
            ? null
            : previous.error,
        checks: graded.checks,
        judge_cost_usd: judgeCost.addTo(previous.judge_cost_usd),
        cost_usd: judgeCost.addTo(previous.cost_usd),
        timings: { ...previous.timings, grading_s: Math.round(Date.now() - started) / 1000 },
      },
      { runDir: dir.root },
    );
  } catch (err) {
    if (err instanceof SandboxError) throw new Error(`the re-grade sandbox failed: ${err.message}`);
    throw err;
  } finally {
    if (sandbox) await sandbox.stop().catch((err: Error) => warn(`sandbox cleanup failed: ${err.message}`));
    rmSync(scratch, { recursive: true, force: true });
    rmSync(materialDir, { recursive: true, force: true });
  }
}
