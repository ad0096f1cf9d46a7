import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { minimalEnv } from './docker-cli.js';
import { shellQuote } from './quote.js';
import type { ExecRequest, ExecResult } from './types.js';

/**
 * A bash process kept open inside the sandbox (through one `docker exec -i`, or
 * directly for the local runner) that runs one command at a time. Each command
 * costs a fork and two execs in the sandbox instead of a whole `docker exec`.
 *
 * Framing: the harness sends the command as a here-document whose delimiter is
 * a fresh random nonce, then `__fb_run <nonce> ...`. The command runs in a
 * separate `bash -c` process (under `timeout`, in its own process group) with
 * the shell's stdout and stderr; when it ends, the shell writes an end marker
 * containing the nonce to each stream, the exit code on stdout. The nonce never
 * reaches the command (not in its argv, environment or memory), so output
 * cannot fake the end of a command or its exit code. What a stream carries
 * between commands (a background job still writing) is dropped.
 */

export const DEFAULT_EXEC_TIMEOUT_MS = 600_000;
export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;
/** How long opening a shell (a `docker exec`) may take. */
const OPEN_TIMEOUT_MS = 60_000;
/** How long after its timeout a command may take to report before the shell is declared broken. */
const GRACE_MS = 5_000;

// Job control gives every command its own process group, so a timeout kills its whole tree.
// The watchdog is a coprocess armed with "pgid seconds" and disarmed by any line (a timeout it
// records in a file the shell reads with builtins); it uses
// only builtins, so a command costs one fork and no exec. Commands run in a subshell: `exit`,
// `exec`, `cd` or closing a descriptor there cannot touch the shell itself.
// biome-ignore lint/suspicious/noTemplateCurlyInString: bash expansion, inserted into the prelude below
const WD_FD = '${__fb_wd[1]}';
const PRELUDE = String.raw`
set -m
unset HISTFILE
__fb_tmp=$(mktemp -d 2>/dev/null || echo /tmp)
__fb_watch() {
  local pid secs rc n
  while IFS=' ' read -r pid secs; do
    IFS= read -r -t "$secs" _; rc=$?
    if [ "$rc" -gt 128 ]; then
      # Say so before the first signal, so the shell finds it once the command is gone.
      printf '%s' "$pid" > "$__fb_tmp/timed-out"
      kill -TERM -- "-$pid" 2>/dev/null
      IFS= read -r -t 2 _; rc=$?
      # Then KILL until the group is empty: a fork bomb outruns one signal.
      n=0
      while kill -KILL -- "-$pid" 2>/dev/null && [ $((n += 1)) -lt 10000 ]; do :; done
      if [ "$rc" -gt 128 ]; then IFS= read -r _; rc=$?; fi
    fi
    [ "$rc" -eq 1 ] && exit 0
  done
}
coproc __fb_wd { __fb_watch; } 2>/dev/null
# The cgroup's OOM-kill counter (v2, else v1), read with builtins only; "-" when unknown.
__fb_oom() {
  local f k v
  __fb_oomc=-
  for f in /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control; do
    [ -r "$f" ] || continue
    while read -r k v; do [ "$k" = oom_kill ] && __fb_oomc=$v; done < "$f"
    return 0
  done
}
__fb_end() {
  printf 'fbo-%s %d %s %s\n' "$2" "$1" "$__fb_verdict" "$__fb_oomc"
  printf 'fbe-%s\n' "$2" >&2
}
__fb_run() {
  ( set +m; unset -f __fb_run __fb_watch __fb_end; unset __fb_wd; eval "$__fb_c" ) < "$2" &
  local pid=$! rc
  printf '%s %s\n' "$pid" "$1" >&"${WD_FD}"
  { wait "$pid"; } 2>/dev/null; rc=$?
  printf 'x\n' >&"${WD_FD}"
  __fb_verdict=ok
  if [ -s "$__fb_tmp/timed-out" ]; then
    IFS= read -r __fb_tp < "$__fb_tmp/timed-out"
    [ "$__fb_tp" = "$pid" ] && { __fb_verdict=timeout; : > "$__fb_tmp/timed-out"; }
  fi
  __fb_oomc=-
  [ "$rc" -eq 137 ] && [ "$__fb_verdict" = ok ] && __fb_oom
  unset __fb_c
  return "$rc"
}
`;

