import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { minimalEnv } from './docker-cli.js';
import { confineLexically, resolveHostPath } from './paths.js';
import { PersistentShell } from './persistent-shell.js';
import { ShellPool } from './shell-pool.js';
import { ShellSandbox } from './shell-sandbox.js';
import type { SandboxSpec } from './types.js';

export const LOCAL_WARNING =
  'WARNING: MLE_EVAL_SANDBOX=local runs agent commands directly on this machine as your user, with NO isolation ' +
  '(no container, full network, your files). Use it only for developing the harness, never for untrusted agents.';

/**
 * No isolation: commands run in a bash process on the host, in the run's
 * workspace folder (which is also its `workdir`). For harness development only.
 * Agent paths under the task's declared workdir (/workspace/...) are mapped onto
 * the host folder; commands that hard-code such paths need a real sandbox.
 */
export class LocalSubprocessRunner extends ShellSandbox {
  readonly kind = 'local' as const;
  private readonly root: string;

  constructor(spec: SandboxSpec, warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`)) {
    super(spec);
    mkdirSync(spec.workspaceHost, { recursive: true });
    this.root = realpathSync(spec.workspaceHost);
    warn(LOCAL_WARNING);
  }

  get workdir(): string {
    return this.root;
  }

  protected async up(): Promise<void> {}

  protected createPool(): ShellPool {
    const env = { ...minimalEnv(), ...this.spec.env, FACTORY_BENCH_SANDBOX: 'local' };
    return new ShellPool(
      () =>
        // Detached: the shell leads its own session, so stop() can kill every process it started.
        new PersistentShell(
          ['bash', '--noprofile', '--norc'],
          { cwd: this.root, env, detached: true },
          async (pid) => {
            process.kill(pid, 'SIGKILL');
          },
        ),
    );
  }

  /** Host paths under the workspace, and the task's own workdir paths, both map to the host folder. */
  override async resolvePath(p: string): Promise<string> {
    const declared = this.spec.workdir;
    const asDeclared =
      path.posix.isAbsolute(p) && confineLexicallyOrNull(this.root, p) !== null
        ? path.posix.join(declared, path.posix.relative(this.root, path.posix.normalize(p)))
        : p;
    return resolveHostPath(this.root, declared, asDeclared);
  }

  async copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    mkdirSync(path.dirname(sandboxPath), { recursive: true });
    cpSync(hostPath, sandboxPath, { recursive: true });
  }

  async copyOut(sandboxPath: string, hostPath: string): Promise<void> {
    cpSync(sandboxPath, hostPath, { recursive: true });
  }

  override async stop(): Promise<void> {
    this.killSessions();
    await super.stop();
  }

  protected async down(): Promise<void> {}

  stopSync(): void {
    this.killSessions();
    this.pool?.closeAll();
  }

  /** Kills everything the shells started, background jobs included (each shell leads a session). */
  private killSessions(): void {
    for (const sid of this.pool?.pids() ?? [])
      spawnSync('pkill', ['-KILL', '-s', String(sid)], { stdio: 'ignore', timeout: 10_000 });
  }
}

function confineLexicallyOrNull(root: string, p: string): string | null {
  try {
    return confineLexically(root, p);
  } catch {
    return null;
  }
}
