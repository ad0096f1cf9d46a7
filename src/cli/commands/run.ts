import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { loadAgent } from '../../agents/index.js';
import { runTask } from '../../orchestrator/index.js';
import { writeRunReport } from '../../report/index.js';
import {
  describeAgent,
  findRunsById,
  indexExists,
  type RunRecord,
  type RunResult,
  readIndex,
} from '../../runs/index.js';
import { type Capability, loadTask, MAX_DURATION_S } from '../../tasks/index.js';
import {
  CAPABILITIES_HELP,
  defaultRunsDir,
  EXIT,
  findRun,
  info,
  parseCapabilities,
  printJson,
  UserError,
} from '../common.js';
import {
  addDockerHostOptions,
  DOCKER_HOST_HELP,
  type DockerHostFlags,
  singleDockerHost,
} from '../docker-hosts.js';
import { onInterrupt } from '../interrupt.js';
import { addModelIoOptions, type ModelIoFlags, prepareModelOptions } from '../model-options.js';

/** The human summary of one run. */
export function formatRunSummary(r: RunResult, runDir: string | null): string {
  const lines = [
    `run_id: ${r.run_id}`,
    `task: ${r.task_id}`,
    `model: ${r.model}`,
    `agent: ${describeAgent(r.agent)}`,
    `status: ${r.status}`,
    `passed: ${r.passed}`,
    `score: ${r.score.toFixed(2)}`,
    `kill_reason: ${r.kill_reason ?? 'none'}`,
    `stop_reason: ${r.stop_reason}`,
    `tokens: ${r.tokens.total} (in ${r.tokens.input}, out ${r.tokens.output})`,
    `cost_usd: ${r.cost_usd === null ? 'unknown (model not priced)' : r.cost_usd.toFixed(4)}`,
    `turns: ${r.turns}, tool_calls: ${r.tool_calls}`,
    `time: ${r.timings.total_s.toFixed(1)}s (setup ${r.timings.setup_s.toFixed(1)}s, agent ${r.timings.agent_s.toFixed(1)}s, grading ${r.timings.grading_s.toFixed(1)}s)`,
  ];
  if (r.task.format && r.task.format !== 'factory-bench') lines.push(`task format: ${r.task.format}`);
  if (r.isolation) lines.push(`sandbox: ${describeIsolation(r.sandbox, r.isolation)}`);
  if (r.error) lines.push(`error: ${r.error.kind}: ${r.error.message}`);
  for (const c of r.checks)
    lines.push(
      `  check ${c.name} [${c.tier}${c.gating ? ', gating' : ''}, w=${c.weight}]: ${c.status} - ${c.explanation.replaceAll('\n', '\n    ')}`,
    );
  if (runDir) lines.push(`run_dir: ${runDir}`);
  return lines.join('\n');
}

/** The sandbox a run had, said plainly: what it allowed beyond the locked-down default. */
export function describeIsolation(kind: string, iso: NonNullable<RunResult['isolation']>): string {
  const internet = iso.internet
    ? 'the open internet'
    : iso.allowed_hosts.length > 0
      ? `only ${iso.allowed_hosts.join(', ')}`
      : 'no network';
  return [
    kind,
    `capabilities added: ${iso.capabilities.join(', ') || 'none'}`,
    internet,
    ...(iso.user ? [`agent user: ${iso.user}`] : []),
    `agent processes ${iso.processes_kept ? 'kept' : 'killed'} at grading`,
  ].join('; ');
}

/** The human summary of a run known only from the index. */
export function formatRunRecord(r: RunRecord): string {
  const lines = [
    `run_id: ${r.run_id}`,
    `task: ${r.task_id}`,
    `model: ${r.model}`,
    `agent: ${r.agent ?? 'builtin'}`,
    `suite_run: ${r.suite_run_id ?? 'none'}${r.suite_run_id ? ` (epoch ${r.epoch + 1})` : ''}`,
    `status: ${r.status}`,
    `passed: ${r.passed}`,
    `score: ${r.score.toFixed(2)}`,
    `kill_reason: ${r.kill_reason ?? 'none'}`,
    `stop_reason: ${r.stop_reason ?? 'unknown'}`,
    `tokens: ${r.total_tokens}`,
    `cost_usd: ${r.cost_usd === null ? 'unknown (model not priced)' : r.cost_usd.toFixed(4)}`,
    `turns: ${r.turns}, tool_calls: ${r.tool_calls}`,
    `time: ${r.wall_seconds.toFixed(1)}s`,
    `started_at: ${r.started_at}`,
  ];
  if (r.error_kind) lines.push(`error: ${r.error_kind}: ${r.error_message ?? ''}`);
  return lines.join('\n');
}