/** Keeps the head and the tail of a stream within a byte budget and counts what it drops. */
export class CappedCollector {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  total = 0;
  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.total += chunk.length;
    const headRoom = Math.floor(this.maxBytes / 2) - this.headBytes;
    if (headRoom > 0) {
      const part = chunk.subarray(0, headRoom);
      this.head.push(part);
      this.headBytes += part.length;
      chunk = chunk.subarray(part.length);
      if (chunk.length === 0) return;
    }
    const tailMax = this.maxBytes - Math.floor(this.maxBytes / 2);
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    if (this.tailBytes > tailMax * 2) this.trimTail(tailMax);
  }

  private trimTail(keep: number): void {
    const joined = Buffer.concat(this.tail);
    const kept = joined.subarray(Math.max(0, joined.length - keep));
    this.tail = [Buffer.from(kept)];
    this.tailBytes = kept.length;
  }

  /** The kept text and the number of bytes cut from the middle. */
  finish(): { text: string; cutBytes: number } {
    const tailMax = this.maxBytes - Math.floor(this.maxBytes / 2);
    this.trimTail(tailMax);
    const head = Buffer.concat(this.head);
    const tail = this.tail[0] ?? Buffer.alloc(0);
    const cutBytes = this.total - head.length - tail.length;
    if (cutBytes === 0) return { text: Buffer.concat([head, tail]).toString('utf8'), cutBytes };
    return {
      text: `${head.toString('utf8')}\n[... ${cutBytes} bytes cut from the middle of this output ...]\n${tail.toString('utf8')}`,
      cutBytes,
    };
  }

  /** The raw bytes, for callers that asked for everything (file reads). */
  bytes(): Buffer {
    return Buffer.concat([...this.head, ...this.tail]);
  }
}

/** Reads one stream of the shell and finds the end marker of the current command in it. */
class StreamReader {
  private pending: Buffer = Buffer.alloc(0);
  private collector: CappedCollector | null = null;
  private marker: Buffer | null = null;
  private onEnd: ((trailer: string) => void) | null = null;

  expect(marker: string, collector: CappedCollector, onEnd: (trailer: string) => void): void {
    this.marker = Buffer.from(marker);
    this.collector = collector;
    this.onEnd = onEnd;
    this.pending = Buffer.alloc(0);
  }

  feed(chunk: Buffer): void {
    // Output while no command runs comes from background jobs of earlier commands: it belongs to
    // no command, and must not leak into the next one (a grader's, say).
    if (!this.marker || !this.collector) return;
    const buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const at = buf.indexOf(this.marker);
    if (at >= 0) {
      const newline = buf.indexOf(10, at + this.marker.length);
      if (newline < 0) {
        this.pending = buf;
        return;
      }
      this.collector.push(buf.subarray(0, at));
      const trailer = buf.subarray(at + this.marker.length, newline).toString('utf8');
      const onEnd = this.onEnd;
      this.marker = null;
      this.collector = null;
      this.onEnd = null;
      this.pending = Buffer.alloc(0);
      onEnd?.(trailer);
      return;
    }
    // Hold back a possible partial marker.
    const hold = Math.min(buf.length, this.marker.length);
    this.collector.push(buf.subarray(0, buf.length - hold));
    this.pending = Buffer.from(buf.subarray(buf.length - hold));
  }

