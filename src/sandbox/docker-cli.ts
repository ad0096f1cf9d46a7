import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { execa } from 'execa';
import { OUTPUT_LIMITS } from './limits.js';

/**
 * Every call to the docker CLI goes through here: an explicit minimal
 * environment (never the harness's secrets), a timeout, retries on transient
 * daemon errors, and a cap on concurrent calls.
 */

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

export function minimalEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASSED_ENV) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
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

const dockerCalls = new Semaphore(Number(process.env.FACTORY_BENCH_DOCKER_CONCURRENCY ?? 8));

export interface DockerCallOptions {
  timeoutMs?: number;
  input?: string | Buffer;
  retries?: number;
  /** Return the result even when the exit code is non-zero. */
  allowFailure?: boolean;
  /** For calls whose output is binary (e.g. `cp ... -`). */
  binary?: boolean;
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
    const result = await dockerCalls.use(() =>
      execa(file ?? 'docker', [...prefix, ...args], {
        env: minimalEnv(),
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
  return dockerCalls.use(
    () =>
      new Promise((resolve) => {
        const child = spawn('docker', args, { env: minimalEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
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
