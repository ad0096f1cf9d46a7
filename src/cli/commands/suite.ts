import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { loadAgent } from '../../agents/index.js';
import { writeSuiteReport } from '../../report/index.js';
import { indexExists, readIndex } from '../../runs/index.js';
import {
  createProgressReporter,
  discoverSuiteFiles,
  loadSuite,
  readSuiteSummary,
  renderReportMarkdown,
  resolveSuiteRun,
  runSuite,
  SuiteInputError,
  type SuiteSensitivity,
  type SuiteSummary,
  suiteSensitivity,
} from '../../suites/index.js';
import { type Capability, ManifestError } from '../../tasks/index.js';
import {
  CAPABILITIES_HELP,
  defaultRunsDir,
  EXIT,
  info,
  packageRoot,
  parseCapabilities,
  printJson,
  table,
  UserError,
} from '../common.js';
import {
  addDockerHostOptions,
  DOCKER_HOST_HELP,
  type DockerHostFlags,
  dockerHostsOf,
} from '../docker-hosts.js';
import { onInterrupt } from '../interrupt.js';
import { addModelIoOptions, prepareModelOptions } from '../model-options.js';

/** Runs `fn`, turning the suites' input errors into one-line user errors. */
export async function asUserErrors<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SuiteInputError) throw new UserError(err.message);
    throw err;
  }
}

/** `./suites` when present, else the suites shipped with the package. */
export function defaultSuitesDir(): string {
  const local = path.resolve('suites');
  return existsSync(local) ? local : path.join(packageRoot(), 'suites');
}

/** The runs index, or a clear error when there is none yet. */
export function indexPath(runsDir: string): string {
  const file = path.join(path.resolve(runsDir), 'runs.sqlite');
  if (!indexExists(file))
    throw new UserError(`no runs index at ${file}; run a task or suite first, or pass --runs-dir`);
  return file;
}

/** 0 every scored run passed, 1 some failed, 3 environment errors, 130 interrupted. */
export function exitCodeForSuite(s: SuiteSummary): number {
  if (s.status !== 'completed') return EXIT.interrupted;
  if (s.totals.environment_errors > 0) return EXIT.error;
  return s.totals.passed_runs === s.totals.scored_runs ? EXIT.ok : EXIT.failed;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function parseShard(value: string): { index: number; total: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || index < 1 || index > total)
    throw new InvalidArgumentError('expected I/N with 1 <= I <= N, such as 2/4');
  return { index: index - 1, total };
}

