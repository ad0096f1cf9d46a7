import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { execa } from 'execa';
import { OUTPUT_LIMITS } from './limits.js';

/**
 * Every call to the docker CLI goes through here: an explicit minimal
 * environment (never the harness's secrets) that names the engine the call
 * is for, a timeout, retries on transient daemon errors, and a cap on
 * concurrent calls per engine.
 */

/**
 * A Docker engine the harness drives: the one its own environment names
 * (DOCKER_HOST, DOCKER_CONTEXT, or the CLI's current context), or one given
 * by `--docker-host` (see engines.ts). Every docker call carries its engine
 * in its environment, so a call can never reach another engine by accident.
 */
export interface DockerEngine {
  /** How messages, results and labels name it: `default`, or the endpoint as given. */
  readonly name: string;
  /** DOCKER_HOST for its calls (`unix://…`, `ssh://…`, `tcp://…`). */
  readonly host?: string | undefined;
  /** A Docker context for its calls, instead of a host. */
  readonly context?: string | undefined;
  /** A folder with ca.pem, cert.pem and key.pem: TLS verified with these (a `tcp://` host). */
  readonly certPath?: string | undefined;
  /**
   * Engines an image this one lacks may be copied from (docker save there,
   * docker load here) instead of being built or pulled again: the other
   * hosts of a pool, and the harness's own engine.
   */
  readonly loadFrom?: readonly DockerEngine[] | undefined;
}

/** The engine the harness's own environment names. */
export const DEFAULT_ENGINE: DockerEngine = { name: 'default' };

const PASSED_ENV = [
  'PATH',
  'HOME',
  'DOCKER_HOST',
  'DOCKER_CONFIG',
  'DOCKER_CONTEXT',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
  'TMPDIR',
  'XDG_RUNTIME_DIR',
];
/** What names an engine: replaced as a whole for an engine that is not the default. */
const ENGINE_ENV = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY'];

export function minimalEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASSED_ENV) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

/** The environment of a docker (or compose) process for `engine`: the minimal one, naming that engine only. */
export function engineEnv(engine: DockerEngine = DEFAULT_ENGINE): Record<string, string> {
  const env = minimalEnv();
  if (engine === DEFAULT_ENGINE || (!engine.host && !engine.context)) return env;
  for (const key of ENGINE_ENV) delete env[key];
  if (engine.host) env.DOCKER_HOST = engine.host;
  if (engine.context) env.DOCKER_CONTEXT = engine.context;
  if (engine.certPath) {
    env.DOCKER_CERT_PATH = engine.certPath;
    env.DOCKER_TLS_VERIFY = '1';
  }
  return env;
}

const TRANSIENT = [
  /connection refused/i,
  /broken pipe/i,
  /i\/o timeout/i,
  /TLS handshake timeout/i,
  /context deadline exceeded/i,
  /Cannot connect to the Docker daemon/i,
  /exec attach failed/i,
  /EOF$/,
];

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

const callLimits = new Map<string, Semaphore>();

/** Concurrent docker CLI calls are capped per engine (FACTORY_BENCH_DOCKER_CONCURRENCY, default 8). */
function dockerCalls(engine: DockerEngine): Semaphore {
  let limit = callLimits.get(engine.name);
  if (!limit) {
    limit = new Semaphore(Number(process.env.FACTORY_BENCH_DOCKER_CONCURRENCY ?? 8));
    callLimits.set(engine.name, limit);
  }
  return limit;
}

export interface DockerCallOptions {
  timeoutMs?: number;
  input?: string | Buffer;
  retries?: number;
  /** Return the result even when the exit code is non-zero. */
  allowFailure?: boolean;
  /** For calls whose output is binary (e.g. `cp ... -`). */
  binary?: boolean;
  /** The engine the call is for (default: the harness's own). */
  engine?: DockerEngine | undefined;
  /**
   * Appends stdout and stderr to this file as they come (e.g. an image build's
   * log, which a person may follow while the build runs); the result still has both.
   */
  logFile?: string;
}

export interface DockerCallResult {
  exitCode: number;
  stdout: string;
  stdoutBuffer: Buffer;
  stderr: string;
}

