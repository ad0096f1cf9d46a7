import type { Command } from 'commander';
import {
  DEFAULT_ENGINE,
  type DockerEngine,
  isOrphan,
  type Leftover,
  listLabelled,
  removeResources,
} from '../../sandbox/index.js';
import { EXIT, info, printJson, table, UserError } from '../common.js';
import {
  addDockerHostOptions,
  DOCKER_HOST_HELP,
  type DockerHostFlags,
  dockerHostsOf,
} from '../docker-hosts.js';

function describe(r: Leftover, engine: DockerEngine): Record<string, unknown> {
  return {
    kind: r.kind,
    id: r.id.slice(0, 12),
    name: r.name,
    run_id: r.runId,
    pid: r.pid,
    host: r.host,
    docker_host: engine.name,
  };
}

interface CleanupFlags extends DockerHostFlags {
  dryRun?: boolean;
  all?: boolean;
  run?: string;
  json?: boolean;
}

interface EngineCleanup {
  engine: DockerEngine;
  found: Leftover[];
  removed: Leftover[];
  failed: Leftover[];
  live: number;
  error: string | null;
}

async function cleanEngine(engine: DockerEngine, opts: CleanupFlags): Promise<EngineCleanup> {
  let labelled: Leftover[];
  try {
    labelled = await listLabelled(opts.run, engine);
  } catch (err) {
    const error = (err as Error).message.split('\n')[0] ?? 'Docker did not answer';
    return { engine, found: [], removed: [], failed: [], live: 0, error };
  }
  const found = labelled.filter((r) => isOrphan(r, Boolean(opts.all) || Boolean(opts.run)));
  const failed = opts.dryRun ? [] : await removeResources(found, engine);
  const removed = opts.dryRun ? [] : found.filter((r) => !failed.includes(r));
  return { engine, found, removed, failed, live: labelled.length - found.length, error: null };
}

export function registerSandboxCommands(program: Command): void {
  const sandbox = program.command('sandbox').description('Sandbox housekeeping');
  const cleanup = sandbox
    .command('cleanup')
    .description(
      'Remove containers, networks and volumes left by harnesses that died (kill -9, crashed CI jobs), found by their factory-bench.run label',
    )
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--all', 'also remove sandboxes of harnesses still running (on this host or others)')
    .option('--run <run_id>', 'only the resources of this run')
    .option('--json', 'print JSON');
  addDockerHostOptions(cleanup)
    .addHelpText(
      'after',
      '\nA resource is left over when the harness process that created it (its factory-bench.pid label,\n' +
        'on this host) is gone. With --docker-host (repeatable) each named engine is cleaned; default: your own.\n' +
        `--docker-host: ${DOCKER_HOST_HELP}.\n` +
        'Exit codes: 0 done, 3 some resources could not be removed or a Docker engine is unreachable.',
    )
    .action(async (opts: CleanupFlags) => {
      const hosts = dockerHostsOf(opts);
      const engines = hosts.length > 0 ? hosts.map((h) => h.engine) : [DEFAULT_ENGINE];
      const results = await Promise.all(engines.map((engine) => cleanEngine(engine, opts)));
      const unreachable = results.filter((r) => r.error);
      if (unreachable.length === results.length && results.length === 1)
        throw new UserError(`cannot list sandbox resources: ${unreachable[0]?.error}`, EXIT.error);
      const several = engines.length > 1;
      if (opts.json) {
        const all = (pick: (r: EngineCleanup) => Leftover[]) =>
          results.flatMap((r) => pick(r).map((l) => describe(l, r.engine)));
        printJson({
          dry_run: Boolean(opts.dryRun),
          found: all((r) => r.found),
          removed: all((r) => r.removed),
          failed: all((r) => r.failed),
          skipped_live: results.reduce((n, r) => n + r.live, 0),
          ...(several || hosts.length > 0
            ? {
                docker_hosts: results.map((r) => ({
                  docker_host: r.engine.name,
                  found: r.found.length,
                  removed: r.removed.length,
                  failed: r.failed.length,
                  skipped_live: r.live,
                  error: r.error,
                })),
              }
            : {}),
        });
      } else {
        const verb = opts.dryRun ? 'would remove' : 'removed';
        const shown = results.flatMap((r) => (opts.dryRun ? r.found : r.removed).map((l) => ({ l, r })));
        if (shown.length > 0)
          process.stdout.write(
            `${table(
              [...(several ? ['DOCKER HOST'] : []), 'KIND', 'ID', 'NAME', 'RUN'],
              shown.map(({ l, r }) => [
                ...(several ? [r.engine.name] : []),
                l.kind,
                l.id.slice(0, 12),
                l.name,
                l.runId,
              ]),
            )}\n`,
          );
        const failed = results.reduce((n, r) => n + r.failed.length, 0);
        const live = results.reduce((n, r) => n + r.live, 0);
        process.stdout.write(
          `${verb} ${shown.length} resource(s)${several ? ` on ${engines.length} Docker hosts` : ''}; ${live} belong to harnesses still running${failed ? `; ${failed} could not be removed` : ''}\n`,
        );
      }
      for (const r of results) {
        if (r.error) info(`Docker host ${r.engine.name} does not answer: ${r.error}`);
        for (const f of r.failed)
          info(`could not remove ${f.kind} ${f.name || f.id} (run ${f.runId}) on ${r.engine.name}`);
      }
      const bad = results.some((r) => r.error || r.failed.length > 0);
      process.exitCode = bad ? EXIT.error : EXIT.ok;
    });
}
