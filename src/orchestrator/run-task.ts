import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  AgentInstallError,
  type AgentOutcome,
  type AgentSpec,
  agentInfo,
  BUILTIN_AGENT,
  resolveModel,
} from '../agents/index.js';
import { BudgetEnforcer } from '../budgets/index.js';
import { CostTracker, loadPricing, type PricingTable } from '../cost/index.js';
import {
  type GradeResult,
  grade,
  judgeForRun,
  type PreparedGrading,
  prepareGrading,
} from '../judges/index.js';
import {
  type ChatModel,
  type ExchangeConfig,
  ExchangeStore,
  type ModelConfig,
  ModelError,
  ModelGateway,
} from '../models/index.js';
import {
  blankRunResult,
  type CheckOutcome,
  newRunId,
  RunDirectory,
  type RunResult,
  type RunStatus,
  recordRun,
  redactFilesUnder,
  TranscriptWriter,
} from '../runs/index.js';
import {
  type DockerEngine,
  OUTPUT_LIMITS,
  SANDBOX_PATHS,
  SandboxError,
  type SandboxRunner,
} from '../sandbox/index.js';
import { type Budget, type Capability, loadTask, stageTask, type Task } from '../tasks/index.js';
import { Toolbox } from '../tools/index.js';
import { type AgentPhaseContext, type PreparedAgent, prepareAgent, runAgentPhase } from './agent-phase.js';
import { openSandbox, planSandbox, type SandboxPlan } from './sandbox.js';

export type RunPhase = 'setup' | 'agent' | 'grading' | 'done';

export interface RunTaskOptions {
  /** A loaded task, or a task folder to load. */
  task: Task | string;
  /** A model name (`oracle`, `null`, `openai/gpt-4o-mini`) or a ready chat model (tests). */
  model: string | ChatModel;
  /** The agent that works on the task: the built-in loops (default) or an agent folder. */
  agent?: AgentSpec;
  /** Folder holding run directories and runs.sqlite. */
  runsRoot: string;
  suiteRunId?: string | null;
  epoch?: number;
  /** Overrides of the manifest's budget (e.g. from `run --max-tool-calls`). */
  budget?: Partial<Budget>;
  /** Overrides the manifest's agent.max_turns. */
  maxTurns?: number;
  pricing?: PricingTable;
  /** How a named model is reached: base URL, retry policy (ignored for a ready ChatModel). */
  modelConfig?: ModelConfig;
  /** Record every model exchange (agent and judge) to a folder, or answer from one without calling any model. */
  exchanges?: ExchangeConfig | undefined;
  /** Aborting stops the agent; the run is recorded as interrupted. */
  signal?: AbortSignal;
  onPhase?: (phase: RunPhase, runId: string) => void;
  /** Told when the run starts and stops building its task's image (part of setup; builds can take minutes). */
  onImageBuild?: (state: 'start' | 'end', tag: string) => void;
  warn?: (message: string) => void;
  /** Progress worth telling a person, such as an image build that may take minutes. */
  notice?: (message: string) => void;
  /** Per tool call, before clipping to the remaining wall time. */
  toolTimeoutMs?: number;
  /** The stdio of an MCP client that is the agent (`factory-bench mcp`). */
  mcpIo?: AgentPhaseContext['mcpIo'];
  /** Resolves LLM-rubric judge models by name (tests pass scripted judges); default: the agents' resolveModel. */
  resolveJudge?: (name: string) => Promise<ChatModel>;
  /** The Docker engine the run's sandbox is on (default: the harness's own; see --docker-host). */
  engine?: DockerEngine | undefined;
  /** At most these capabilities, whatever the task asks (`--capabilities`, a suite's `defaults.capabilities`). */
  maxCapabilities?: readonly Capability[] | null;
}

export interface RunTaskResult {
  result: RunResult;
  runDir: string;
}

const DEFAULT_TOOL_TIMEOUT_MS = 180_000;

/**
 * Runs one task with one model from start to finish: snapshot, sandbox,
 * agent, grading, persistence. Never throws for a failed run: every ending,
 * including a crash or an interrupt, leaves a readable result.json and an index row.
 */
