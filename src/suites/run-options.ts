/** What a suite run is asked to do, what it tells on the way and what it returns. */
import type { AgentSpec } from '../agents/index.js';
import type { PricingTable } from '../cost/index.js';
import type { ChatModel, ExchangeConfig, ModelConfig } from '../models/index.js';
import type { RunPhase, RunTaskOptions, RunTaskResult } from '../orchestrator/index.js';
import type { DockerHost } from '../sandbox/index.js';
import type { Capability } from '../tasks/index.js';
import type { Suite } from './load.js';
import type { RunBrief, SuiteRunStatus, SuiteSummary } from './summary.js';

/** Runs one task; `runTask` by default, injectable for tests and benchmarks. */
export type TaskRunner = (options: RunTaskOptions) => Promise<RunTaskResult>;

export type SuiteEvent =
  | {
      type: 'suite_start';
      suiteRunId: string;
      suiteId: string;
      model: string;
      tasks: Array<{ taskId: string; epochs: number; done: number }>;
      pending: number;
      resumed: boolean;
      /** What a resumed suite run had finished before (absent: nothing). */
      finished?: { runs: number; passed: number; tokens: number; cost_usd: number | null };
    }
  | { type: 'unit_start'; taskId: string; epoch: number; epochs: number }
  | {
      type: 'unit_phase';
      taskId: string;
      epoch: number;
      epochs: number;
      /** The run's phase, or building_image while it builds its task's image (part of setup). */
      phase: RunPhase | 'building_image';
      runId: string;
    }
  | { type: 'unit_end'; taskId: string; epoch: number; epochs: number; run: RunBrief }
  | { type: 'interrupting'; running: number }
  | { type: 'suite_end'; status: SuiteRunStatus; summary: SuiteSummary }
  | { type: 'warning'; message: string };

export interface RunSuiteOptions {
  /** A loaded suite or a suite file. Optional with `resume` (the recorded suite file is used). */
  suite?: Suite | string;
  /** The model name recorded on the suite run (default: the suite's `defaults.model`). */
  model?: string;
  /** The agent every run uses (default: the suite's `defaults.agent`, else the built-in agent). */
  agent?: AgentSpec;
  /** Supplies a fresh chat model per run (tests, benchmarks); by default runs resolve `model` by name. */
  createModel?: (taskId: string, epoch: number) => ChatModel;
  /** Runs at once (default: the suite's `defaults.concurrency`, else 1); per host with `dockerHosts`. */
  concurrency?: number;
  /**
   * Docker hosts to spread the runs over, each with its own concurrency (else
   * `concurrency`); default: the harness's own engine. A host that does not
   * answer is reported and skipped, and its runs go to the others.
   */
  dockerHosts?: DockerHost[];
  /** Runs per task (default: the suite's `defaults.epochs`, else 1); a task's own `epochs` wins. */
  epochs?: number;
  /** Folder holding run directories and runs.sqlite. */
  runsRoot: string;
  /** Aborting stops starting new runs, stops running ones cleanly and writes a partial report. */
  signal?: AbortSignal;
  /** At most these capabilities for any task (default: the suite's `defaults.capabilities`). */
  capabilities?: Capability[] | null;
  /** Runs every `total`-th task starting at `index` (0-based), in task id order. */
  shard?: { index: number; total: number };
  /** Task ids to run (others are skipped); `*` globs allowed. */
  tasks?: string[];
  /** Recorded on the suite run, for comparisons against a branch or label. */
  branch?: string | null;
  commit?: string | null;
  label?: string | null;
  /** Finish this interrupted suite run instead of starting a new one. */
  resume?: string;
  /** A suite run id to use (default: a new one). */
  suiteRunId?: string;
  pricing?: PricingTable;
  /** How a named model is reached (base URL, retries); passed to every run. */
  modelConfig?: ModelConfig;
  /** Record every model exchange of every run to a folder, or answer from one. */
  exchanges?: ExchangeConfig;
  onEvent?: (event: SuiteEvent) => void;
  /** Default: runTask from the orchestrator. */
  runTask?: TaskRunner;
  /**
   * A run that has not returned this long after its wall-time budget (setup,
   * image builds and grading included) is stopped and recorded as an
   * environment timeout. Default 900 s.
   */
  hardTimeoutGraceSeconds?: number;
  /** How long a stopped run may take to return before it is given up on. Default 60 s. */
  stopGraceSeconds?: number;
}

export interface SuiteRunOutcome {
  suiteRunId: string;
  status: SuiteRunStatus;
  summary: SuiteSummary;
  /** `runs/<suite_run_id>/`. */
  dir: string;
  reportPath: string;
  summaryPath: string;
}