  /** Gives up on the current command (shell died): whatever was read is its output. */
  abandon(): void {
    if (this.collector && this.pending.length > 0) this.collector.push(this.pending);
    this.pending = Buffer.alloc(0);
    this.marker = null;
    this.collector = null;
    this.onEnd = null;
  }
}

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
  nonce: string;
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
      this.out.expect(`fbr-${nonce}`, readyCollector, (trailer) => {
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
      child.stdin?.write(`${PRELUDE}\n__fb_oom; printf 'fbr-%s %d %s\\n' ${nonce} "$$" "$__fb_oomc"\n`);
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
    const seconds = Math.max(0.1, cmd.timeoutMs / 1000).toFixed(3);
    let input = '/dev/null';
    const parts: Array<string | Buffer> = [
      `IFS= read -r -d '' __fb_c <<'fbc-${delimiter}'\n${cmd.script}\nfbc-${delimiter}\n`,
    ];
    if (cmd.stdin !== undefined && cmd.stdin.length > 0) {
      // GNU head -c never reads past its count, so the raw bytes can follow on the shell's own input.
      const data = Buffer.from(cmd.stdin);
      input = '"$__fb_tmp/stdin"';
      parts.push(`head -c ${data.length} > ${input}\n`, data);
    }
    // The marker nonce is sent after the command line, so the shell has not read it when it forks.
    parts.push(`__fb_run ${seconds} ${input}\n`, `__fb_end $? ${nonce}\n`);
    return new Promise<ShellOutcome>((resolve) => {
      const pending: Pending = {
        nonce,
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
      this.out.expect(`fbo-${nonce}`, pending.stdout, (trailer) => {
        const [code, verdict, oom] = trailer.trim().split(' ');
        pending.exitCode = Number.parseInt(code ?? '', 10);
        pending.timedOut = verdict === 'timeout';
        const oomKills = Number(oom);
        if (Number.isFinite(oomKills)) {
          pending.outOfMemory = oomKills > this.oomKills;
          this.oomKills = oomKills;
        }
        pending.stdoutDone = true;
        this.maybeFinish();
      });
      this.err.expect(`fbe-${nonce}`, pending.stderr, () => {
        pending.stderrDone = true;
        this.maybeFinish();
      });
      // One write: each write becomes its own frame on the way through the Docker daemon.
      this.child?.stdin?.write(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
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

/**
 * Shells keyed by user: one busy shell does not block a concurrent call (a new
 * shell opens), and a broken shell is replaced on the next call.
 */
export class ShellPool {
  private readonly shells = new Map<string, PersistentShell[]>();
  private closed = false;

  constructor(
    private readonly factory: (user: string | undefined, service: string | undefined) => PersistentShell,
  ) {}

  private async acquire(user: string | undefined, service?: string, retry = true): Promise<PersistentShell> {
    if (this.closed) throw new Error('the sandbox is stopped');
    const key = `${service ?? ''}\0${user ?? ''}`;
    const list = (this.shells.get(key) ?? []).filter((s) => !s.broken);
    this.shells.set(key, list);
    const idle = list.find((s) => !s.busy);
    if (idle) {
      idle.reserved = true;
      return idle;
    }
    const shell = this.factory(user, service);
    shell.reserved = true;
    list.push(shell);
    try {
      await shell.open();
      return shell;
    } catch (err) {
      list.splice(list.indexOf(shell), 1);
      // One more try: `docker exec` fails now and then under load ("exec attach failed").
      if (retry && !this.closed) {
        await new Promise((r) => setTimeout(r, 200));
        return this.acquire(user, service, false);
      }
      throw err;
    }
  }

  /** Opens the default shell ahead of the first call. */
  async warm(user?: string, service?: string): Promise<void> {
    (await this.acquire(user, service)).reserved = false;
  }

  async run(req: ExecRequest, workdir: string): Promise<ExecResult> {
    const shell = await this.acquire(req.user, req.service);
    const outcome = await shell.run({
      script: buildScript(req, workdir),
      stdin: req.stdin,
      timeoutMs: req.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
      maxOutputBytes: req.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
    });
    const out = outcome.stdout.finish();
    const err = outcome.stderr.finish();
    let stderr = err.text;
    const note = (text: string): void => {
      stderr += `${stderr && !stderr.endsWith('\n') ? '\n' : ''}[sandbox: ${text}]\n`;
    };
    if (outcome.outOfMemory) note('the command was killed: the sandbox ran out of memory');
    if (outcome.shellBroken) note(`${outcome.shellBroken}; a new shell will be used for the next command`);
    const killReason = outcome.shellBroken
      ? 'shell_lost'
      : outcome.timedOut
        ? 'timeout'
        : outcome.outOfMemory
          ? 'out_of_memory'
          : undefined;
    return {
      exitCode: outcome.exitCode,
      stdout: out.text,
      stderr,
      timedOut: outcome.timedOut,
      ...(killReason ? { killReason } : {}),
      truncatedBytes: { stdout: out.cutBytes, stderr: err.cutBytes },
      durationMs: outcome.durationMs,
    };
  }

  /** Runs a command and returns its raw stdout bytes (no cap); for file reads. */
  async runRaw(
    req: ExecRequest,
    workdir: string,
  ): Promise<{ exitCode: number; stdout: Buffer; stderr: string }> {
    const shell = await this.acquire(req.user, req.service);
    const outcome = await shell.run({
      script: buildScript(req, workdir),
      stdin: req.stdin,
      timeoutMs: req.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
      maxOutputBytes: 2 * 1024 * 1024 * 1024,
    });
    return {
      exitCode: outcome.exitCode,
      stdout: outcome.stdout.bytes(),
      stderr: outcome.stderr.finish().text + (outcome.shellBroken ? `\n${outcome.shellBroken}` : ''),
    };
  }

  /** Pids (inside the sandbox) of the open shells. */
  pids(): number[] {
    return [...this.shells.values()]
      .flat()
      .map((s) => s.innerPid)
      .filter((p) => p > 0);
  }

  /** Closes the open shells; later calls open new ones. */
  recycle(): void {
    for (const list of this.shells.values()) for (const s of list) s.close();
    this.shells.clear();
  }

  closeAll(): void {
    this.closed = true;
    for (const list of this.shells.values()) for (const s of list) s.close();
    this.shells.clear();
  }
}

/** The `bash -c` script for a request: cwd and env set, then the command. */
export function buildScript(req: ExecRequest, workdir: string): string {
  const lines = [`cd -- ${shellQuote(req.cwd ?? workdir)} || exit 125`];
  for (const [k, v] of Object.entries(req.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name ${k}`);
    lines.push(`export ${k}=${shellQuote(v)}`);
  }
  lines.push(typeof req.cmd === 'string' ? req.cmd : `exec ${req.cmd.map(shellQuote).join(' ')}`);
  return lines.join('\n');
}
