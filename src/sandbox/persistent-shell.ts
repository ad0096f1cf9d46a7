import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { minimalEnv } from './docker-cli.js';
import { CappedCollector } from './output.js';
import {
  frameCommand,
  openingScript,
  parseEndTrailer,
  readyMarker,
  stderrEndMarker,
  stdoutEndMarker,
} from './shell-script.js';
import { StreamReader } from './stream-reader.js';

/**
 * A bash process kept open inside the sandbox (through one `docker exec -i`)
 * that runs one command at a time. Each command
 * costs a fork and two execs in the sandbox instead of a whole `docker exec`.
 * What it writes to the shell, and why output cannot fake a command's end, is
 * in shell-script.ts. What a stream carries between commands (a background job
 * still writing) is dropped.
 */

/** How long opening a shell (a `docker exec`) may take. */
const OPEN_TIMEOUT_MS = 60_000;
/** How long after its timeout a command may take to report before the shell is declared broken. */
const GRACE_MS = 5_000;

export interface ShellCommand {
  /** Script for `bash -c` (already wrapped with cd/env by the caller when needed). */
  script: string;
  stdin?: string | Buffer | undefined;
  timeoutMs: number;
  maxOutputBytes: number;
}

export interface ShellOutcome {
  exitCode: number;
  stdout: CappedCollector;
  stderr: CappedCollector;
  timedOut: boolean;
  /** The kernel killed the command for running out of the sandbox's memory. */
  outOfMemory: boolean;
  /** Set when the shell itself broke during the command and was discarded. */
  shellBroken: string | null;
  durationMs: number;
}

type Pending = {
  resolve: (o: ShellOutcome) => void;
  stdout: CappedCollector;
  stderr: CappedCollector;
  started: number;
  timeoutMs: number;
  exitCode: number | null;
  timedOut: boolean;
  outOfMemory: boolean;
  stdoutDone: boolean;
  stderrDone: boolean;
  timer: NodeJS.Timeout;
};

/**
 * One persistent shell process. Use through ShellPool, which reopens a broken
 * shell transparently.
 */
export class PersistentShell {
  private child: ChildProcess | null = null;
  private readonly out = new StreamReader();
  private readonly err = new StreamReader();
  private current: Pending | null = null;
  private readyPromise: Promise<void> | null = null;
  broken: string | null = null;
  /** Pid of the bash process as seen inside the sandbox. */
  innerPid = 0;
  /** The sandbox's OOM-kill count when last seen. */
  private oomKills = 0;

  constructor(
    private readonly argv: string[],
    private readonly spawnOptions: { cwd?: string; env?: Record<string, string>; detached?: boolean } = {},
    /** Kills a process group inside the sandbox by a separate channel (a fresh docker exec). */
    private readonly killInside?: (pid: number) => Promise<void>,
  ) {}

