import { chownSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { labelArgs, runLabels } from './cleanup.js';
import { dockerCall } from './docker-cli.js';
import { dockerSync } from './registry.js';
import { PersistentShell, ShellPool } from './shell.js';
import { ShellSandbox } from './shell-sandbox.js';
import type { SandboxSpec } from './types.js';
import { SandboxError } from './types.js';
import { hostIds, type SandboxUser, sandboxUserFor } from './users.js';

export { OWNER_LABEL, RUN_LABEL } from './cleanup.js';
export { shellQuote } from './quote.js';
export { DEFAULT_MAX_OUTPUT_BYTES } from './shell.js';

/** The locked-down `docker run`/Compose settings shared by the runners. */
export function lockdownArgs(resources: SandboxSpec['resources']): string[] {
  return [
    '--cap-drop',
    'ALL',
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

/** Hands a host folder to the sandbox user (root harness only), and back. */
export function chownTree(root: string, uid: number, gid: number): void {
  const visit = (p: string): void => {
    const st = lstatSync(p);
    if (st.uid !== uid || st.gid !== gid) chownSync(p, uid, gid);
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
  };
  try {
    visit(root);
  } catch (err) {
    throw new SandboxError(`cannot hand ${root} to uid ${uid}: ${(err as Error).message}`, 'start');
  }
}

/** A `docker exec -i ... bash` persistent shell into one container. */
export function containerShell(
  container: () => string,
  user: SandboxUser,
  workdir: string,
  requestedUser: string | undefined,
): PersistentShell {
  const execUser = requestedUser ?? user.spec;
  return new PersistentShell(
    [
      'docker',
      'exec',
      '-i',
      '-u',
      execUser,
      '-w',
      workdir,
      '-e',
      `HOME=${user.home}`,
      container(),
      'bash',
      '--noprofile',
      '--norc',
    ],
    {},
    async (pid) => {
      await dockerCall(['exec', '-u', execUser, container(), 'kill', '-KILL', String(pid)], {
        allowFailure: true,
        timeoutMs: 15_000,
        retries: 0,
      });
    },
  );
}

/** One container per run with the workspace bind-mounted; locked down by default. */
export class DockerRunner extends ShellSandbox {
  readonly kind = 'docker' as const;
  readonly container: string;
  private user: SandboxUser | null = null;
  private handedOver = false;

  constructor(spec: SandboxSpec) {
    super(spec);
    this.container = `fb-${spec.runId}`.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 120);
  }

  get workdir(): string {
    return this.spec.workdir;
  }

  /** The uid:gid the agent's commands run as (known after start). */
  get agentUser(): SandboxUser | null {
    return this.user;
  }

  protected async up(): Promise<void> {
    const { spec } = this;
    const user = await sandboxUserFor(spec.image).catch((err: Error) => {
      throw new SandboxError(`cannot inspect image ${spec.image}: ${err.message}`, 'start');
    });
    this.user = user;
    const host = hostIds();
    if (host.uid === 0 && user.uid !== 0) {
      chownTree(spec.workspaceHost, user.uid, user.gid);
      this.handedOver = true;
    }
    const args = [
      'run',
      '-d',
      '--name',
      this.container,
      ...labelArgs(runLabels(spec.runId)),
      '--network',
      'none',
      ...lockdownArgs(spec.resources),
      '--user',
      user.spec,
      '-v',
      `${spec.workspaceHost}:${spec.workdir}`,
      '-w',
      spec.workdir,
    ];
    for (const [hostPath, inSandbox] of Object.entries(spec.readOnlyMounts ?? {}))
      args.push('-v', `${hostPath}:${inSandbox}:ro`);
    for (const [k, v] of Object.entries(spec.env)) args.push('-e', `${k}=${v}`);
    args.push(spec.image, 'sleep', 'infinity');
    const r = await dockerCall(args, { allowFailure: true, timeoutMs: 60_000 });
    if (r.exitCode !== 0)
      throw new SandboxError(`could not start a container from ${spec.image}: ${r.stderr.trim()}`, 'start');
  }

  protected createPool(): ShellPool {
    const user = this.user as SandboxUser;
    return new ShellPool((requested) => containerShell(() => this.container, user, this.workdir, requested));
  }

  async copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    const parent = sandboxPath.replace(/\/[^/]*$/, '') || '/';
    const r = await this.exec({ cmd: ['mkdir', '-p', '--', parent], timeoutMs: 30_000 });
    if (r.exitCode !== 0) throw new SandboxError(`cannot create ${parent}: ${r.stderr.trim()}`, 'path');
    await dockerCall(['cp', hostPath, `${this.container}:${sandboxPath}`]);
  }

  async copyOut(sandboxPath: string, hostPath: string): Promise<void> {
    await dockerCall(['cp', `${this.container}:${sandboxPath}`, hostPath]);
  }

  private giveBack(): void {
    if (!this.handedOver) return;
    this.handedOver = false;
    const host = hostIds();
    chownTree(this.spec.workspaceHost, host.uid, host.gid);
  }

  protected async down(): Promise<void> {
    try {
      await dockerCall(['rm', '-f', '-v', this.container], { allowFailure: true, timeoutMs: 60_000 });
    } finally {
      this.giveBack();
    }
  }

  stopSync(): void {
    dockerSync(['docker'], ['rm', '-f', '-v', this.container]);
    this.giveBack();
  }
}
