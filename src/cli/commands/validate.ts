import path from 'node:path';
import type { Command } from 'commander';
import { loadAgent } from '../../agents/index.js';
import { formatValidationLine, type TaskValidation, validateTasks } from '../../orchestrator/index.js';
import { registerEnvSecrets } from '../../runs/index.js';
import { type Capability, discoverTaskDirs, loadTask, ManifestError, type Task } from '../../tasks/index.js';
import {
  CAPABILITIES_HELP,
  defaultRunsDir,
  defaultTasksDir,
  EXIT,
  info,
  parseCapabilities,
  printJson,
  UserError,
} from '../common.js';
import { onInterrupt } from '../interrupt.js';
import { addModelIoOptions, type ModelIoFlags, modelIoOptions } from '../model-options.js';
import { positiveInteger } from './suite.js';

interface ValidateFlags extends ModelIoFlags {
  task: string[];
  all?: boolean;
  tasksDir?: string;
  runsDir: string;
  json?: boolean;
  concurrency: number;
  agent?: string;
  capabilities?: Capability[];
}

/** 0 every task sound, 1 a task is unsound, 3 a run could not decide (environment), 130 interrupted. */
export function exitCodeForValidations(results: TaskValidation[]): number {
  const kinds = new Set(results.flatMap((r) => r.problems.map((p) => p.kind)));
  if (kinds.has('interrupted')) return EXIT.interrupted;
  if (kinds.has('oracle_failed') || kinds.has('null_passed')) return EXIT.failed;
  if (kinds.has('environment_error')) return EXIT.error;
  return EXIT.ok;
}

/** Loads every task first so that one bad manifest stops the command before any sandbox starts. */
function selectTasks(flags: ValidateFlags): Task[] {
  if (flags.all && flags.task.length > 0) throw new UserError('give either --task or --all, not both');
  let dirs: string[];
  if (flags.all) {
    const root = path.resolve(flags.tasksDir ?? defaultTasksDir());
    dirs = discoverTaskDirs(root);
    if (dirs.length === 0) throw new UserError(`no task folders (with a task.yaml or task.toml) in ${root}`);
  } else if (flags.task.length > 0) {
    dirs = flags.task;
  } else {
    throw new UserError('name the tasks to validate: --task DIR (repeatable) or --all');
  }
  const tasks: Task[] = [];
  const problems: ManifestError['problems'] = [];
  for (const dir of dirs) {
    try {
      tasks.push(loadTask(dir));
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new ManifestError(problems);
  return tasks;
}

export function registerValidateCommand(program: Command): void {
  const validate = program
    .command('validate')
    .description(
      'Prove tasks sound: the oracle (reference solution) must pass with score 1.0 and the null model must fail',
    )
    .option(
      '--task <dir>',
      'task folder (our task.yaml, or a Harbor folder with task.toml); repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--all', 'validate every task in the tasks folder')
    .option(
      '--tasks-dir <dir>',
      'folder of task folders for --all (default: ./tasks, else the built-in tasks)',
    )
    .option('--runs-dir <dir>', 'where run directories and runs.sqlite live', defaultRunsDir())
    .option(
      '--concurrency <n>',
      'tasks validated at once (each runs its oracle and null side by side); default 1',
      positiveInteger,
      1,
    )
    .option(
      '--agent <agent>',
      'builtin (default), or an agent folder with agent.yaml: the oracle and null runs go through it',
    )
    .option('--capabilities <list>', CAPABILITIES_HELP, parseCapabilities)
    .option('--json', 'print the validations as JSON');
  // The oracle and null models call no model; an LLM-rubric judge does.
  addModelIoOptions(validate)
    .addHelpText(
      'after',
      '\nPrints one line per task: the verdict, the oracle and null runs (outcome, score, time) and the total time.' +
        '\nExit codes: 0 every task sound, 1 a task is unsound (oracle did not pass, or null was not rejected),' +
        '\n2 bad input, 3 environment error (a run could not complete), 130 interrupted.',
    )
    .action(async (flags: ValidateFlags) => {
      registerEnvSecrets();
      const io = modelIoOptions(flags);
      const tasks = selectTasks(flags);
      const agent = loadAgent(flags.agent ?? 'builtin');
      const controller = new AbortController();
      const release = onInterrupt(() => {
        info('interrupt: stopping the runs and cleaning up (press Ctrl-C again to force)');
        controller.abort();
      });
      const idWidth = Math.max(...tasks.map((t) => t.manifest.id.length));
      let results: TaskValidation[] = [];
      try {
        results = await validateTasks(tasks, {
          concurrency: flags.concurrency,
          agent,
          ...(flags.capabilities ? { maxCapabilities: flags.capabilities } : {}),
          runsRoot: path.resolve(flags.runsDir),
          ...(io.exchanges ? { exchanges: io.exchanges } : {}),
          ...(io.requestTimeoutMs ? { modelConfig: { requestTimeoutMs: io.requestTimeoutMs } } : {}),
          signal: controller.signal,
          warn: (m) => info(`warning: ${m}`),
          notice: (m) => info(m),
          onPhase: (phase, runId) => info(`[${new Date().toISOString().slice(11, 19)}] ${runId}: ${phase}`),
          onStart: (task) => info(`validating ${task.manifest.id} (oracle and null) ...`),
          // Lines come in the order tasks finish; --json lists them in the order given.
          onResult: (v) => {
            if (flags.json) return;
            process.stdout.write(`${formatValidationLine(v, idWidth)}\n`);
            for (const p of v.problems) process.stdout.write(`  ${v.task_id}: ${p.message}\n`);
          },
        });
      } finally {
        release();
      }
      if (flags.json) printJson(results);
      const unsound = results.filter((r) => !r.sound);
      info(
        unsound.length === 0
          ? `${results.length} task(s) validated: all sound`
          : `${unsound.length} of ${results.length} task(s) unsound: ${unsound.map((r) => r.task_id).join(', ')}`,
      );
      process.exitCode = exitCodeForValidations(results);
    });
}
