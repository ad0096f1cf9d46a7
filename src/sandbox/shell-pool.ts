import { OUTPUT_LIMITS } from './limits.js';
import type { PersistentShell, ShellOutcome } from './persistent-shell.js';
import { buildScript } from './shell-script.js';
import type { ExecRequest, ExecResult } from './types.js';

export const DEFAULT_EXEC_TIMEOUT_MS = 600_000;

/** A shell's outcome as the sandbox interface reports it: capped text, and why the sandbox ended the command. */
export function execResultOf(outcome: ShellOutcome): ExecResult {
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

/**
 * Shells keyed by service and user: one busy shell does not block a concurrent
 * call (a new shell opens), and a broken shell is replaced on the next call.
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
      maxOutputBytes: req.maxOutputBytes ?? OUTPUT_LIMITS.execStreamBytes,
    });
    return execResultOf(outcome);
  }

  /** Runs a command and returns its raw stdout bytes (up to the file-read limit); for file reads. */
  async runRaw(
    req: ExecRequest,
    workdir: string,
  ): Promise<{ exitCode: number; stdout: Buffer; stderr: string }> {
    const shell = await this.acquire(req.user, req.service);
    const outcome = await shell.run({
      script: buildScript(req, workdir),
      stdin: req.stdin,
      timeoutMs: req.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
      maxOutputBytes: OUTPUT_LIMITS.fileReadBytes,
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
