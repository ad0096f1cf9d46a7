import { shellQuote } from '../sandbox/index.js';
import type { Check } from '../tasks/index.js';
import type { CheckFinding, GradeContext } from './types.js';

type Of<T extends Check['type']> = Extract<Check, { type: T }>;

export async function filePresent(check: Of<'file_present'>, ctx: GradeContext): Promise<CheckFinding> {
  const target = check.path.startsWith('/') ? check.path : `${ctx.sandbox.workdir}/${check.path}`;
  const r = await ctx.sandbox.exec({ cmd: `test -f ${shellQuote(target)}`, timeoutMs: 30_000 });
  return r.exitCode === 0
    ? { status: 'passed', explanation: `${check.path} exists` }
    : { status: 'failed', explanation: `${check.path} does not exist` };
}

export async function commandExitZero(
  check: Of<'command_exit_zero'>,
  ctx: GradeContext,
): Promise<CheckFinding> {
  const r = await ctx.sandbox.exec({
    cmd: check.command,
    timeoutMs: check.timeout_s * 1000,
    maxOutputBytes: 256 * 1024,
  });
  const details = {
    command: check.command,
    exit_code: r.exitCode,
    timed_out: r.timedOut,
    stdout: r.stdout,
    stderr: r.stderr,
    duration_ms: r.durationMs,
  };
  if (r.timedOut)
    return {
      status: 'failed',
      explanation: `\`${check.command}\` timed out after ${check.timeout_s}s`,
      details,
    };
  return r.exitCode === 0
    ? { status: 'passed', explanation: `\`${check.command}\` exited 0`, details }
    : { status: 'failed', explanation: `\`${check.command}\` exited ${r.exitCode}`, details };
}
