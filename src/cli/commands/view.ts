import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { writeRunReport, writeSuiteReport } from '../../report/index.js';
import { findRunsById, findSuiteRunsById, readIndex, registerEnvSecrets } from '../../runs/index.js';
import { startViewer } from '../../viewer/index.js';
import { defaultRunsDir, EXIT, findRun, info, printJson, UserError } from '../common.js';
import { onInterrupt } from '../interrupt.js';
import { indexPath } from './suite.js';

/** A port the user asked for, or the default when it is free (the OS picks one when it is not). */
export const DEFAULT_VIEW_PORT = 7788;

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port from 0 to 65535');
  return n;
}

export function registerViewCommands(program: Command): void {
  program
    .command('view')
    .description('Serve the runs folder on 127.0.0.1: lists and filters, suite reports, transcripts, diffs')
    .argument('[runs_dir]', 'the runs folder (default: ./runs or FACTORY_BENCH_RUNS_DIR)')
    .option(
      '--port <n>',
      `port to listen on (default ${DEFAULT_VIEW_PORT}, or a free one if taken; 0: any free)`,
      portNumber,
    )
    .option('--json', 'print {"url": ...} as JSON once listening')
    .addHelpText(
      'after',
      '\nOnly this machine can connect (127.0.0.1). Only files inside the runs folder are served, and every\n' +
        'answer is redacted like the run files themselves. Ctrl-C stops the server.',
    )
    .action(async (dir: string | undefined, opts: { port?: number; json?: boolean }) => {
      const runsDir = path.resolve(dir ?? defaultRunsDir());
      if (!existsSync(runsDir) || !statSync(runsDir).isDirectory())
        throw new UserError(`no runs folder at ${runsDir}; run a task or suite first, or name the folder`);
      if (!existsSync(path.join(runsDir, 'runs.sqlite')))
        info(`note: ${runsDir} has no runs.sqlite yet; the lists stay empty until a run is recorded`);
      registerEnvSecrets();
      let viewer: Awaited<ReturnType<typeof startViewer>>;
      try {
        viewer = await startViewer({ runsDir, port: opts.port ?? DEFAULT_VIEW_PORT });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        if (opts.port !== undefined)
          throw new UserError(`port ${opts.port} is in use; pick another with --port, or leave it out`);
        viewer = await startViewer({ runsDir, port: 0 });
      }
      if (opts.json) printJson({ url: viewer.url, runs_dir: runsDir });
      else process.stdout.write(`factory-bench view: ${viewer.url} (serving ${runsDir}; Ctrl-C stops)\n`);
      await new Promise<void>((resolve) => {
        const release = onInterrupt(() => {
          release();
          viewer.close().then(resolve, resolve);
        });
      });
      process.exitCode = EXIT.ok;
    });

  program
    .command('report')
    .description("Write a recorded suite run's report.html, or a run's run.html, again")
    .argument('<id>', 'a suite run id or a run id (or a unique prefix of one)')
    .option('--runs-dir <dir>', 'where run directories and runs.sqlite live', defaultRunsDir())
    .option(
      '--base-branch <name>',
      "the branch the history and comparison come from (default: the suite run's)",
    )
    .action(async (id: string, opts: { runsDir: string; baseBranch?: string }) => {
      const runsDir = path.resolve(opts.runsDir);
      const { suites, runs } = await readIndex(indexPath(runsDir), (db) => ({
        suites: findSuiteRunsById(db, id, 2),
        runs: findRunsById(db, id, 2),
      }));
      const exactSuite = suites.find((s) => s.suite_run_id === id);
      const exactRun = runs.find((r) => r.run_id === id);
      const only = suites.length + runs.length === 1;
      const suite = exactSuite ?? (only ? suites[0] : undefined);
      const run = exactSuite ? undefined : (exactRun ?? (only ? runs[0] : undefined));
      if (suite) {
        const written = await writeSuiteReport({
          runsRoot: runsDir,
          suiteRunId: suite.suite_run_id,
          ...(opts.baseBranch ? { baseBranch: opts.baseBranch } : {}),
        });
        process.stdout.write(`${written.path}\n`);
        return;
      }
      if (!run) {
        if (suites.length + runs.length === 0) throw new UserError(`no suite run or run ${id} in ${runsDir}`);
        throw new UserError(`${id} matches more than one run or suite run; give more of the id`);
      }
      const { result } = await findRun(runsDir, run.run_id);
      process.stdout.write(`${writeRunReport(runsDir, result).path}\n`);
    });
}
