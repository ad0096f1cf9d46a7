import { labelArgs, runLabels } from './cleanup.js';
import type { SandboxSpec } from './types.js';
import type { SandboxUser } from './users.js';

/**
 * The agent's container, decided in one place and rendered twice: as
 * `docker run` arguments (DockerRunner) and as a Compose service
 * (ComposeRunner). Locked down by default: every capability dropped (a task
 * may name some of Docker's default set to add back), no new privileges, an
 * init process, memory (without swap), CPU and pid limits.
 * Nothing of the harness's disk is mounted: files go in and out by copy
 * (transfer.ts), so the engine may be on another machine.
 */

export interface AgentContainerConfig {
  image: string;
  /** `uid:gid` the container's processes run as. */
  user: string;
  workdir: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  resources: SandboxSpec['resources'];
  capDrop: string[];
  capAdd: string[];
  /**
   * The first process: `sleep` for the sandbox's lifetime (see SandboxSpec.lifetimeSeconds). It
   * replaces the image's ENTRYPOINT and CMD, so an image without a CMD (a `docker import` base) or
   * with an entrypoint that ignores its arguments still gives a sandbox that ends on time.
   */
  command: string[];
}

/** The first process of a sandbox container: it holds the container up for the sandbox's lifetime, no longer. */
export function keepAliveCommand(lifetimeSeconds: number | undefined): string[] {
  return ['sleep', lifetimeSeconds === undefined ? 'infinity' : String(Math.ceil(lifetimeSeconds))];
}

export function agentContainerConfig(spec: SandboxSpec, user: SandboxUser): AgentContainerConfig {
  return {
    image: spec.image,
    user: user.spec,
    workdir: spec.workdir,
    env: spec.env,
    labels: runLabels(spec.runId),
    resources: spec.resources,
    capDrop: ['ALL'],
    capAdd: [...(spec.capabilities ?? [])],
    command: keepAliveCommand(spec.lifetimeSeconds),
  };
}

/** The locked-down resource and privilege flags of `docker run`. */
function lockdownArgs(c: Pick<AgentContainerConfig, 'resources' | 'capDrop' | 'capAdd'>): string[] {
  const { resources } = c;
  return [
    ...c.capDrop.flatMap((cap) => ['--cap-drop', cap]),
    ...c.capAdd.flatMap((cap) => ['--cap-add', cap]),
    '--security-opt',
    'no-new-privileges',
    '--init',
    '--pids-limit',
    String(resources.pids),
    '--memory',
    `${resources.memory_mb}m`,
    '--memory-swap',
    `${resources.memory_mb}m`,
    '--cpus',
    String(resources.cpus),
  ];
}

/**
 * The whole `docker run` of a Docker sandbox: detached, named, labelled, without any network
 * (`container:<forwarder>` joins a model gateway forwarder's network namespace: loopback only).
 */
export function dockerRunArgs(c: AgentContainerConfig, name: string, network = 'none'): string[] {
  return [
    'run',
    '-d',
    // A container whose first process ended (its lifetime is over) removes itself.
    '--rm',
    '--name',
    name,
    ...labelArgs(c.labels),
    '--network',
    network,
    ...lockdownArgs(c),
    '--user',
    c.user,
    '-w',
    c.workdir,
    ...Object.entries(c.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    '--entrypoint',
    c.command[0] ?? 'sleep',
    c.image,
    ...c.command.slice(1),
  ];
}

/** The same container as a Compose service on the given networks (before `$` escaping). */
export function composeAgentService(c: AgentContainerConfig, networks: string[]): Record<string, unknown> {
  return {
    init: true,
    stop_grace_period: '1s',
    labels: c.labels,
    image: c.image,
    // An entrypoint clears the image's CMD as well (see AgentContainerConfig.command).
    entrypoint: c.command,
    user: c.user,
    working_dir: c.workdir,
    environment: c.env,
    cap_drop: c.capDrop,
    ...(c.capAdd.length > 0 ? { cap_add: c.capAdd } : {}),
    security_opt: ['no-new-privileges:true'],
    mem_limit: `${c.resources.memory_mb}m`,
    memswap_limit: `${c.resources.memory_mb}m`,
    cpus: c.resources.cpus,
    pids_limit: c.resources.pids,
    networks,
  };
}
