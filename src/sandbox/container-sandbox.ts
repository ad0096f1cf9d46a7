import { DEFAULT_ENGINE, type DockerEngine, dockerCall, dockerStream, engineEnv } from './docker-cli.js';
import { PersistentShell } from './persistent-shell.js';
import { ShellSandbox } from './shell-sandbox.js';
import { copyTreeIn, copyTreeOut, type DockerStreamer } from './transfer.js';
import type { ExecRequest, ExecResult } from './types.js';
import { SandboxError } from './types.js';
import { namedSandboxUser, type SandboxUser, sandboxUserFor } from './users.js';

/** A `docker exec -i ... bash` persistent shell into one container. */
export function containerShell(
  container: () => string,
  user: SandboxUser,
  workdir: string,
  requestedUser: string | undefined,
  engine: DockerEngine = DEFAULT_ENGINE,
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
    { env: engineEnv(engine) },
    async (pid) => {
      await dockerCall(['exec', '-u', execUser, container(), 'kill', '-KILL', String(pid)], {
        allowFailure: true,
        timeoutMs: 15_000,
        retries: 0,
        engine,
      });
    },
  );
}

/**
 * What the Docker and Compose runners share: the agent's user, the workspace
 * and the harness's files copied in at start (and the workspace out again),
 * and file copies through the agent's container.
 */
export abstract class ContainerSandbox extends ShellSandbox {
  private user: SandboxUser | null = null;

  /** The agent's container (name or id), once started. */
  protected abstract agentContainer(): string;

  /** The engine the sandbox's containers are on. */
  protected get engine(): DockerEngine {
    return this.spec.engine ?? DEFAULT_ENGINE;
  }

  /** Streaming docker calls (the copies) on the sandbox's engine. */
  private readonly streamer: DockerStreamer = (args, opts) =>
    dockerStream(args, { ...opts, engine: this.engine });

  /** The uid:gid the agent's commands run as (known after start). */
  get agentUser(): SandboxUser | null {
    return this.user;
  }

  protected requireUser(): SandboxUser {
    if (!this.user) throw new SandboxError('the sandbox is not started', 'start');
    return this.user;
  }

  /** Picks the agent's user for the image (the task's own choice when it names one). */
  protected async chooseUser(): Promise<SandboxUser> {
    const { image } = this.spec;
    const named = this.spec.user;
    const user = await (named
      ? namedSandboxUser(image, named, this.engine)
      : sandboxUserFor(image, this.engine)
    ).catch((err: Error) => {
      throw new SandboxError(`cannot pick the agent's user in image ${image}: ${err.message}`, 'start');
    });
    this.user = user;
    return user;
  }

  /**
   * The workspace, owned by the agent's user, over what the image has at the
   * working directory; then the harness's read-only files, owned by root.
   */
  protected override async seed(): Promise<void> {
    const user = this.requireUser();
    const container = this.agentContainer();
    await copyTreeIn(container, this.spec.workspaceHost, this.workdir, user, this.streamer);
    for (const [host, sandboxPath] of Object.entries(this.spec.readOnlyCopies ?? {}))
      await copyTreeIn(container, host, sandboxPath, { uid: 0, gid: 0 }, this.streamer);
  }

  async saveWorkspace(): Promise<{ skipped: string[] }> {
    return copyTreeOut(this.agentContainer(), this.workdir, this.spec.workspaceHost, this.streamer);
  }

  private imageUser: Promise<string> | null = null;

  /** Commands may ask for the image's own USER (`image`), as Harbor's verifier runs. */
  override async exec(req: ExecRequest): Promise<ExecResult> {
    if (req.user !== 'image') return super.exec(req);
    this.imageUser ??= namedSandboxUser(this.spec.image, 'image', this.engine).then((u) => u.spec);
    const user = await this.imageUser.catch((err: Error) => {
      throw new SandboxError(`cannot find the image's user: ${err.message}`, 'start');
    });
    return super.exec({ ...req, user });
  }

  async copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    const parent = sandboxPath.replace(/\/[^/]*$/, '') || '/';
    const r = await this.exec({ cmd: ['mkdir', '-p', '--', parent], timeoutMs: 30_000 });
    if (r.exitCode !== 0) throw new SandboxError(`cannot create ${parent}: ${r.stderr.trim()}`, 'path');
    await dockerCall(['cp', hostPath, `${this.agentContainer()}:${sandboxPath}`], { engine: this.engine });
  }

  async copyOut(sandboxPath: string, hostPath: string): Promise<void> {
    await dockerCall(['cp', `${this.agentContainer()}:${sandboxPath}`, hostPath], { engine: this.engine });
  }
}
