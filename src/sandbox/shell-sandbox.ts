import { resolveInSandbox } from './paths.js';
import { shellQuote } from './quote.js';
import { registerSandbox, unregisterSandbox } from './registry.js';
import type { ShellPool } from './shell-pool.js';
import type { ExecRequest, ExecResult, SandboxRunner, SandboxSpec } from './types.js';
import { SandboxError } from './types.js';

/**
 * What every runner shares: commands, path resolution and file transfers go
 * through persistent shells (see shell.ts); subclasses say how to start, how
 * to open a shell, and how to tear down.
 */
export abstract class ShellSandbox implements SandboxRunner {
  abstract readonly kind: SandboxRunner['kind'];
  readonly runId: string;
  protected pool: ShellPool | null = null;

  constructor(protected readonly spec: SandboxSpec) {
    this.runId = spec.runId;
  }

  abstract get workdir(): string;

  get modelGatewayUrl(): string | null {
    return null;
  }
  protected abstract createPool(): ShellPool;
  /** Creates the sandbox's resources (containers, networks); the shell pool is opened afterwards. */
  protected abstract up(): Promise<void>;
  /** Puts the workspace and the harness's files in place, while the first shell opens. */
  protected async seed(): Promise<void> {}
  /** Removes everything the sandbox created; must tolerate a partial start. */
  protected abstract down(): Promise<void>;
  abstract stopSync(): void;
  abstract copyIn(hostPath: string, sandboxPath: string): Promise<void>;
  abstract copyOut(sandboxPath: string, hostPath: string): Promise<void>;
  abstract saveWorkspace(): Promise<{ skipped: string[] }>;

  async start(): Promise<void> {
    // The kind was decided when the sandbox was planned; a runner of another kind would make it a lie.
    if (this.spec.kind !== this.kind)
      throw new SandboxError(`a ${this.spec.kind} sandbox spec cannot start a ${this.kind} runner`, 'start');
    registerSandbox(this);
    try {
      await this.up();
      this.pool = this.createPool();
      // The copy and the first shell's `docker exec` overlap; both are done before the first command.
      const [warmed, seeded] = await Promise.allSettled([this.pool.warm(), this.seed()]);
      if (seeded.status === 'rejected') throw seeded.reason;
      if (warmed.status === 'rejected')
        throw new SandboxError(
          `could not open a shell in the sandbox: ${(warmed.reason as Error).message}`,
          'start',
        );
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  protected requirePool(): ShellPool {
    if (!this.pool) throw new SandboxError('the sandbox is not started', 'start');
    return this.pool;
  }

  exec(req: ExecRequest): Promise<ExecResult> {
    if (req.service && !this.hasService(req.service))
      return Promise.reject(new SandboxError(`this sandbox has no service named ${req.service}`, 'start'));
    return this.requirePool().run(req, this.workdir);
  }

  /** Services other than the agent's own that commands may run in (Compose sidecars). */
  protected hasService(name: string): boolean {
    return name === 'agent';
  }

  resolvePath(p: string): Promise<string> {
    return resolveInSandbox((cmd) => this.exec({ cmd, timeoutMs: 30_000 }), this.workdir, p);
  }

  async readFile(sandboxPath: string): Promise<Buffer> {
    const r = await this.requirePool().runRaw(
      { cmd: ['cat', '--', sandboxPath], timeoutMs: 300_000 },
      this.workdir,
    );
    if (r.exitCode !== 0) throw new SandboxError(`cannot read ${sandboxPath}: ${r.stderr.trim()}`, 'path');
    return r.stdout;
  }

  async writeFile(sandboxPath: string, content: string | Buffer): Promise<void> {
    const dir = sandboxPath.replace(/\/[^/]*$/, '') || '/';
    const r = await this.requirePool().runRaw(
      {
        cmd: `mkdir -p -- ${shellQuote(dir)} && cat > ${shellQuote(sandboxPath)}`,
        stdin: content,
        timeoutMs: 300_000,
      },
      this.workdir,
    );
    if (r.exitCode !== 0) throw new SandboxError(`cannot write ${sandboxPath}: ${r.stderr.trim()}`, 'path');
  }

  async newSession(): Promise<void> {
    this.requirePool().recycle();
  }

  async stop(): Promise<void> {
    this.pool?.closeAll();
    this.pool = null;
    try {
      await this.down();
    } finally {
      unregisterSandbox(this);
    }
  }
}
