import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { DEFAULT_ENGINE, type DockerEngine, dockerCall, engineEnv } from './docker-cli.js';
import { processAlive } from './lock.js';

/**
 * Finding and removing what sandboxes leave behind. Every container, network
 * and volume a sandbox creates carries `factory-bench.run=<run id>`, plus the
 * pid and host of the harness that made it, so that `sandbox cleanup` removes
 * the leftovers of dead harnesses without touching runs still in progress.
 */
export const RUN_LABEL = 'factory-bench.run';
export const OWNER_LABEL = 'factory-bench';
export const PID_LABEL = 'factory-bench.pid';
export const HOST_LABEL = 'factory-bench.host';

/** The labels for a resource created by this process for a run. */
export function runLabels(runId: string): Record<string, string> {
  return {
    [RUN_LABEL]: runId,
    [OWNER_LABEL]: '1',
    [PID_LABEL]: String(process.pid),
    [HOST_LABEL]: os.hostname(),
  };
}

export function labelArgs(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}

export type ResourceKind = 'container' | 'network' | 'volume';

export interface Leftover {
  kind: ResourceKind;
  id: string;
  name: string;
  runId: string;
  pid: number | null;
  host: string;
}

const LIST: Record<ResourceKind, string[]> = {
  container: ['ps', '-a', '--no-trunc'],
  network: ['network', 'ls', '--no-trunc'],
  volume: ['volume', 'ls'],
};
const ID_FIELD: Record<ResourceKind, string> = { container: '.ID', network: '.ID', volume: '.Name' };

function listArgs(kind: ResourceKind, filter: string): string[] {
  const nameField = kind === 'container' ? '.Names' : '.Name';
  const format = [
    ID_FIELD[kind],
    nameField,
    `.Label "${RUN_LABEL}"`,
    `.Label "${PID_LABEL}"`,
    `.Label "${HOST_LABEL}"`,
  ]
    .map((f) => `{{${f}}}`)
    .join('\t');
  return [...LIST[kind], '--filter', `label=${filter}`, '--format', format];
}

function parse(kind: ResourceKind, stdout: string): Leftover[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id = '', name = '', runId = '', pid = '', host = ''] = line.split('\t');
      return { kind, id, name, runId, pid: pid ? Number(pid) : null, host };
    });
}

/** Whether a resource belongs to a harness that is gone (or to anyone, with `all`). */
export function isOrphan(r: Leftover, all: boolean, host = os.hostname()): boolean {
  if (all) return true;
  if (r.host && r.host !== host) return false;
  return r.pid === null || !processAlive(r.pid);
}

/** Every labelled resource on an engine: of one run, or of all runs. */
export function listLabelled(runId?: string, engine: DockerEngine = DEFAULT_ENGINE): Promise<Leftover[]> {
  return listByLabel(runId ? `${RUN_LABEL}=${runId}` : RUN_LABEL, engine);
}

async function listByLabel(filter: string, engine: DockerEngine): Promise<Leftover[]> {
  const out: Leftover[] = [];
  for (const kind of ['container', 'network', 'volume'] as const) {
    const r = await dockerCall(listArgs(kind, filter), { timeoutMs: 30_000, engine });
    out.push(...parse(kind, r.stdout));
  }
  return out;
}

function removeArgs(kind: ResourceKind, ids: string[]): string[] {
  if (kind === 'container') return ['rm', '-f', '-v', ...ids];
  if (kind === 'network') return ['network', 'rm', ...ids];
  return ['volume', 'rm', '-f', ...ids];
}