export async function runTask(opts: RunTaskOptions): Promise<RunTaskResult> {
  const task = typeof opts.task === 'string' ? loadTask(opts.task) : opts.task;
  const modelName = typeof opts.model === 'string' ? opts.model : opts.model.name;
  const manifest = task.manifest;
  const startedAt = new Date();
  const runId = newRunId(manifest.id, modelName, startedAt);
  const dir = new RunDirectory(opts.runsRoot, runId);
  const warn = opts.warn ?? (() => {});
  dir.create();
  dir.writeText(path.basename(dir.manifestSnapshotPath), stringify(manifest));
  dir.seedWorkspace(task.paths.workspace);
  // The agent works on a copy so that workspace/ stays the seeded snapshot (for diffs and audits).
  cpSync(dir.workspace, dir.workspaceFinal, { recursive: true, verbatimSymlinks: true });
  // Grading material and the solution: the sandbox gets these copies, never the task folder's files.
  const staged = stageTask(task, dir.materialDir);
  const transcript = new TranscriptWriter(dir.transcriptPath);
  const budgetLimits = { ...manifest.budget, ...opts.budget };
  const pricing = opts.pricing ?? loadPricing();
  const warnInTranscript = (message: string) => {
    warn(message);
    transcript.write({ type: 'warning', message });
  };
  const cost = new CostTracker(pricing, warnInTranscript);
  // The judge's spend is the run's cost too, but never the agent's budget.
  const judgeCost = new CostTracker(pricing, warnInTranscript);

  const timings = { setup_s: 0, agent_s: 0, grading_s: 0, total_s: 0 };
  let status: RunStatus = 'crashed';
  let error: RunResult['error'] = { kind: 'crashed', message: 'the harness stopped before the run finished' };
  let outcome: AgentOutcome | null = null;
  let checks: CheckOutcome[] = [];
  let score = 0;
  let passed = false;
  let sandbox: SandboxRunner | null = null;
  let preparedAgent: PreparedAgent | null = null;
  let stopping: Promise<void> = Promise.resolve();
  const agent = opts.agent ?? BUILTIN_AGENT;
  // workspace_final/ gets the sandbox's workspace once the agent's processes are gone (or at the end), copied once.
  let workspaceSaving: Promise<void> | null = null;
  const saveWorkspace = (from: SandboxRunner): Promise<void> => {
    workspaceSaving ??= from.saveWorkspace().then(({ skipped }) => {
      for (const entry of skipped) warnInTranscript(`workspace_final/ lacks an entry: ${entry}`);
    });
    workspaceSaving.catch(() => {}); // handled where awaited; an early failure is not "unhandled"
    return workspaceSaving;
  };

  // The sandbox is planned once, its kind included; a plan that fails (a bad FACTORY_BENCH_SANDBOX) ends the run below.
  let plan: SandboxPlan | null = null;
  let planError: unknown = null;
  try {
    plan = planSandbox(task, {
      runId,
      workspaceHost: dir.workspaceFinal,
      logDir: dir.logsDir,
      wallSeconds: budgetLimits.max_wall_seconds,
      engine: opts.engine,
      oracle: modelName === 'oracle',
      maxCapabilities: opts.maxCapabilities ?? null,
      readOnlyCopies: {
        // The reference solution is visible only to the oracle.
        ...(modelName === 'oracle' ? { [staged.paths.solution]: SANDBOX_PATHS.solution } : {}),
        // git_diff compares the agent's workspace with the pristine seed.
        ...(manifest.tools.enabled.includes('git_diff') ? { [dir.workspace]: SANDBOX_PATHS.seed } : {}),
      },
    });
  } catch (err) {
    planError = err;
  }
  const buildResult = (): RunResult =>
    blankRunResult(
      {
        task: manifest,
        format: task.format,
        runId,
        model: modelName,
        suiteRunId: opts.suiteRunId,
        epoch: opts.epoch,
        startedAt,
      },
      {
        status,
        score,
        passed,
        kill_reason: outcome?.killReason ?? (status === 'interrupted' ? 'interrupted' : null),
        stop_reason: outcome?.stopReason ?? (status === 'interrupted' ? 'interrupted' : 'not_started'),
        error,
        tokens: {
          input: cost.usage.input_tokens,
          cached_input: cost.usage.cached_input_tokens,
          output: cost.usage.output_tokens,
          total: cost.totalTokens,
        },
        // Judge calls come after the agent's in the transcript: added in that order, the total is their exact sum.
        cost_usd: judgeCost.addTo(cost.totalUsd),
        judge_cost_usd: judgeCost.totalUsd,
        turns: outcome?.turns ?? 0,
        tool_calls: outcome?.toolCalls ?? 0,
        timings: { ...timings, total_s: round((Date.now() - startedAt.getTime()) / 1000) },
        checks,
        // The planned kind even when the sandbox failed to start (a compose task whose sidecar never got healthy).
        sandbox: plan?.kind ?? 'docker',
        docker_host: opts.engine?.name ?? 'default',
        isolation: {
          capabilities: plan?.capabilities ?? [],
          internet: plan?.network?.internet === true,
          allowed_hosts: plan?.network?.allow ?? [],
          user: plan?.user ?? null,
          processes_kept: manifest.grader.keep_processes,
        },
        agent: agentInfo(agent),
      },
    );
  // Written first so that a harness killed mid-run still leaves a readable reason.
  dir.writeResult(buildResult());

  try {
    opts.onPhase?.('setup', runId);
    const phaseStart = Date.now();
    const replaying = opts.exchanges?.mode === 'replay';
    // A replay sends nothing: the model needs no key.
    const modelConfig = { ...opts.modelConfig, ...(replaying ? { keyOptional: true } : {}) };
    const exchanges = opts.exchanges ? new ExchangeStore(opts.exchanges) : null;
    const model = typeof opts.model === 'string' ? await resolveModel(opts.model, modelConfig) : opts.model;
    if (!plan) throw planError;
    preparedAgent = await prepareAgent(agent, {
      sandboxKind: plan.kind,
      engine: plan.engine,
      logDir: dir.logsDir,
      notice: opts.notice,
    });
    const gatewaySocketDir = preparedAgent.gatewaySocketDir;
    const opened = await openSandbox(
      task,
      gatewaySocketDir ? { ...plan, modelGateway: { socketDir: gatewaySocketDir } } : plan,
      {
        notice: opts.notice,
        deriveImage: preparedAgent.deriveImage,
        onImageBuild: opts.onImageBuild,
      },
    );
    sandbox = opened.sandbox;
    const image = opened.image;
    timings.setup_s = round((Date.now() - phaseStart) / 1000);
    transcript.write({ type: 'sandbox_ready', sandbox: sandbox.kind, image, setup_s: timings.setup_s });

    opts.onPhase?.('agent', runId);
    const agentStart = Date.now();
    // The wall-time budget is the agent's: it starts when the sandbox is ready.
    const budget = new BudgetEnforcer(budgetLimits);
    transcript.write({ type: 'budget', ...budgetLimits });
    const gateway = new ModelGateway({ model, cost, budget, transcript, signal: opts.signal, exchanges });
    outcome = await runAgentPhase({
      agent,
      task,
      prepared: preparedAgent,
      logDir: dir.logsDir,
      ...(opts.mcpIo ? { mcpIo: opts.mcpIo } : {}),
      instructions: manifest.instructions,
      systemPrompt: manifest.agent.system_prompt,
      temperature: manifest.agent.temperature,
      gateway,
      toolbox: new Toolbox(manifest.tools.enabled),
      sandbox,
      budget,
      transcript,
      maxTurns: opts.maxTurns ?? manifest.agent.max_turns,
      toolTimeoutMs: opts.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
      maxToolOutputBytes: OUTPUT_LIMITS.toModelBytes,
      signal: opts.signal,
    });
    timings.agent_s = round((Date.now() - agentStart) / 1000);
    transcript.write({
      type: 'agent_end',
      stop_reason: outcome.stopReason,
      kill_reason: outcome.killReason,
      final_answer: outcome.finalAnswer,
      error: outcome.error,
    });

    if (opts.signal?.aborted) {
      status = 'interrupted';
      error = { kind: 'interrupted', message: 'the run was interrupted before grading' };
    } else {
      opts.onPhase?.('grading', runId);
      const gradeStart = Date.now();
      const graded = await gradeInSandbox({
        task: staged,
        sandbox,
        dir,
        // A task graded on what the agent left running (a server) keeps its processes.
        killLeftovers: !manifest.grader.keep_processes,
        saveWorkspace: () => saveWorkspace(sandbox as SandboxRunner),
        judgeCost,
        // The judge is resolved on its own: the agent's base URL (e.g. a local vLLM) is not the judge's.
        resolveJudge:
          opts.resolveJudge ??
          ((name) =>
            resolveModel(name, {
              ...(modelConfig.requestTimeoutMs ? { requestTimeoutMs: modelConfig.requestTimeoutMs } : {}),
              ...(replaying ? { keyOptional: true } : {}),
            })),
        transcript,
        exchanges,
      });
      timings.grading_s = round((Date.now() - gradeStart) / 1000);
      checks = graded.checks;
      score = graded.score;
      passed = graded.passed;
      status = graded.graderError ? 'grader_error' : 'completed';
      error = graded.graderError ? { kind: 'grader', message: graded.graderError } : outcome.error;
    }
  } catch (err) {
    if (err instanceof SandboxError) {
      status = 'environment_error';
      error = { kind: `environment:${err.kind}`, message: err.message };
    } else if (err instanceof AgentInstallError) {
      status = 'environment_error';
      error = { kind: 'environment:agent_install', message: err.message };
    } else if (err instanceof ModelError) {
      // A model that cannot even be set up (no key, unknown provider) is a configuration problem.
      status = 'environment_error';
      error = { kind: `model_${err.kind}`, message: err.message };
    } else if (opts.signal?.aborted) {
      status = 'interrupted';
      error = { kind: 'interrupted', message: 'the run was interrupted' };
    } else {
      status = 'crashed';
      error = { kind: 'crashed', message: err instanceof Error ? err.message : String(err) };
    }
    transcript.write({ type: 'run_error', status, error });
  } finally {
    if (sandbox) {
      // A run that ended before grading (interrupted, crashed) still keeps what the agent left.
      const open = sandbox;
      await saveWorkspace(open).catch((err: Error) =>
        warnInTranscript(`workspace_final/ may be incomplete: ${err.message}`),
      );
      // The sandbox is removed while the run is recorded; the run ends once both are done.
      stopping = open
        .stop()
        .catch((err: Error) => warn(`sandbox cleanup failed for ${runId}: ${err.message}`));
    }
  }
  try {
    if (status !== 'completed') passed = false;
    // What came out of the sandbox and what other tools logged: no registered secret stays on disk.
    redactFilesUnder(dir.workspaceFinal);
    redactFilesUnder(dir.logsDir);
    const result = await recordRun(opts.runsRoot, buildResult(), { runDir: dir.root });
    opts.onPhase?.('done', runId);
    return { result, runDir: dir.root };
  } finally {
    await stopping;
    // After the sandbox is gone: the agent's gateway socket and the run's material served it.
    preparedAgent?.cleanup();
    rmSync(dir.materialDir, { recursive: true, force: true });
  }
}

