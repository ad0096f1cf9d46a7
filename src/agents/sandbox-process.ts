import { randomBytes } from 'node:crypto';
import type { SandboxRunner } from '../sandbox/index.js';
import type { HostAgentProcess, ProcessEnd } from './host-process.js';

/**
 * An agent process inside the sandbox (`runs_in: sandbox`): one command run
 * through the sandbox's own exec (its own process group, the sandbox's
 * timeout as a backstop). The environment travels inside the command script
 * over the shell's stdin, so nothing of it appears in any process argument.
 */
export function startSandboxProcess(o: {
  sandbox: SandboxRunner;
  command: string;
  cwd: string;
  env: Record<string, string>;
  stdin: string;
  /** The sandbox kills the command after this long (the wall-time budget's backstop). */
  timeoutMs: number;
  maxOutputBytes: number;
}): Omit<HostAgentProcess, 'pid'> {
  // The command's subshell leads its own process group; its pid is the group to stop.
  const pgidFile = `/tmp/.fb-agent-${randomBytes(8).toString('hex')}.pgid`;
  const running = o.sandbox.exec({
    cmd: `printf '%s' "$BASHPID" > ${pgidFile}\n${o.command}`,
    cwd: o.cwd,
    env: o.env,
    stdin: o.stdin,
    timeoutMs: o.timeoutMs,
    maxOutputBytes: o.maxOutputBytes,
  });
  const ended: Promise<ProcessEnd> = running.then(
    (r) => ({
      exitCode: r.exitCode,
      signal: r.killReason ?? null,
      stdout: r.stdout,
      stderr: r.stderr,
    }),
    (err: Error) => ({ exitCode: null, signal: 'lost', stdout: '', stderr: err.message }),
  );
  return {
    ended,
    stop: async (graceMs) => {
      const tenths = Math.max(1, Math.round(graceMs / 100));
      // TERM the group, wait up to the grace for it to go, then KILL until it is empty.
      const script = [
        `pg=$(cat ${pgidFile} 2>/dev/null) || exit 0`,
        '[ -n "$pg" ] || exit 0',
        'kill -TERM -- "-$pg" 2>/dev/null || exit 0',
        `i=0; while [ $i -lt ${tenths} ] && kill -0 -- "-$pg" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done`,
        'n=0; while kill -KILL -- "-$pg" 2>/dev/null && [ $((n += 1)) -lt 10000 ]; do :; done',
      ].join('\n');
      await o.sandbox.exec({ cmd: script, timeoutMs: graceMs + 15_000 }).catch(() => undefined);
      // A process that left the group is stopped before grading (every leftover is killed then).
      await Promise.race([ended, new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}