/** Removes resources, containers first (networks and volumes in use cannot go). Returns those that failed. */
export async function removeResources(
  items: Leftover[],
  engine: DockerEngine = DEFAULT_ENGINE,
): Promise<Leftover[]> {
  const failed: Leftover[] = [];
  for (const kind of ['container', 'network', 'volume'] as const) {
    const ids = items.filter((i) => i.kind === kind).map((i) => i.id);
    if (ids.length === 0) continue;
    const r = await dockerCall(removeArgs(kind, ids), { allowFailure: true, timeoutMs: 120_000, engine });
    if (r.exitCode !== 0) {
      // Retry one by one to tell which failed.
      for (const item of items.filter((i) => i.kind === kind)) {
        const one = await dockerCall(removeArgs(kind, [item.id]), {
          allowFailure: true,
          timeoutMs: 60_000,
          engine,
        });
        if (one.exitCode !== 0 && !/no such|not found/i.test(one.stderr)) failed.push(item);
      }
    }
  }
  return failed;
}

/** Removes everything labelled with one run id. */
export async function removeByLabel(
  runId: string,
  engine: DockerEngine = DEFAULT_ENGINE,
): Promise<Leftover[]> {
  return removeResources(await listLabelled(runId, engine), engine);
}

/** The same, synchronously, for the process 'exit' hook. */
export function removeByLabelSync(runId: string, engine: DockerEngine = DEFAULT_ENGINE): void {
  const run = (args: string[]): string => {
    const r = spawnSync('docker', args, { env: engineEnv(engine), encoding: 'utf8', timeout: 30_000 });
    return r.status === 0 ? r.stdout : '';
  };
  for (const kind of ['container', 'network', 'volume'] as const) {
    const ids = parse(kind, run(listArgs(kind, `${RUN_LABEL}=${runId}`))).map((i) => i.id);
    if (ids.length > 0) run(removeArgs(kind, ids));
  }
}

/** A harness process as the labels of its resources name it. */
export interface HarnessOwner {
  pid: number;
  host: string;
}

/** This process, as it labels what it creates. */
export function thisHarness(): HarnessOwner {
  return { pid: process.pid, host: os.hostname() };
}

/**
 * Removes what one harness process left behind (an Action's main step, read
 * by its post step): the resources labelled with its pid on this host, once
 * that process is gone. A harness still alive keeps its sandboxes.
 */
export async function removeLeftoversOf(
  owner: HarnessOwner,
  engine: DockerEngine = DEFAULT_ENGINE,
): Promise<{ ownerAlive: boolean; found: Leftover[]; failed: Leftover[] }> {
  if (owner.host === os.hostname() && processAlive(owner.pid))
    return { ownerAlive: true, found: [], failed: [] };
  const found = (await listByLabel(`${PID_LABEL}=${owner.pid}`, engine)).filter((r) => r.host === owner.host);
  return { ownerAlive: false, found, failed: await removeResources(found, engine) };
}

const sweeps = new Map<string, Promise<Leftover[]>>();

/**
 * Once per process and engine, before its first sandbox there: removes the
 * containers, networks and volumes of harnesses that died on this host (kill
 * -9, an OOM kill, a cancelled CI job), so no leftover waits for a manual
 * `sandbox cleanup`. Resources of live processes and of other hosts (another
 * harness machine sharing a remote engine) are never touched. Resolves to
 * what it removed; a Docker error makes it remove nothing.
 * FACTORY_BENCH_SWEEP_ORPHANS=0 turns it off (test suites that share an
 * engine and stage leftovers on purpose).
 */
export function sweepOrphansOnce(
  env: NodeJS.ProcessEnv = process.env,
  engine: DockerEngine = DEFAULT_ENGINE,
): Promise<Leftover[]> {
  if (env.FACTORY_BENCH_SWEEP_ORPHANS === '0') return Promise.resolve([]);
  let sweep = sweeps.get(engine.name);
  if (!sweep) {
    sweep = (async () => {
      const orphans = (await listLabelled(undefined, engine)).filter((r) => isOrphan(r, false));
      if (orphans.length === 0) return [];
      const failed = new Set((await removeResources(orphans, engine)).map((f) => f.id));
      return orphans.filter((o) => !failed.has(o.id));
    })().catch(() => []);
    sweeps.set(engine.name, sweep);
  }
  return sweep;
}