/**
 * A run by id or unique prefix: with its result.json when the run folder is
 * here, else just its index row (any run in the index can be shown).
 */
async function findRunAnywhere(
  runsDir: string,
  runId: string,
): Promise<{ runDir: string; result: RunResult } | { record: RunRecord }> {
  const dbPath = path.join(path.resolve(runsDir), 'runs.sqlite');
  if (!indexExists(dbPath))
    throw new UserError(`no runs index at ${dbPath}; run a task first or pass --runs-dir`);
  const rows = await readIndex(dbPath, (db) => findRunsById(db, runId, 2));
  const record = rows.find((r) => r.run_id === runId) ?? (rows.length === 1 ? rows[0] : undefined);
  if (rows.length === 0) throw new UserError(`no run ${runId} in ${dbPath}`);
  if (!record) throw new UserError(`${runId} matches more than one run; give more of the id`);
  const runDir = record.run_dir ?? path.join(path.resolve(runsDir), record.run_id);
  if (existsSync(path.join(runDir, 'result.json'))) {
    const { result } = await findRun(runsDir, record.run_id);
    return { runDir, result };
  }
  return { record };
}

/** run.html beside result.json; a page that cannot be written is a warning, never a failed run. */
export function writeRunPage(runsDir: string, result: RunResult): void {
  try {
    info(`report: ${writeRunReport(runsDir, result).path}`);
  } catch (err) {
    info(`warning: could not write run.html: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Exit code for a finished run: 0 passed, 1 failed, 3 broken, 130 interrupted. */
export function exitCodeFor(r: RunResult): number {
  if (r.status === 'interrupted') return EXIT.interrupted;
  if (r.status !== 'completed') return EXIT.error;
  return r.passed ? EXIT.ok : EXIT.failed;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** Seconds for a flag: positive and at most a day, like every duration in a manifest. */
function durationSeconds(value: string): number {
  const n = positiveNumber(value);
  if (n > MAX_DURATION_S)
    throw new InvalidArgumentError(`expected at most ${MAX_DURATION_S} seconds (a day)`);
  return n;
}

function positiveInteger(value: string): number {
  const n = positiveNumber(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

interface RunFlags extends ModelIoFlags, DockerHostFlags {
  task: string;
  model: string;
  agent?: string;
  runsDir: string;
  json?: boolean;
  baseUrl?: string;
  pricing?: string;
  maxTokens?: number;
  maxToolCalls?: number;
  maxWallSeconds?: number;
  maxCostUsd?: number;
  maxTurns?: number;
  toolTimeout?: number;
  capabilities?: Capability[];
}

export function registerRunCommands(program: Command): void {
  const run = program
    .command('run')
    .description('Run one task with one model in a sandbox, grade it, and record it under the runs folder')
    .requiredOption('--task <dir>', 'task folder (our task.yaml, or a Harbor folder with task.toml)')
    .requiredOption('--model <name>', 'oracle, null, or provider/model such as openai/gpt-4o-mini')
    .option(
      '--agent <agent>',
      "builtin (default: the loop the task's tools.style picks), or an agent folder with agent.yaml",
      'builtin',
    )
    .option('--runs-dir <dir>', 'where run directories and runs.sqlite live', defaultRunsDir())
    .option('--json', 'print result.json instead of the summary')
    .option(
      '--base-url <url>',
      'an OpenAI-compatible endpoint (vLLM, Ollama, OpenRouter, Azure); default OPENAI_BASE_URL',
    )
    .option(
      '--pricing <file>',
      'your own pricing YAML, overriding shipped prices per model (or FACTORY_BENCH_PRICING)',
    )
    .option('--max-tokens <n>', "override the task's token budget", positiveInteger)
    .option('--max-tool-calls <n>', "override the task's tool-call budget", positiveInteger)
    .option('--max-wall-seconds <s>', "override the task's wall-time budget", durationSeconds)
    .option('--max-cost-usd <usd>', "override the task's dollar budget", positiveNumber)
    .option('--max-turns <n>', "override the task's agent.max_turns", positiveInteger)
    .option(
      '--tool-timeout <s>',
      'seconds one tool call may take (default 180; never past the wall-time budget)',
      durationSeconds,
    )
    .option('--capabilities <list>', CAPABILITIES_HELP, parseCapabilities);
  addDockerHostOptions(run, false);
  addModelIoOptions(run)
    .addHelpText(
      'after',
      '\nAPI keys come from the environment or a .env file in the current folder: OPENAI_API_KEY, or\n' +
        '<PROVIDER>_API_KEY (e.g. OPENROUTER_API_KEY). A budget breach stops the agent; the run is still graded.\n' +
        `\n--docker-host: ${DOCKER_HOST_HELP}.\n` +
        'Nothing of this machine is mounted into the sandbox, so a remote engine works; images it lacks are\n' +
        'loaded from your own engine when it has them (docker save | docker load), else built or pulled there.\n' +
        '\nExit codes: 0 passed, 1 failed, 2 bad input, 3 environment/grader error, 130 interrupted.',
    )
    .action(async (opts: RunFlags) => {
      const task = loadTask(opts.task);
      const agent = loadAgent(opts.agent ?? 'builtin');
      const { pricing, modelConfig, exchanges } = prepareModelOptions(opts);
      const host = await singleDockerHost(opts);
      const budget = {
        ...(opts.maxTokens ? { max_tokens: opts.maxTokens } : {}),
        ...(opts.maxToolCalls ? { max_tool_calls: opts.maxToolCalls } : {}),
        ...(opts.maxWallSeconds ? { max_wall_seconds: opts.maxWallSeconds } : {}),
        ...(opts.maxCostUsd ? { max_cost_usd: opts.maxCostUsd } : {}),
      };
      const controller = new AbortController();
      const release = onInterrupt(() => {
        info('interrupt: stopping the agent and cleaning up (press Ctrl-C again to force)');
        controller.abort();
      });
      try {
        const { result, runDir } = await runTask({
          task,
          model: opts.model,
          agent,
          modelConfig,
          exchanges,
          pricing,
          budget,
          maxTurns: opts.maxTurns,
          ...(host ? { engine: host.engine } : {}),
          ...(opts.capabilities ? { maxCapabilities: opts.capabilities } : {}),
          ...(opts.toolTimeout ? { toolTimeoutMs: opts.toolTimeout * 1000 } : {}),
          runsRoot: path.resolve(opts.runsDir),
          signal: controller.signal,
          warn: (m) => info(`warning: ${m}`),
          notice: (m) => info(m),
          onPhase: (phase, runId) => info(`[${new Date().toISOString().slice(11, 19)}] ${runId}: ${phase}`),
        });
        if (opts.json) printJson(result);
        else process.stdout.write(`${formatRunSummary(result, runDir)}\n`);
        writeRunPage(path.resolve(opts.runsDir), result);
        process.exitCode = exitCodeFor(result);
      } finally {
        release();
      }
    });

  program
    .command('show-run')
    .description('Show one run from the index (runs.sqlite) and its result.json')
    .argument('<run_id>', 'a run id, or a unique prefix of one')
    .option('--runs-dir <dir>', 'where run directories and runs.sqlite live', defaultRunsDir())
    .option('--json', 'print result.json')
    .action(async (runId: string, opts: { runsDir: string; json?: boolean }) => {
      const found = await findRunAnywhere(opts.runsDir, runId);
      if ('result' in found) {
        if (opts.json) printJson(found.result);
        else process.stdout.write(`${formatRunSummary(found.result, found.runDir)}\n`);
        return;
      }
      // The run folder is not on this machine (e.g. only runs.sqlite was restored from a CI cache): show the index row.
      info(
        `note: ${found.record.run_dir ?? 'the run folder'} is not here; showing what runs.sqlite recorded`,
      );
      if (opts.json) printJson(found.record);
      else process.stdout.write(`${formatRunRecord(found.record)}\n`);
    });
}
