import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_ENGINE, type DockerEngine, dockerCall, dockerStream } from './docker-cli.js';
import { SandboxError } from './types.js';

/**
 * Docker engines beyond the harness's own: naming them (`--docker-host`, a
 * hosts file), checking that they answer, telling a remote one from a local
 * one, and copying images between them.
 */

/** An engine of a pool, with how many runs it takes at once. */
export interface DockerHost {
  engine: DockerEngine;
  /** Runs at once on this engine; absent: the suite's (or command's) concurrency. */
  concurrency?: number | undefined;
}

/** Bad `--docker-host` or hosts file input: the message names what and where. */
export class DockerHostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DockerHostError';
  }
}

const ENDPOINT = /^(unix|ssh|tcp|npipe|fd):\/\/\S+$/;

/**
 * One `--docker-host` value: `default` (the harness's own engine), an
 * endpoint (`unix:///run/docker2.sock`, `ssh://ci@build-1`, `tcp://10.0.0.5:2376`)
 * or `context:NAME`, then optional `,concurrency=N` and `,certs=DIR` (a
 * folder with ca.pem, cert.pem and key.pem: TLS verified with them).
 */
export function parseDockerHost(value: string, where = '--docker-host'): DockerHost {
  const [endpoint = '', ...options] = value.split(',').map((p) => p.trim());
  let concurrency: number | undefined;
  let certPath: string | undefined;
  for (const option of options) {
    const [key, v = ''] = option.split('=', 2);
    if (key === 'concurrency' && /^[1-9]\d*$/.test(v)) concurrency = Number(v);
    else if (key === 'certs' && v) certPath = v;
    else
      throw new DockerHostError(
        `${where}: ${JSON.stringify(option)} in ${JSON.stringify(value)} is not concurrency=N (N >= 1) or certs=DIR`,
      );
  }
  return { engine: engineOf(endpoint, certPath, where), ...(concurrency ? { concurrency } : {}) };
}

function engineOf(endpoint: string, certPath: string | undefined, where: string): DockerEngine {
  if (endpoint === 'default' && !certPath) return DEFAULT_ENGINE;
  if (endpoint.startsWith('context:') && endpoint.length > 'context:'.length)
    return { name: endpoint, context: endpoint.slice('context:'.length) };
  if (ENDPOINT.test(endpoint)) return { name: endpoint, host: endpoint, ...(certPath ? { certPath } : {}) };
  throw new DockerHostError(
    `${where}: ${JSON.stringify(endpoint)} is not a Docker endpoint: expected default, unix:///path, ssh://[user@]host, tcp://host:port or context:NAME`,
  );
}

/**
 * A hosts file: YAML with `hosts:`, a list of entries such as
 * `{ host: ssh://ci@build-1, concurrency: 4 }`, `{ context: gpu-box }`,
 * `{ host: tcp://10.0.0.5:2376, certs: /etc/fb/certs }` or `{ host: default }`.
 */
