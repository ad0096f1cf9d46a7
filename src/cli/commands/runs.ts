import { type Command, InvalidArgumentError } from 'commander';
import { listRuns, readIndex } from '../../runs/index.js';
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
}
