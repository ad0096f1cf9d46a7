import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import {
  DEFAULT_RETENTION,
  INDEX_FILE,
  listRuns,
  type PruneOutcome,
  pruneIndex,
  readIndex,
  reindex,
} from '../../runs/index.js';
import { defaultRunsDir, info, printJson, table } from '../common.js';
import { indexPath, positiveInteger } from './suite.js';

/** `7d`, `24h`, `30m` before now, or an ISO date/time, as an ISO time. */
export function parseSince(value: string, now = new Date()): string {
  const rel = /^(\d+)([dhm])$/.exec(value);
  if (rel) {
    const ms = Number(rel[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[rel[2] as 'd' | 'h' | 'm'];
    return new Date(now.getTime() - ms).toISOString();
  }
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new InvalidArgumentError('expected a duration such as 7d, 24h, 30m, or a date such as 2026-05-01');
  return new Date(t).toISOString();
}

interface RunsListFlags {
  task?: string;
  model?: string;
  agent?: string;
  suite?: string;
  since?: string;
  limit: number;
  runsDir: string;
  json?: boolean;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number (0 or more)');
  return n;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const n = (v: number): string => v.toLocaleString('en-US');

function describePrune(o: PruneOutcome): string {
  const would = o.dry_run ? 'would be ' : '';
  const s = o.suite_runs;
  return [
    `${o.file}: ${mb(o.bytes.before)}${o.bytes.after === null ? '' : ` -> ${mb(o.bytes.after)} (compacted)`}`,
    `suite runs: ${n(s.total)}, every one keeps its summary; ${n(s.full)} keep all their runs, ` +
      `${n(s.compacted_now)} ${would}pruned now${s.compacted_before ? `, ${n(s.compacted_before)} pruned before` : ''}`,
    `runs: ${n(o.runs.before)} -> ${n(o.runs.after)} (${n(o.runs.removed)} ${would}removed with ${n(o.check_results_removed)} check rows)`,
    `kept in full: the last ${o.policy.keep_suite_runs} suite runs of each suite and branch, the latest completed one of ` +
      `each suite, branch and model, and everything since ${o.policy.cutoff.slice(0, 10)} (${o.policy.keep_days} days)`,
    ...(o.dry_run ? ['dry run: nothing was changed'] : []),
  ].join('\n');
}

export function registerRunsCommands(program: Command): void {
  const runs = program.command('runs').description('Query the runs recorded in runs.sqlite');
  runs
    .command('list')
    .description('List recorded runs, newest first')
    .option('--task <id>', 'only this task')
    .option('--model <name>', 'only this model')
    .option(
      '--agent <agent>',
      'only runs of this agent: builtin, an agent folder name, or a prefix of its hash',
    )
    .option('--suite <id>', 'only runs of this suite id, or of this suite run (id or prefix)')
    .option('--since <when>', 'only runs started since: 7d, 24h, 30m, or a date', (v: string) =>
      parseSince(v),
    )
    .option('--limit <n>', 'at most this many runs', positiveInteger, 50)
    .option('--runs-dir <dir>', 'where runs.sqlite lives', defaultRunsDir())
    .option('--json', 'print JSON')
    .action(async (opts: RunsListFlags) => {
      const rows = await readIndex(indexPath(opts.runsDir), (db) =>
        listRuns(db, {
          task: opts.task,
          model: opts.model,
          agent: opts.agent,
          suite: opts.suite,
          since: opts.since,
          limit: opts.limit,
        }),
      );
      if (opts.json) return printJson(rows);
      if (rows.length === 0) return info('no runs match');
      process.stdout.write(
        `${table(
          [
            'RUN_ID',
            'TASK',
            'MODEL',
            'AGENT',
            'STATUS',
            'PASSED',
            'SCORE',
            'KILL_REASON',
            'TOKENS',
            'COST',
            'TIME',
          ],
          rows.map((r) => [
            r.run_id,
            r.task_id,
            r.model,
            r.agent ?? 'builtin',
            r.status,
            r.passed ? 'yes' : 'no',
            r.score.toFixed(2),
            r.kill_reason ?? '-',
            r.total_tokens,
            r.cost_usd === null ? '?' : `$${r.cost_usd.toFixed(4)}`,
            `${r.wall_seconds.toFixed(1)}s`,
          ]),
        )}\n`,
      );
    });
  runs
    .command('prune')
    .description(
      'Apply retention to runs.sqlite: old suite runs keep their summaries (history charts) but not their runs; then compact the file',
    )
    .option(
      '--keep-suite-runs <n>',
      'keep every run of the last N suite runs of each suite and branch',
      positiveInteger,
      DEFAULT_RETENTION.keepSuiteRuns,
    )
    .option('--keep-days <d>', 'keep every run of the last D days', wholeNumber, DEFAULT_RETENTION.keepDays)
    .option('--dry-run', 'show what would be removed, change nothing')
    .option('--runs-dir <dir>', 'where runs.sqlite lives', defaultRunsDir())
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nRun folders on disk are left alone. The latest completed suite run of each suite, branch and model\n' +
        'always keeps its runs, so comparisons with a base branch keep working.',
    )
    .action(
      async (opts: {
        keepSuiteRuns: number;
        keepDays: number;
        dryRun?: boolean;
        runsDir: string;
        json?: boolean;
      }) => {
        const outcome = await pruneIndex(indexPath(opts.runsDir), {
          policy: { keepSuiteRuns: opts.keepSuiteRuns, keepDays: opts.keepDays },
          dryRun: Boolean(opts.dryRun),
        });
        if (opts.json) printJson(outcome);
        else process.stdout.write(`${describePrune(outcome)}\n`);
      },
    );

  runs
    .command('reindex')
    .description(
      'Rebuild runs.sqlite from the run folders (result.json and summary.json are the truth); a damaged index is moved aside',
    )
    .option('--runs-dir <dir>', 'where run folders and runs.sqlite live', defaultRunsDir())
    .option('--json', 'print JSON')
    .action(async (opts: { runsDir: string; json?: boolean }) => {
      const file = path.join(path.resolve(opts.runsDir), INDEX_FILE);
      const outcome = await reindex(file, { warn: (m) => info(`warning: ${m}`) });
      if (opts.json) return printJson(outcome);
      for (const u of outcome.unreadable) info(`warning: skipped ${u.folder}: ${u.problem}`);
      const kept = outcome.keptWithoutFolder;
      process.stdout.write(
        `reindexed ${file} from the run folders: ${n(outcome.runs)} runs, ${n(outcome.suiteRuns)} suite runs` +
          (kept.runs || kept.suiteRuns
            ? `; kept ${n(kept.runs)} runs and ${n(kept.suiteRuns)} suite runs recorded without a folder here`
            : '') +
          '\n',
      );
    });
}
