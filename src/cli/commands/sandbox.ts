import type { Command } from 'commander';
import { isOrphan, type Leftover, listLabelled, removeResources } from '../../sandbox/index.js';
import { EXIT, info, printJson, table, UserError } from '../common.js';

function describe(r: Leftover): Record<string, unknown> {
  return { kind: r.kind, id: r.id.slice(0, 12), name: r.name, run_id: r.runId, pid: r.pid, host: r.host };
}

export function registerSandboxCommands(program: Command): void {
  const sandbox = program.command('sandbox').description('Sandbox housekeeping');
  sandbox
    .command('cleanup')
    .description(
      'Remove containers, networks and volumes left by harnesses that died (kill -9, crashed CI jobs), found by their factory-bench.run label',
    )
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--all', 'also remove sandboxes of harnesses still running (on this host or others)')
    .option('--run <run_id>', 'only the resources of this run')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nA resource is left over when the harness process that created it (its factory-bench.pid label,\non this host) is gone. Exit codes: 0 done, 3 some resources could not be removed or Docker is unreachable.',
    )
    .action(async (opts: { dryRun?: boolean; all?: boolean; run?: string; json?: boolean }) => {
      let labelled: Leftover[];
      try {
        labelled = await listLabelled(opts.run);
      } catch (err) {
        throw new UserError(`cannot list sandbox resources: ${(err as Error).message}`, EXIT.error);
      }
      const leftovers = labelled.filter((r) => isOrphan(r, Boolean(opts.all) || Boolean(opts.run)));
      const live = labelled.length - leftovers.length;
      const failed = opts.dryRun ? [] : await removeResources(leftovers);
      const removed = opts.dryRun ? [] : leftovers.filter((r) => !failed.includes(r));
      if (opts.json) {
        printJson({
          dry_run: Boolean(opts.dryRun),
          found: leftovers.map(describe),
          removed: removed.map(describe),
          failed: failed.map(describe),
          skipped_live: live,
        });
      } else {
        const verb = opts.dryRun ? 'would remove' : 'removed';
        const shown = opts.dryRun ? leftovers : removed;
        if (shown.length > 0)
          process.stdout.write(
            `${table(
              ['KIND', 'ID', 'NAME', 'RUN'],
              shown.map((r) => [r.kind, r.id.slice(0, 12), r.name, r.runId]),
            )}\n`,
          );
        process.stdout.write(
          `${verb} ${shown.length} resource(s); ${live} belong to harnesses still running${failed.length ? `; ${failed.length} could not be removed` : ''}\n`,
        );
      }
      for (const f of failed) info(`could not remove ${f.kind} ${f.name || f.id} (run ${f.runId})`);
      process.exitCode = failed.length > 0 ? EXIT.error : EXIT.ok;
    });
}
