import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadDotEnv } from '../../models/index.js';
import { REGRADABLE_STATUSES, regradeRun } from '../../orchestrator/index.js';
import { registerEnvSecrets } from '../../runs/index.js';
import { taskFromSnapshot } from '../../tasks/index.js';
import { defaultRunsDir, defaultTasksDir, EXIT, findRun, info, printJson, UserError } from '../common.js';
import { exitCodeFor, formatRunSummary, writeRunPage } from './run.js';

export function registerGradeCommands(program: Command): void {
  program
    .command('grade')
    .description(
      "Grade a recorded run again from its workspace_final/ in a fresh sandbox, with the checks of the run's " +
        'manifest snapshot and the fixtures of its task folder; updates result.json and runs.sqlite. ' +
        'LLM rubric answers are cached, so re-grading unchanged work makes no model call.',
    )
    .argument('<run_id>', 'a run id, or a unique prefix of one')
    .option('--task <dir>', 'the task folder (default: <tasks dir>/<task id>)')
    .option('--runs-dir <dir>', 'where run directories and runs.sqlite live', defaultRunsDir())
    .option('--json', 'print the new result.json instead of the summary')
    .addHelpText('after', '\nExit codes: 0 passed, 1 failed, 2 bad input, 3 environment/grader error.')
    .action(async (runIdArg: string, opts: { task?: string; runsDir: string; json?: boolean }) => {
      loadDotEnv();
      registerEnvSecrets();
      const { runId, runDir, result: previous } = await findRun(opts.runsDir, runIdArg);
      if (!REGRADABLE_STATUSES.has(previous.status))
        throw new UserError(
          `run ${runId} ended with status ${previous.status} before it was graded; only completed runs can be re-graded`,
        );
      if (!existsSync(path.join(runDir, 'workspace_final')))
        throw new UserError(`run ${runId} has no workspace_final/ to grade (${runDir})`, EXIT.error);
      const taskDir = path.resolve(opts.task ?? path.join(defaultTasksDir(), previous.task_id));
      if (!existsSync(taskDir))
        throw new UserError(
          `task folder ${taskDir} for task ${previous.task_id} does not exist; pass --task DIR`,
        );
      const task = taskFromSnapshot(runDir, taskDir);
      info(`re-grading ${runId} with the fixtures in ${taskDir}`);
      const result = await regradeRun({
        runsRoot: path.dirname(runDir),
        runId,
        task,
        warn: (m) => info(`warning: ${m}`),
      });
      if (opts.json) printJson(result);
      else process.stdout.write(`${formatRunSummary(result, runDir)}\n`);
      writeRunPage(path.dirname(runDir), result);
      process.exitCode = exitCodeFor(result);
    });
}