  open(timeoutMs = OPEN_TIMEOUT_MS): Promise<void> {
    if (this.readyPromise) return this.readyPromise;
    this.readyPromise = new Promise<void>((resolveOpen, rejectOpen) => {
      // A wedged daemon must not hang the run: give up, and kill the client, after a while.
      const timer = setTimeout(() => {
        rejectOpen(new Error(`the shell did not start within ${timeoutMs / 1000}s`));
        this.markBroken('the shell did not start in time');
      }, timeoutMs);
      const resolve = (): void => {
        clearTimeout(timer);
        resolveOpen();
      };
      const reject = (err: Error): void => {
        clearTimeout(timer);
        rejectOpen(err);
      };
      const [file, ...args] = this.argv;
      const child = spawn(file as string, args, {
        cwd: this.spawnOptions.cwd,
        env: this.spawnOptions.env ?? minimalEnv(),
        detached: this.spawnOptions.detached ?? false,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      this.child = child;
      const nonce = randomBytes(16).toString('hex');
      let startupErr = '';
      const onStartupErr = (d: Buffer): void => {
        startupErr += d.toString('utf8');
      };
      child.stderr?.on('data', onStartupErr);
      const readyCollector = new CappedCollector(4096);
      this.out.expect(readyMarker(nonce), readyCollector, (trailer) => {
        child.stderr?.off('data', onStartupErr);
        const [pid, oom] = trailer.trim().split(' ');
        this.innerPid = Number(pid) || 0;
        this.oomKills = Number(oom) || 0;
        this.holdProcessOpen(false);
        resolve();
      });
      child.stdout?.on('data', (d: Buffer) => this.out.feed(d));
      child.stderr?.on('data', (d: Buffer) => this.err.feed(d));
      child.on('error', (e) => {
        this.markBroken(`the shell could not be started: ${e.message}`);
        reject(e);
      });
      child.on('exit', (code, signal) => {
        const why = `the shell exited (${signal ?? `code ${code}`})`;
        if (!this.innerPid) reject(new Error(`${why}: ${startupErr.trim().slice(-500)}`));
        this.markBroken(why);
      });
      child.stdin?.on('error', () => this.markBroken('the shell closed its input'));
      child.stdin?.write(openingScript(nonce));
    });
    return this.readyPromise;
  }

  /** Set by the pool when it hands the shell out, so two callers never get the same one. */
  reserved = false;

  get busy(): boolean {
    return this.current !== null || this.reserved;
  }

  run(cmd: ShellCommand): Promise<ShellOutcome> {
    if (this.broken) return Promise.reject(new Error(this.broken));
    if (this.current) return Promise.reject(new Error('the shell is busy'));
    this.reserved = false;
    const nonce = randomBytes(16).toString('hex');
    const delimiter = randomBytes(12).toString('hex');
    return new Promise<ShellOutcome>((resolve) => {
      const pending: Pending = {
        resolve,
        stdout: new CappedCollector(cmd.maxOutputBytes),
        stderr: new CappedCollector(cmd.maxOutputBytes),
        started: Date.now(),
        timeoutMs: cmd.timeoutMs,
        exitCode: null,
        timedOut: false,
        outOfMemory: false,
        stdoutDone: false,
        stderrDone: false,
        // Backstop: `timeout` inside the sandbox should have ended it already.
        timer: setTimeout(() => this.onStuck(), cmd.timeoutMs + GRACE_MS),
      };
      pending.timer.unref?.();
      this.current = pending;
      this.holdProcessOpen(true);
      this.out.expect(stdoutEndMarker(nonce), pending.stdout, (trailer) => {
        const end = parseEndTrailer(trailer);
        pending.exitCode = end.exitCode;
        pending.timedOut = end.timedOut;
        if (end.oomKills !== null) {
          pending.outOfMemory = end.oomKills > this.oomKills;
          this.oomKills = end.oomKills;
        }
        pending.stdoutDone = true;
        this.maybeFinish();
      });
      this.err.expect(stderrEndMarker(nonce), pending.stderr, () => {
        pending.stderrDone = true;
        this.maybeFinish();
      });
      // One write: each write becomes its own frame on the way through the Docker daemon.
      this.child?.stdin?.write(frameCommand(cmd, nonce, delimiter));
    });
  }

  private maybeFinish(): void {
    const p = this.current;
    if (!p?.stdoutDone || !p.stderrDone) return;
    clearTimeout(p.timer);
    this.current = null;
    this.holdProcessOpen(false);
    const durationMs = Date.now() - p.started;
    const exitCode = Number.isFinite(p.exitCode) ? (p.exitCode as number) : -1;
    p.resolve({
      exitCode,
      stdout: p.stdout,
      stderr: p.stderr,
      timedOut: p.timedOut,
      outOfMemory: p.outOfMemory,
      shellBroken: null,
      durationMs,
    });
  }

  /** An idle shell must not keep the harness process alive; a running command must. */
  private holdProcessOpen(hold: boolean): void {
    const child = this.child;
    if (!child) return;
    for (const stream of [child.stdin, child.stdout, child.stderr] as Array<{
      ref?: () => void;
      unref?: () => void;
    } | null>) {
      if (hold) stream?.ref?.();
      else stream?.unref?.();
    }
    if (hold) child.ref();
    else child.unref();
  }

  private onStuck(): void {
    const p = this.current;
    if (!p) return;
    const pid = this.innerPid;
    this.markBroken(`the command did not finish within its timeout (${p.timeoutMs} ms) plus ${GRACE_MS} ms`);
    if (pid && this.killInside) this.killInside(pid).catch(() => {});
  }

  private markBroken(why: string): void {
    if (!this.broken) this.broken = why;
    const p = this.current;
    this.current = null;
    this.out.abandon();
    this.err.abandon();
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
    if (p) {
      clearTimeout(p.timer);
      const durationMs = Date.now() - p.started;
      p.resolve({
        exitCode: -1,
        stdout: p.stdout,
        stderr: p.stderr,
        timedOut: durationMs >= p.timeoutMs,
        outOfMemory: false,
        shellBroken: why,
        durationMs,
      });
    }
  }

  close(): void {
    this.markBroken('closed');
    this.child?.stdin?.end();
  }
}