export class DockerCliError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
    readonly timedOut: boolean,
  ) {
    super(
      `docker ${args.slice(0, 3).join(' ')} ${timedOut ? 'timed out' : `failed (exit ${exitCode})`}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
    this.name = 'DockerCliError';
  }
}

/** Runs `<bin> ...args` (bin defaults to docker) with the protections above. */
export async function dockerCall(
  args: string[],
  opts: DockerCallOptions = {},
  bin: string[] = ['docker'],
): Promise<DockerCallResult> {
  const [file, ...prefix] = bin;
  const retries = opts.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    const result = await dockerCalls(opts.engine ?? DEFAULT_ENGINE).use(() =>
      execa(file ?? 'docker', [...prefix, ...args], {
        env: engineEnv(opts.engine),
        extendEnv: false,
        reject: false,
        timeout: opts.timeoutMs ?? 120_000,
        input: opts.input,
        encoding: opts.binary ? 'buffer' : 'utf8',
        stripFinalNewline: false,
        maxBuffer: OUTPUT_LIMITS.dockerCliBytes,
        ...(opts.logFile
          ? {
              stdout: ['pipe', { file: opts.logFile, append: true }],
              stderr: ['pipe', { file: opts.logFile, append: true }],
            }
          : {}),
      }),
    );
    // With encoding 'buffer' execa 9 returns Uint8Array, not Buffer.
    const stdoutBuffer =
      result.stdout instanceof Uint8Array
        ? Buffer.from(result.stdout.buffer, result.stdout.byteOffset, result.stdout.byteLength)
        : Buffer.from(String(result.stdout ?? ''));
    const stderr =
      result.stderr instanceof Uint8Array
        ? Buffer.from(result.stderr).toString('utf8')
        : String(result.stderr ?? '');
    const exitCode = result.exitCode ?? -1;
    if (exitCode === 0 && !result.timedOut)
      return { exitCode, stdout: stdoutBuffer.toString('utf8'), stdoutBuffer, stderr };
    const transient = result.timedOut || TRANSIENT.some((re) => re.test(stderr));
    if (transient && attempt < retries) {
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt + Math.random() * 100));
      continue;
    }
    if (opts.allowFailure && !result.timedOut)
      return { exitCode, stdout: stdoutBuffer.toString('utf8'), stdoutBuffer, stderr };
    throw new DockerCliError(args, result.exitCode, stderr, Boolean(result.timedOut));
  }
}

export interface DockerStreamOptions {
  timeoutMs: number;
  /** Writes the call's stdin (and ends it); without it stdin is closed at once. */
  input?: (stdin: Writable) => void;
  /** Consumes the call's stdout; without it stdout is dropped. */
  output?: (stdout: Readable) => Promise<void>;
  engine?: DockerEngine | undefined;
}

/**
 * A docker call whose stdin or stdout is a stream too large to hold in memory
 * (a tar of a workspace): the same environment, timeout and concurrency cap,
 * no retries (a stream cannot be replayed). `error` says why a stream side failed.
 */
export function dockerStream(
  args: string[],
  opts: DockerStreamOptions,
): Promise<{ exitCode: number; stderr: string; error?: string }> {
  return dockerCalls(opts.engine ?? DEFAULT_ENGINE).use(
    () =>
      new Promise((resolve) => {
        const child = spawn('docker', args, { env: engineEnv(opts.engine), stdio: ['pipe', 'pipe', 'pipe'] });
        let stderr = '';
        let failure: string | undefined;
        let gaveUp: () => void = () => {};
        const timedOut = new Promise<void>((r) => {
          gaveUp = r;
        });
        const fail = (why: string): void => {
          failure ??= why;
          child.kill('SIGKILL');
        };
        const timer = setTimeout(() => {
          fail(`timed out after ${opts.timeoutMs / 1000}s`);
          gaveUp();
        }, opts.timeoutMs);
        child.stderr.on('data', (d: Buffer) => {
          if (stderr.length < 64 * 1024) stderr += d.toString('utf8');
        });
        // docker may exit before reading all of stdin (a bad path): its own error says why.
        child.stdin.on('error', () => {});
        if (opts.input) opts.input(child.stdin);
        else child.stdin.end();
        if (!opts.output) child.stdout.resume();
        const consumed = (opts.output ? opts.output(child.stdout) : Promise.resolve()).catch((err: Error) =>
          fail(err.message),
        );
        child.on('error', (err) => fail(err.message));
        child.on('close', (code) => {
          // The consumer may still be writing what the stream carried; a hung one ends with the timeout.
          void Promise.race([consumed, timedOut]).then(() => {
            clearTimeout(timer);
            const exitCode = code ?? -1;
            resolve({
              exitCode: failure && exitCode === 0 ? -1 : exitCode,
              stderr,
              ...(failure ? { error: failure } : {}),
            });
          });
        });
      }),
  );
}
