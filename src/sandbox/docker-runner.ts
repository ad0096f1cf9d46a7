import { dockerCall } from './docker-cli.js';
import { capOutput } from './output.js';
import { resolveInSandbox } from './paths.js';
import type { ExecRequest, ExecResult, SandboxRunner, SandboxSpec } from './types.js';
import { SandboxError } from './types.js';

export const RUN_LABEL = 'factory-bench.run';
export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;

/** Quotes a string for a POSIX shell. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The shell command that runs a request with an in-container timeout killing the whole tree. */
export function wrapCommand(req: ExecRequest): string {
  const body = typeof req.cmd === 'string' ? req.cmd : req.cmd.map(shellQuote).join(' ');
  if (!req.timeoutMs) return body;
  const seconds = Math.max(1, Math.ceil(req.timeoutMs / 1000));
  // `timeout` signals its child's process group; -k escalates to SIGKILL.
  return `timeout -k 2s ${seconds}s bash -c ${shellQuote(body)}`;
}

/** One container per run with the workspace bind-mounted; locked down by default. */
export class DockerRunner implements SandboxRunner {
  readonly kind = 'docker' as const;
  readonly workdir: string;
  readonly container: string;
  private started = false;

  constructor(private readonly spec: SandboxSpec) {
    this.workdir = spec.workdir;
    this.container = `fb-${spec.runId}`.slice(0, 120);
  }

  async start(): Promise<void> {
    const { spec } = this;
    const args = [
      'run',
      '-d',
      '--name',
      this.container,
      '--label',
      `${RUN_LABEL}=${spec.runId}`,
      '--network',
      'none',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '--init',
      '--pids-limit',
      String(spec.resources.pids),
      '--memory',
      `${spec.resources.memory_mb}m`,
      '--memory-swap',
      `${spec.resources.memory_mb}m`,
      '--cpus',
      String(spec.resources.cpus),
      '-v',
      `${spec.workspaceHost}:${spec.workdir}`,
      '-w',
      spec.workdir,
    ];
    for (const [host, inSandbox] of Object.entries(spec.readOnlyMounts ?? {}))
      args.push('-v', `${host}:${inSandbox}:ro`);
    for (const [k, v] of Object.entries(spec.env)) args.push('-e', `${k}=${v}`);
    const uid = process.getuid?.();
    if (uid !== undefined && uid !== 0) args.push('--user', `${uid}:${process.getgid?.() ?? uid}`);
    args.push(spec.image, 'sleep', 'infinity');
    const r = await dockerCall(args, { allowFailure: true, timeoutMs: 60_000 });
    if (r.exitCode !== 0) {
      await this.stop();
      throw new SandboxError(`could not start a container from ${spec.image}: ${r.stderr.trim()}`, 'start');
    }
    this.started = true;
  }

  async exec(req: ExecRequest): Promise<ExecResult> {
    const started = Date.now();
    const args = ['exec', '-i', '-w', req.cwd ?? this.workdir];
    if (req.user) args.push('-u', req.user);
    for (const [k, v] of Object.entries(req.env ?? {})) args.push('-e', `${k}=${v}`);
    args.push(this.container, 'bash', '-c', wrapCommand(req));
    const r = await dockerCall(args, {
      allowFailure: true,
      input: req.stdin ?? '',
      // The in-container timeout fires first; this is the backstop for a wedged daemon.
      timeoutMs: (req.timeoutMs ?? 600_000) + 15_000,
      retries: 0,
    });
    const max = req.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const out = capOutput(r.stdout, max);
    const err = capOutput(r.stderr, max);
    return {
      exitCode: r.exitCode,
      stdout: out.text,
      stderr: err.text,
      timedOut: Boolean(req.timeoutMs) && r.exitCode === 124,
      truncatedBytes: { stdout: out.cutBytes, stderr: err.cutBytes },
      durationMs: Date.now() - started,
    };
  }

  resolvePath(p: string): Promise<string> {
    return resolveInSandbox((cmd) => this.exec({ cmd, timeoutMs: 30_000 }), this.workdir, p);
  }

  async readFile(sandboxPath: string): Promise<Buffer> {
    const r = await dockerCall(['exec', this.container, 'cat', '--', sandboxPath], {
      allowFailure: true,
      binary: true,
      retries: 0,
    });
    if (r.exitCode !== 0) throw new SandboxError(`cannot read ${sandboxPath}: ${r.stderr.trim()}`, 'path');
    return r.stdoutBuffer;
  }

  async writeFile(sandboxPath: string, content: string | Buffer): Promise<void> {
    const r = await dockerCall(
      [
        'exec',
        '-i',
        this.container,
        'sh',
        '-c',
        'mkdir -p "$(dirname "$1")" && cat > "$1"',
        'sh',
        sandboxPath,
      ],
      { allowFailure: true, input: content, retries: 0 },
    );
    if (r.exitCode !== 0) throw new SandboxError(`cannot write ${sandboxPath}: ${r.stderr.trim()}`, 'path');
  }

  async copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    await dockerCall(['exec', this.container, 'mkdir', '-p', sandboxPath.replace(/\/[^/]*$/, '') || '/']);
    await dockerCall(['cp', hostPath, `${this.container}:${sandboxPath}`]);
  }

  async copyOut(sandboxPath: string, hostPath: string): Promise<void> {
    await dockerCall(['cp', `${this.container}:${sandboxPath}`, hostPath]);
  }

  async stop(): Promise<void> {
    if (!this.started) {
      // A failed `run` may still have created the container.
      await dockerCall(['rm', '-f', '-v', this.container], { allowFailure: true, timeoutMs: 60_000 });
      return;
    }
    this.started = false;
    await dockerCall(['rm', '-f', '-v', this.container], { allowFailure: true, timeoutMs: 60_000 });
  }
}