/** Grades a stopped run's sandbox: leftovers killed, grader files copied in, checks run, judge accounted. */
export async function gradeInSandbox(opts: {
  task: Task;
  sandbox: SandboxRunner;
  dir: RunDirectory;
  killLeftovers: boolean;
  /** Copies the workspace out to workspace_final/ once leftovers are dead, before any check; once however often called. */
  saveWorkspace?: () => Promise<void>;
  judgeCost: CostTracker;
  resolveJudge?: ((name: string) => Promise<ChatModel>) | undefined;
  transcript: TranscriptWriter;
  exchanges?: ExchangeStore | null;
}): Promise<GradeResult> {
  const { task, sandbox, dir } = opts;
  let prepared: PreparedGrading;
  try {
    prepared = await prepareGrading(sandbox, task, {
      killLeftovers: opts.killLeftovers,
      // The copy out needs only the agent's processes gone: it runs while the grader files go in.
      onLeftoversKilled: () => void opts.saveWorkspace?.().catch(() => {}),
    });
  } catch (err) {
    if (err instanceof SandboxError) throw err;
    const message = `could not prepare grading: ${(err as Error).message}`;
    return { checks: [], score: 0, passed: false, graderError: message };
  }
  // The judge reads workspace_final/ on the host: it must hold the agent's work first.
  await opts.saveWorkspace?.();
  opts.transcript.write({
    type: 'grading_start',
    killed_processes: prepared.killedProcesses,
    unkillable_processes: prepared.leftProcesses,
    grader_dir: prepared.graderDir,
  });
  const judge = judgeForRun({
    task,
    resolve: opts.resolveJudge ?? ((name) => resolveModel(name)),
    cacheDir: path.join(dir.runsRoot, '.judge-cache'),
    cost: opts.judgeCost,
    transcriptPath: dir.transcriptPath,
    seedWorkspace: dir.workspace,
    finalWorkspace: dir.workspaceFinal,
    transcript: opts.transcript,
    exchanges: opts.exchanges ?? null,
  });
  const graded = await grade({
    task,
    sandbox,
    outputsDir: dir.graderOutputs,
    graderDir: prepared.graderDir,
    solutionDir: prepared.solutionDir,
    judge,
  });
  opts.transcript.write({
    type: 'graded',
    score: graded.score,
    passed: graded.passed,
    judge_cost_usd: opts.judgeCost.totalUsd,
    checks: graded.checks,
  });
  return graded;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
