import type { DockerEngine } from './docker-cli.js';

/**
 * The one interface that tools and graders use to touch a sandbox. Nothing
 * else calls Docker for a run's environment.
 */

export interface ExecRequest {
  /** A shell string (run by `bash -lc`-like shell) or an argv array run directly. */
  cmd: string | string[];
  stdin?: string | Buffer;
  /** Working directory inside the sandbox; defaults to the workspace. */
  cwd?: string;
  env?: Record<string, string>;
  /**
   * User inside the sandbox (name or uid[:gid], or `image` for the image's own USER, root when it
   * has none); defaults to the sandbox's agent user.
   */
  user?: string;
  /** Kills the command and everything it started after this long. */
  timeoutMs?: number;
  /** Cap per stream; the head and tail are kept and the cut is reported. */
  maxOutputBytes?: number;
  /** Run in this Compose service instead of the agent's container (`agent` is the agent's own). */
  service?: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why the sandbox ended the command, when it did (absent when the command ended by itself). */
  killReason?: 'timeout' | 'out_of_memory' | 'shell_lost';
  /** Bytes dropped from the middle of each stream, 0 when nothing was cut. */
  truncatedBytes: { stdout: number; stderr: number };
  durationMs: number;
}

/** Why a sandbox could not be made ready: an environment error, never the agent's fault. */
export class SandboxError extends Error {
  constructor(
    message: string,
    readonly kind: 'image_build' | 'start' | 'service_unhealthy' | 'docker' | 'path' = 'docker',
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

/** Which runner a sandbox is: one container, a Compose project, or (development only) the host. */
export type SandboxKind = 'docker' | 'compose';

export interface SandboxRunner {
  readonly kind: SandboxKind;
  /** Path of the workspace inside the sandbox (e.g. /workspace). */
  readonly workdir: string;
  /**
   * The OpenAI base URL of the run's model gateway as the agent sees it from
   * inside (spec.modelGateway), or null when the sandbox was not given one.
   */
  readonly modelGatewayUrl?: string | null;
  start(): Promise<void>;
  /**
   * Maps a path named by an agent tool (relative to the workspace, or absolute
   * under it) to its canonical path inside the sandbox, with symlinks followed
   * as the sandbox sees them. Throws SandboxError (kind 'path') when the path
   * leaves the workspace: `..`, absolute paths elsewhere, symlinks pointing out.
   * Missing trailing components are allowed (files about to be created).
   */
  resolvePath(p: string): Promise<string>;
  exec(req: ExecRequest): Promise<ExecResult>;
  readFile(sandboxPath: string): Promise<Buffer>;
  writeFile(sandboxPath: string, content: string | Buffer): Promise<void>;
  /** Copies a host file or folder into the sandbox at `sandboxPath` (created). */
  copyIn(hostPath: string, sandboxPath: string): Promise<void>;
  /** Copies a sandbox file or folder out to `hostPath`. */
  copyOut(sandboxPath: string, hostPath: string): Promise<void>;
  /**
   * Replaces the contents of the spec's `workspaceHost` with the workspace as
   * the sandbox has it now, owned by the harness's user. Returns entries that
   * could not be copied (a FIFO, say). A no-op for the local runner, whose
   * workspace is that folder.
   */
  saveWorkspace(): Promise<{ skipped: string[] }>;
  /**
   * Closes every open shell so that the next command runs in a new one. Grading
   * calls it once the agent has stopped: a shell the agent's commands ran in
   * could have been tampered with (its pipes are reachable from inside).
   */
  newSession(): Promise<void>;
  /** Removes everything the sandbox created. Safe to call more than once. */
  stop(): Promise<void>;
}

/** A sidecar of a Compose sandbox, reachable from the agent by its name. */
export interface ServiceSpec {
  name: string;
  /** A ready image; or, when absent, */
  image?: string | undefined;
  /** a host folder with a Dockerfile, built once and tagged by its content hash. */
  buildContext?: string | null | undefined;
  env: Record<string, string>;
  command?: string | string[] | undefined;
  healthcheck?:
    | { test: string | string[]; interval_s: number; timeout_s: number; retries: number }
    | undefined;
}

/** What a runner needs to know to start. */
export interface SandboxSpec {
  /** Which runner this is for, decided once by whoever plans the sandbox (see chooseSandboxKind). */
  kind: SandboxKind;
  /** The Docker engine every container, image and copy of the sandbox is on (default: the harness's own). */
  engine?: DockerEngine | undefined;
  runId: string;
  /** What the sandbox is for (a task id); names the images built for its services. */
  name: string;
  /**
   * Host folder whose contents are copied in as the workspace at start (over
   * whatever the image has at `workdir`, owned by the agent's user), and that
   * saveWorkspace() replaces with the workspace as the sandbox left it.
   * Nothing from the harness's disk is mounted: the engine may be remote.
   */
  workspaceHost: string;
  workdir: string;
  image: string;
  resources: { cpus: number; memory_mb: number; pids: number };
  env: Record<string, string>;
  /**
   * Seconds after which the sandbox's containers end by themselves (their first
   * process is `sleep` for this long, not forever), so that nothing outlives a
   * harness killed with -9 even if no harness starts again. The run's wall
   * budget, its grading timeouts and a grace (see sandboxLifetimeSeconds).
   * Absent: no limit.
   */
  lifetimeSeconds?: number;
  /**
   * Host folders copied in at start, owned by root (read-only to an agent
   * that is not root): host path -> sandbox path (the oracle's solution, the
   * seed for git_diff).
   */
  readOnlyCopies?: Record<string, string>;
  /** Folder for logs such as the image build log. */
  logDir?: string;
  /** Sidecars (Compose only). */
  services?: ServiceSpec[];
  /**
   * Outside hosts, with their subdomains, reachable through an egress proxy (Compose only); none by
   * default. `internet`: the agent's container reaches everything (a task's explicit choice; Compose only).
   */
  network?: { allow: string[]; internet?: boolean };
  /** Capabilities given back to the agent's container, which drops all of them by default. */
  capabilities?: string[];
  /**
   * Who the agent runs as: `image` (the image's USER, root when it has none), a user name in the
   * image, or `uid[:gid]`. Default: the image's regular user, or the harness's uid (see users.ts).
   */
  user?: string;
  /**
   * A model gateway listening on the Unix socket `gateway.sock` in this host
   * folder: the agent reaches it over HTTP (modelGatewayUrl) through a
   * forwarder, and still nothing else. Docker and Compose runners only.
   */
  modelGateway?: { socketDir: string };
}