export function loadHostsFile(file: string): DockerHost[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DockerHostError(
      `${file}: cannot read the hosts file: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const list = (doc as { hosts?: unknown } | null)?.hosts;
  if (!Array.isArray(list) || list.length === 0)
    throw new DockerHostError(
      `${file}: hosts: expected a list of Docker hosts (host: or context:, concurrency:)`,
    );
  return list.map((entry: unknown, i) => {
    const where = `${file}: hosts[${i}]`;
    if (!entry || typeof entry !== 'object')
      throw new DockerHostError(`${where}: expected host: or context:`);
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).filter((k) => !['host', 'context', 'concurrency', 'certs'].includes(k));
    if (unknown.length > 0)
      throw new DockerHostError(
        `${where}: unknown field ${unknown[0]} (expected host, context, concurrency, certs)`,
      );
    if ((e.host === undefined) === (e.context === undefined) || (e.host ?? e.context) === '')
      throw new DockerHostError(`${where}: give either host: or context:`);
    if (e.concurrency !== undefined && !(Number.isInteger(e.concurrency) && (e.concurrency as number) >= 1))
      throw new DockerHostError(`${where}.concurrency: expected an integer >= 1`);
    if (e.certs !== undefined && typeof e.certs !== 'string')
      throw new DockerHostError(`${where}.certs: expected a folder`);
    const endpoint = e.host !== undefined ? String(e.host) : `context:${String(e.context)}`;
    return {
      engine: engineOf(
        endpoint,
        e.certs as string | undefined,
        `${where}.${e.host !== undefined ? 'host' : 'context'}`,
      ),
      ...(e.concurrency ? { concurrency: e.concurrency as number } : {}),
    };
  });
}

/** Null when the engine answers, else why not (one line). */
export async function probeEngine(engine: DockerEngine, timeoutMs = 20_000): Promise<string | null> {
  try {
    const r = await dockerCall(['version', '--format', '{{.Server.Version}}'], {
      allowFailure: true,
      timeoutMs,
      retries: 1,
      engine,
    });
    if (r.exitCode === 0 && r.stdout.trim()) return null;
    return r.stderr.trim().split('\n').filter(Boolean).pop() ?? `docker version exited with ${r.exitCode}`;
  } catch (err) {
    return (err as Error).message.split('\n')[0] ?? 'docker did not answer';
  }
}

const endpoints = new Map<string, Promise<string>>();

/**
 * Where an engine's calls go: its host, its context's endpoint, or for the
 * default engine DOCKER_HOST, DOCKER_CONTEXT or the CLI's current context.
 */
export function engineEndpoint(engine: DockerEngine): Promise<string> {
  let known = endpoints.get(engine.name);
  if (!known) {
    known = (async () => {
      if (engine.host) return engine.host;
      if (!engine.context && process.env.DOCKER_HOST) return process.env.DOCKER_HOST;
      // The engine's own environment names its context (or none: the CLI's current one).
      const r = await dockerCall(['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'], {
        allowFailure: true,
        timeoutMs: 20_000,
        engine,
      });
      return r.exitCode === 0 && r.stdout.trim() ? r.stdout.trim() : 'unix:///var/run/docker.sock';
    })();
    endpoints.set(engine.name, known);
  }
  return known;
}

/**
 * Whether an engine may be on another machine, where nothing on this
 * machine's disk or its Unix sockets exists: anything but a Unix socket (or a
 * Windows named pipe). `ssh://localhost` counts as remote: nothing promises a shared disk.
 */
export async function isRemoteEngine(engine: DockerEngine): Promise<boolean> {
  const endpoint = await engineEndpoint(engine);
  return !/^(unix|npipe):\/\//.test(endpoint);
}

/** The first of `engines` that has `image`, or null. */
export async function findImage(
  image: string,
  engines: readonly DockerEngine[],
): Promise<DockerEngine | null> {
  for (const engine of engines) {
    const r = await dockerCall(['image', 'inspect', '--format', '{{.Id}}', image], {
      allowFailure: true,
      timeoutMs: 30_000,
      retries: 0,
      engine,
    }).catch(() => null);
    if (r?.exitCode === 0) return engine;
  }
  return null;
}

/** Copies an image from one engine to another: `docker save` there piped into `docker load` here. */
export async function copyImage(image: string, from: DockerEngine, to: DockerEngine): Promise<void> {
  const timeoutMs = 1_800_000;
  let loaded: { exitCode: number; stderr: string; error?: string } | null = null;
  const saved = await dockerStream(['save', image], {
    timeoutMs,
    engine: from,
    output: async (stdout) => {
      loaded = await dockerStream(['load', '--quiet'], {
        timeoutMs,
        engine: to,
        input: (stdin) => stdout.pipe(stdin),
      });
    },
  });
  const load = loaded as { exitCode: number; stderr: string; error?: string } | null;
  if (saved.exitCode !== 0 || !load || load.exitCode !== 0)
    throw new SandboxError(
      `could not copy image ${image} from Docker engine ${from.name} to ${to.name}: ${
        saved.exitCode !== 0
          ? (saved.error ?? saved.stderr.trim())
          : (load?.error ?? load?.stderr.trim() ?? 'load did not run')
      }`,
      'image_build',
    );
}

/**
 * The hosts, each told it may load an image it lacks from any other host of
 * the list or from the harness's own engine (where the images are usually
 * built first): a remote engine that reaches no registry still gets the base
 * image, and a task image is built once rather than on every host.
 */
export function sharingImages(hosts: readonly DockerHost[]): DockerHost[] {
  const all = [...hosts.map((h) => h.engine), DEFAULT_ENGINE].filter(
    (e, i, list) => list.findIndex((o) => o.name === e.name) === i,
  );
  return hosts.map((h) => ({
    ...h,
    engine: { ...h.engine, loadFrom: all.filter((e) => e.name !== h.engine.name) },
  }));
}
