import { type ExecResult, OUTPUT_LIMITS, SANDBOX_PATHS, shellQuote } from '../sandbox/index.js';
import { compareRows, parsePsqlCsv, psqlArgv } from './sql.js';
import type { CheckFinding, CheckOf, GradeContext } from './types.js';

/** The environment of every grader command: where the fixtures are, and no bytecode left in the workspace. */
export function graderEnv(ctx: GradeContext): Record<string, string> {
  return {
    ...ctx.task.manifest.grader.env,
    FB_GRADER_DIR: ctx.graderDir,
    FB_SOLUTION_DIR: ctx.solutionDir ?? SANDBOX_PATHS.solution,
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

/** Runs a grader command in the agent's container and keeps its output for grader_outputs/. */
export async function runGraderCommand(
  ctx: GradeContext,
  command: string,
  timeoutS: number,
): Promise<{ result: ExecResult; files: Record<string, string>; details: Record<string, unknown> }> {
  const user = ctx.task.manifest.grader.user;
  const result = await ctx.sandbox.exec({
    cmd: command,
    timeoutMs: timeoutS * 1000,
    maxOutputBytes: OUTPUT_LIMITS.graderStreamBytes,
    env: graderEnv(ctx),
    ...(user ? { user } : {}),
  });
  return {
    result,
    files: { stdout: result.stdout, stderr: result.stderr },
    details: {
      command,
      ...(user ? { user } : {}),
      exit_code: result.exitCode,
      timed_out: result.timedOut,
      duration_ms: result.durationMs,
      truncated_bytes: result.truncatedBytes,
    },
  };
}

/** The last non-empty line of stderr (or stdout), for a one-line explanation. */
export function lastLine(r: ExecResult): string {
  const line = (r.stderr.trim() ? r.stderr : r.stdout).trim().split('\n').at(-1)?.trim() ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

/**
 * Lines of output that say what failed: test runners' FAILED/ERROR lines,
 * pytest's `E ...` assertion lines and summary, exceptions, `error:` lines.
 */
const FAILING_LINE =
  /^(?:FAILED|FAIL|ERROR)\b|^E {2,}\S|^not ok\b|^[\w.]*(?:Error|Exception)\b|\berror:|^=+ .*\b\d+ (?:failed|errors?)\b/;
const MAX_FAILING_LINES = 8;

/**
 * The lines of a failed grader command's output that explain it (stdout,
 * then stderr), at most eight, each clipped; the last line when none stands out.
 */
export function failingLines(r: ExecResult): string[] {
  const lines = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  const failing = [...new Set(lines.filter((l) => FAILING_LINE.test(l)))];
  const clip = (l: string) => (l.length > 200 ? `${l.slice(0, 200)}...` : l);
  if (failing.length === 0) {
    const last = lastLine(r);
    return last ? [last] : [];
  }
  const shown = failing.slice(0, MAX_FAILING_LINES).map(clip);
  if (failing.length > MAX_FAILING_LINES)
    shown.push(`(${failing.length - MAX_FAILING_LINES} more such lines)`);
  return shown;
}

/** `: line`, or the lines indented one per line after the colon. */
export function explainLines(lines: string[]): string {
  if (lines.length === 0) return '';
  if (lines.length === 1) return `: ${lines[0]?.trim()}`;
  return `:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}

/** Why a grader command's run counts against the work (timeout, non-zero exit), or null. */
export function commandFailure(command: string, r: ExecResult, timeoutS: number): string | null {
  if (r.timedOut) return `\`${command}\` timed out after ${timeoutS}s`;
  if (r.exitCode !== 0) return `\`${command}\` exited ${r.exitCode}${explainLines(failingLines(r))}`;
  return null;
}

export function inWorkspace(ctx: GradeContext, p: string): string {
  return p.startsWith('/') ? p : `${ctx.sandbox.workdir}/${p}`;
}

export async function filePresent(check: CheckOf<'file_present'>, ctx: GradeContext): Promise<CheckFinding> {
  const target = inWorkspace(ctx, check.path);
  const r = await ctx.sandbox.exec({ cmd: `test -f ${shellQuote(target)}`, timeoutMs: 30_000 });
  return r.exitCode === 0
    ? { status: 'passed', explanation: `${check.path} exists` }
    : { status: 'failed', explanation: `${check.path} does not exist` };
}

export async function commandExitZero(
  check: CheckOf<'command_exit_zero'>,
  ctx: GradeContext,
): Promise<CheckFinding> {
  const { result, files, details } = await runGraderCommand(ctx, check.command, check.timeout_s);
  const failure = commandFailure(check.command, result, check.timeout_s);
  if (failure) return { status: 'failed', explanation: failure, details, files };
  const wanted = check.output_contains === undefined ? [] : [check.output_contains].flat();
  const missing = wanted.filter((text) => !result.stdout.includes(text));
  if (missing.length > 0)
    return {
      status: 'failed',
      explanation: `\`${check.command}\` exited 0, but its output lacks ${missing.map((t) => JSON.stringify(t)).join(', ')}${explainLines(failingLines(result))}`,
      details: { ...details, missing_output: missing },
      files,
    };
  const also =
    wanted.length > 0 ? ` and its output has ${wanted.map((t) => JSON.stringify(t)).join(', ')}` : '';
  return { status: 'passed', explanation: `\`${check.command}\` exited 0${also}`, details, files };
}

/** psql's exit code 2 (connection) and 127 (no psql) mean the grader could not ask; a query ERROR is the work's. */
export async function sqlCheck(check: CheckOf<'sql_check'>, ctx: GradeContext): Promise<CheckFinding> {
  const argv = psqlArgv(check.query, { database: check.database, user: check.user });
  const r = await ctx.sandbox.exec({
    service: check.service,
    cmd: argv,
    timeoutMs: check.timeout_s * 1000,
    maxOutputBytes: OUTPUT_LIMITS.graderStreamBytes,
  });
  const files = { stdout: r.stdout, stderr: r.stderr };
  const details: Record<string, unknown> = {
    service: check.service,
    query: check.query,
    exit_code: r.exitCode,
    timed_out: r.timedOut,
    ordered: check.ordered,
  };
  if (r.timedOut)
    return { status: 'failed', explanation: `the query timed out after ${check.timeout_s}s`, details, files };
  if (r.exitCode !== 0) {
    const error = r.stderr
      .split('\n')
      .find((l) => /\bERROR:/.test(l))
      ?.trim();
    if (error) return { status: 'failed', explanation: `the query failed: ${error}`, details, files };
    const why = r.exitCode === 127 ? `psql is not installed in service ${check.service}` : lastLine(r);
    return {
      status: 'error',
      explanation: `could not run the query in service ${check.service} (psql exited ${r.exitCode}): ${why}`,
      details,
      files,
    };
  }
  const rows = parsePsqlCsv(r.stdout);
  const cmp = compareRows(check.expected_rows, rows, { ordered: check.ordered, tolerance: check.tolerance });
  const full = { ...details, rows, differences: cmp.differences };
  const order = check.ordered ? 'in order' : 'in any order';
  return cmp.equal
    ? {
        status: 'passed',
        explanation: `${rows.length} rows match the expected rows (${order})`,
        details: full,
        files,
      }
    : {
        status: 'failed',
        explanation: `rows differ (${order}): ${cmp.differences.slice(0, 3).join('; ')}`,
        details: full,
        files,
      };
}