function git(args: string[]): string | null {
  try {
    const out = execFileSync('git', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    return out || null;
  } catch {
    return null;
  }
}

/** Branch and commit for the suite run: flags, then GitHub's environment, then git. */
export function detectGitMetadata(env: NodeJS.ProcessEnv = process.env): {
  branch: string | null;
  commit: string | null;
} {
  const fromGit = git(['rev-parse', '--abbrev-ref', 'HEAD']);
  const branch = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || (fromGit === 'HEAD' ? null : fromGit);
  const commit = env.GITHUB_SHA || git(['rev-parse', 'HEAD']);
  return { branch: branch ?? null, commit: commit ?? null };
}

/** report.html beside report.md; a page that cannot be written is a warning, never a failed suite. */
async function writeHtmlReport(runsDir: string, suiteRunId: string, baseBranch?: string): Promise<void> {
  try {
    const written = await writeSuiteReport({
      runsRoot: runsDir,
      suiteRunId,
      ...(baseBranch ? { baseBranch } : {}),
    });
    info(`report: ${written.path}`);
  } catch (err) {
    info(`warning: could not write report.html: ${err instanceof Error ? err.message : String(err)}`);
  }
}

interface SuiteRunFlags extends DockerHostFlags {
  model?: string;
  agent?: string;
  concurrency?: number;
  epochs?: number;
  resume?: string;
  runsDir: string;
  json?: boolean;
  branch?: string;
  commit?: string;
  label?: string;
  baseBranch?: string;
  shard?: { index: number; total: number };
  task: string[];
  baseUrl?: string;
  pricing?: string;
  record?: string;
  replay?: string;
  requestTimeout?: number;
  capabilities?: Capability[];
}

export function registerSuiteCommands(program: Command): void {
  const suite = program.command('suite').description('Run suites of tasks, and list and show suite runs');

  suite
    .command('list')
    .description('List the suite files in a suites folder')
    .option('--suites-dir <dir>', 'folder of suite files (default: ./suites, else the built-in suites)')
    .option('--json', 'print JSON')
    .action((opts: { suitesDir?: string; json?: boolean }) => {
      const dir = path.resolve(opts.suitesDir ?? defaultSuitesDir());
      const rows = discoverSuiteFiles(dir).map((file) => {
        try {
          const s = loadSuite(file);
          const runsPerTask = s.tasks.map((t) => t.epochs ?? s.defaults.epochs);
          return {
            id: s.id,
            title: s.title,
            tasks: s.tasks.map((t) => t.id),
            epochs: s.defaults.epochs,
            // What a comparison of two runs at the suite's default epochs can detect.
            sensitivity: suiteSensitivity(runsPerTask) as SuiteSensitivity | null,
            file,
            problems: [] as string[],
          };
        } catch (err) {
          if (!(err instanceof ManifestError)) throw err;
          return {
            id: path.basename(file).replace(/\.ya?ml$/, ''),
            title: '(invalid)',
            tasks: [],
            epochs: null,
            sensitivity: null,
            file,
            problems: err.message.split('\n'),
          };
        }
      });
      const broken = rows.filter((r) => r.problems.length > 0);
      if (broken.length > 0) process.exitCode = EXIT.usage;
      if (opts.json) return printJson(rows);
      if (rows.length === 0) return info(`no suite files in ${dir}`);
      process.stdout.write(
        `${table(
          ['ID', 'TASKS', 'EPOCHS', 'DETECTS', 'TITLE'],
          rows.map((r) => [
            r.id,
            r.problems.length ? '?' : r.tasks.length,
            r.epochs ?? '?',
            r.sensitivity?.min_detectable_effect == null
              ? '-'
              : r.sensitivity.min_detectable_effect > 1
                ? 'nothing'
                : `≥ ${(r.sensitivity.min_detectable_effect * 100).toFixed(1)} pts`,
            r.title,
          ]),
        )}\n`,
      );
      if (broken.length > 0) {
        info(`\n${broken.length} suite(s) have problems:`);
        for (const r of broken) info(`  ${r.problems[0]}`);
      }
    });

  const run = suite
    .command('run')
    .description('Run every task of a suite (each for its epochs) and write report.md and summary.json')
    .argument('[file]', 'the suite file (optional with --resume)')
    .option('--model <name>', "oracle, null, or provider/model (default: the suite's defaults.model)")
    .option(
      '--agent <agent>',
      "builtin, or an agent folder with agent.yaml (default: the suite's defaults.agent, else builtin)",
    )
    .option(
      '--concurrency <n>',
      "runs at once (default: the suite's, else 1); per Docker host when a host names none",
      positiveInteger,
    )
    .option(
      '--epochs <k>',
      "runs per task (default: the suite's, else 1; a task's own epochs wins)",
      positiveInteger,
    )
    .option('--resume <suite_run_id>', 'finish an interrupted suite run; finished runs are kept')
    .option(
      '--task <id>',
      'run only these task ids (repeatable; * globs)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--shard <i/n>', 'run the i-th of n shards of the tasks (1-based)', parseShard)
    .option('--branch <name>', 'record this branch (default: from GitHub or git)')
    .option('--commit <sha>', 'record this commit (default: from GitHub or git)')
    .option('--label <label>', 'record a label, to compare against later with --base-label')
    .option(
      '--base-branch <name>',
      "the branch report.html charts the history of and compares with (default: this run's branch)",
    )
    .option('--runs-dir <dir>', 'where run directories and runs.sqlite live', defaultRunsDir())
    .option('--base-url <url>', 'an OpenAI-compatible endpoint; default OPENAI_BASE_URL')
    .option('--pricing <file>', 'your own pricing YAML, overriding shipped prices per model')
    .option(
      '--capabilities <list>',
      `${CAPABILITIES_HELP}; default: the suite's defaults.capabilities`,
      parseCapabilities,
    )
    .option('--json', 'print summary.json instead of report.md');
  addDockerHostOptions(run);
  addModelIoOptions(run)
    .addHelpText(
      'after',
      '\nProgress goes to stderr: a line per task on a terminal, plain log lines otherwise. Ctrl-C starts no new\n' +
        'runs, stops the running ones cleanly and writes a partial report; --resume finishes it later.\n' +
        `\n--docker-host: ${DOCKER_HOST_HELP}. Runs are spread over the hosts, each\n` +
        'with its own concurrency; images are loaded (docker save | docker load) or built where they run. A host\n' +
        'that does not answer, or fails during the suite, is reported and skipped, and its runs go to the others.\n' +
        '\nExit codes: 0 every run passed, 1 some failed, 2 bad input, 3 environment errors, 130 interrupted.',
    )
    .action(async (file: string | undefined, opts: SuiteRunFlags) => {
      if (!file && !opts.resume) throw new UserError('give a suite file, or --resume SUITE_RUN_ID');
      const { pricing, modelConfig, exchanges } = prepareModelOptions(opts);
      const dockerHosts = dockerHostsOf(opts);
      const detected = opts.branch && opts.commit ? { branch: null, commit: null } : detectGitMetadata();
      const controller = new AbortController();
      const release = onInterrupt(() => controller.abort());
      try {
        const outcome = await asUserErrors(() =>
          runSuite({
            ...(file ? { suite: file } : {}),
            ...(opts.model ? { model: opts.model } : {}),
            ...(opts.agent ? { agent: loadAgent(opts.agent) } : {}),
            ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
            ...(dockerHosts.length > 0 ? { dockerHosts } : {}),
            ...(opts.epochs ? { epochs: opts.epochs } : {}),
            ...(opts.resume ? { resume: opts.resume } : {}),
            ...(opts.shard ? { shard: opts.shard } : {}),
            ...(opts.capabilities ? { capabilities: opts.capabilities } : {}),
            ...(opts.task.length > 0 ? { tasks: opts.task } : {}),
            branch: opts.branch ?? (opts.resume ? null : detected.branch),
            commit: opts.commit ?? (opts.resume ? null : detected.commit),
            label: opts.label ?? null,
            runsRoot: path.resolve(opts.runsDir),
            pricing,
            modelConfig,
            ...(exchanges ? { exchanges } : {}),
            signal: controller.signal,
            onEvent: createProgressReporter(process.stderr, { tty: Boolean(process.stderr.isTTY) }),
          }),
        );
        if (opts.json) printJson(outcome.summary);
        else process.stdout.write(renderReportMarkdown(outcome.summary));
        info(`report: ${outcome.reportPath}`);
        await writeHtmlReport(path.resolve(opts.runsDir), outcome.suiteRunId, opts.baseBranch);
        if (outcome.status !== 'completed')
          info(`resume with: factory-bench suite run --resume ${outcome.suiteRunId}`);
        process.exitCode = exitCodeForSuite(outcome.summary);
      } finally {
        release();
      }
    });

  suite
    .command('show')
    .description('Show a recorded suite run: its report, or summary.json with --json')
    .argument('<suite_run_id>', 'a suite run id, or a unique prefix of one')
    .option('--runs-dir <dir>', 'where run directories and runs.sqlite live', defaultRunsDir())
    .option('--json', 'print summary.json')
    .action(async (id: string, opts: { runsDir: string; json?: boolean }) => {
      const summary = await asUserErrors(() =>
        readIndex(indexPath(opts.runsDir), (db) => readSuiteSummary(resolveSuiteRun(db, id))),
      );
      if (opts.json) printJson(summary);
      else process.stdout.write(renderReportMarkdown(summary));
    });
}
