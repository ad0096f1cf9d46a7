import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { labelArgs, runLabels } from './cleanup.js';
import { DEFAULT_ENGINE, type DockerEngine, dockerCall } from './docker-cli.js';
import { engineEndpoint, isRemoteEngine } from './engines.js';
import { builtImageTag, ensureImage } from './images.js';
import { SandboxError } from './types.js';

/**
 * How an agent in a sandbox reaches the run's model gateway and nothing else.
 * The gateway listens on a Unix socket in a host folder; a forwarder (Debian's
 * socat) is the only thing that folder is mounted into. With the Docker
 * runner the forwarder holds a network namespace with no network at all
 * (`--network none`), listens on its loopback, and the agent's container joins
 * that namespace: the agent sees one loopback port that leads to the gateway,
 * and no interface that leads anywhere else (not even to the host). With
 * Compose the forwarder is one more service on the run's internal network.
 * Needs a local Docker engine: a remote one cannot mount the harness's socket
 * (assertGatewayReachable refuses it before anything starts).
 */

export const GATEWAY_SOCKET_NAME = 'gateway.sock';
/** Where the forwarder sees the socket folder. */
const SOCKET_DIR_IN_FORWARDER = '/run/fb-gateway';
const FORWARDER_PORT = 8080;
/** The forwarder's name on a Compose project's network. */
export const GATEWAY_SERVICE = 'fb-gateway';

const FORWARDER_DOCKERFILE = `FROM debian:bookworm-slim
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends socat \\
 && rm -rf /var/lib/apt/lists/*
`;

/** The agent's OpenAI base URL: on the shared loopback (Docker), or the forwarder by name (Compose). */
export function gatewayUrlInSandbox(kind: 'docker' | 'compose'): string {
  return kind === 'docker'
    ? `http://127.0.0.1:${FORWARDER_PORT}/v1`
    : `http://${GATEWAY_SERVICE}:${FORWARDER_PORT}/v1`;
}

/**
 * socat forwarding TCP connections to the gateway's socket, one process per
 * connection; ended by `timeout` after the sandbox's lifetime, when it has one.
 */
export function forwarderCommand(listen: 'loopback' | 'any', lifetimeSeconds?: number): string[] {
  const bind = listen === 'loopback' ? ',bind=127.0.0.1' : '';
  return [
    ...(lifetimeSeconds === undefined ? [] : ['timeout', String(Math.ceil(lifetimeSeconds))]),
    'socat',
    `TCP-LISTEN:${FORWARDER_PORT}${bind},fork,reuseaddr`,
    `UNIX-CONNECT:${SOCKET_DIR_IN_FORWARDER}/${GATEWAY_SOCKET_NAME}`,
  ];
}

/** The socket folder, read-only, as a volume spec. */
export function forwarderVolume(socketDir: string): string {
  return `${socketDir}:${SOCKET_DIR_IN_FORWARDER}:ro`;
}

/** The forwarder's build context, written out (a folder holding its Dockerfile). */
function forwarderContext(): string {
  const dir = path.join(os.tmpdir(), 'factory-bench', 'gateway-forwarder-context');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'Dockerfile'), FORWARDER_DOCKERFILE);
  return dir;
}

/** The tag the forwarder's image has (or will have once built). */
export function forwarderImageTag(): string {
  return builtImageTag(FORWARDER_IMAGE_NAME, forwarderContext());
}

const FORWARDER_IMAGE_NAME = 'gateway-forwarder';

/** The forwarder's image, built once from Debian's socat package. */
export async function forwarderImage(
  logDir: string | undefined,
  engine?: DockerEngine | undefined,
): Promise<string> {
  return ensureImage({
    buildContext: forwarderContext(),
    name: FORWARDER_IMAGE_NAME,
    engine,
    ...(logDir ? { logFile: path.join(logDir, 'image-build-gateway-forwarder.log') } : {}),
  });
}

/**
 * Refuses a model gateway on an engine that may be on another machine: the
 * forwarder needs the gateway's Unix socket, a folder on this machine, which
 * a remote engine would silently replace with an empty one of its own (the
 * agent's calls would then fail or hang, not the run's start).
 */
export async function assertGatewayReachable(engine: DockerEngine = DEFAULT_ENGINE): Promise<void> {
  if (!(await isRemoteEngine(engine))) return;
  throw new SandboxError(
    `agents that run in the sandbox reach their model gateway through a Unix socket on this machine, which the remote Docker engine ${engine.name === DEFAULT_ENGINE.name ? await engineEndpoint(engine) : engine.name} cannot see: run them on a local engine (unix://), or use an agent with runs_in: host or a built-in agent`,
    'start',
  );
}

/** The forwarder's container name for a run (the agent's container joins its network namespace). */
export function forwarderContainerName(agentContainer: string): string {
  return `${agentContainer.slice(0, 110)}-gw`;
}

/**
 * Starts the Docker runner's forwarder: no network, no capabilities, a
 * read-only root, the harness's own uid (the socket folder is the harness's).
 * Returns the `--network` value for the agent's container.
 */
export async function startForwarder(o: {
  runId: string;
  name: string;
  socketDir: string;
  logDir: string | undefined;
  lifetimeSeconds?: number | undefined;
  engine?: DockerEngine | undefined;
}): Promise<string> {
  const image = await forwarderImage(o.logDir, o.engine);
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const r = await dockerCall(
    [
      'run',
      '-d',
      '--rm',
      '--name',
      o.name,
      ...labelArgs(runLabels(o.runId)),
      '--network',
      'none',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '--read-only',
      '--pids-limit',
      '64',
      '--memory',
      '64m',
      '--user',
      `${uid}:${gid}`,
      '-v',
      forwarderVolume(o.socketDir),
      image,
      ...forwarderCommand('loopback', o.lifetimeSeconds),
    ],
    { allowFailure: true, timeoutMs: 60_000, engine: o.engine },
  );
  if (r.exitCode !== 0)
    throw new SandboxError(`could not start the model gateway's forwarder: ${r.stderr.trim()}`, 'start');
  return `container:${o.name}`;
}

/** The Compose service of the forwarder, on the run's internal network (before `$` escaping). */
export function forwarderService(o: {
  image: string;
  socketDir: string;
  labels: Record<string, string>;
  lifetimeSeconds?: number | undefined;
}): Record<string, unknown> {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return {
    image: o.image,
    init: true,
    stop_grace_period: '1s',
    labels: o.labels,
    command: forwarderCommand('any', o.lifetimeSeconds),
    user: `${uid}:${gid}`,
    volumes: [forwarderVolume(o.socketDir)],
    read_only: true,
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    pids_limit: 64,
    mem_limit: '64m',
    networks: ['internal'],
  };
}
