import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { runTask } from '../../orchestrator/index.js';
import { queryAll, RunDirectory, type RunResult, readIndex, registerEnvSecrets } from '../../runs/index.js';
import { loadTask } from '../../tasks/index.js';
import { defaultRunsDir, EXIT, info, printJson, UserError } from '../common.js';
import { onInterrupt } from '../interrupt.js';

/** The human summary of one run. */
export function formatRunSummary(r: RunResult, runDir: string | null): string {
  const lines = [
    `run_id: ${r.run_id}`,
    `task: ${r.task_id}`,
    `model: ${r.model}`,
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
  if (r.error) lines.push(`error: ${r.error.kind}: ${r.error.message}`);
  for (const c of r.checks)
    lines.push(
      `  check ${c.name} [${c.tier}${c.gating ? ', gating' : ''}, w=${c.weight}]: ${c.status} - ${c.explanation}`,
    );
  if (runDir) lines.push(`run_dir: ${runDir}`);
  return lines.join('\n');
}

/** Exit code for a finished run: 0 passed, 1 failed, 3 broken, 130 interrupted. */
export function exitCodeFor(r: RunResult): number {
  if (r.status === 'interrupted') return EXIT.interrupted;
  if (r.status !== 'completed') return EXIT.error;
  return r.passed ? EXIT.ok : EXIT.failed;
}

export function registerRunCommands(program: Command): void {
  program
    .command('run')
    .description('Run one task with one model in a sandbox, grade it, and record it under the runs folder')
    .requiredOption('--task <dir>', 'task folder (or its task.yaml)')
    .requiredOption('--model <name>', 'oracle, null, or provider/model such as openai/gpt-4o-mini')
    .option('--runs-dir <dir>', 'where run directories and runs.sqlite live', defaultRunsDir())
    .option('--json', 'print result.json instead of the summary')
    .addHelpText(
      'after',
      '\nExit codes: 0 passed, 1 failed, 2 bad input, 3 environment/grader error, 130 interrupted.',
    )
    .action(async (opts: { task: string; model: string; runsDir: string; json?: boolean }) => {
      registerEnvSecrets();
      const task = loadTask(opts.task);
      const controller = new AbortController();
      const release = onInterrupt(() => {
        info('interrupt: stopping the agent and cleaning up (press Ctrl-C again to force)');
        controller.abort();
      });
      try {
        const { result, runDir } = await runTask({
          task,
          model: opts.model,
          runsRoot: path.resolve(opts.runsDir),
          signal: controller.signal,
          warn: (m) => info(`warning: ${m}`),
          onPhase: (phase, runId) => info(`[${new Date().toISOString().slice(11, 19)}] ${runId}: ${phase}`),
        });
        if (opts.json) printJson(result);
        else process.stdout.write(`${formatRunSummary(result, runDir)}\n`);
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
      const dbPath = path.join(path.resolve(opts.runsDir), 'runs.sqlite');
      if (!existsSync(dbPath))
        throw new UserError(`no runs index at ${dbPath}; run a task first or pass --runs-dir`);
      const rows = await readIndex(dbPath, (db) =>
        queryAll(
          db,
          'SELECT run_id, run_dir FROM runs WHERE run_id = ? OR run_id LIKE ? ORDER BY started_at DESC LIMIT 2',
          [runId, `${runId}%`],
        ),
      );
      const exact = rows.find((r) => r.run_id === runId);
      if (rows.length === 0) throw new UserError(`no run ${runId} in ${dbPath}`);
      if (!exact && rows.length > 1)
        throw new UserError(`${runId} matches more than one run; give more of the id`);
      const row = exact ?? rows[0];
      const runDir = String(row?.run_dir ?? path.join(path.resolve(opts.runsDir), String(row?.run_id)));
      const result = new RunDirectory(path.dirname(runDir), path.basename(runDir)).readResult();
      if (!result)
        throw new UserError(
          `run ${String(row?.run_id)} is indexed but ${runDir}/result.json is missing`,
          EXIT.error,
        );
      if (opts.json) printJson(result);
      else process.stdout.write(`${formatRunSummary(result, runDir)}\n`);
    });
}
