import { SandboxError } from '../sandbox/index.js';
import { commandFailure, inWorkspace, runGraderCommand } from './deterministic.js';
import { compareMetric, formatNumber, parseFiniteNumber } from './numbers.js';
import { csvCell, type Extracted, parseJsonLenient, regexCapture, valueAtDottedKey } from './sources.js';
import type { CheckFinding, CheckOf, GradeContext } from './types.js';

type MetricSourced = CheckOf<'metric_check'> | CheckOf<'metric_scaled'>;

/** A metric read for a check, or why none could be: the work's failure, never the grader's. */
type Reading =
  | { ok: true; value: number; details: Record<string, unknown>; files?: Record<string, string> }
  | { ok: false; finding: CheckFinding };

/** Reads a metric file from the sandbox; a missing or unreadable file is the work's failure, not the grader's. */
async function readSandboxText(ctx: GradeContext, file: string): Promise<Extracted & { text?: string }> {
  try {
    return {
      ok: true,
      raw: null,
      text: (await ctx.sandbox.readFile(inWorkspace(ctx, file))).toString('utf8'),
    };
  } catch (err) {
    if (err instanceof SandboxError && err.kind === 'path')
      return { ok: false, reason: `${file} does not exist or cannot be read` };
    throw err;
  }
}

/**
 * Runs the check's command (if any), then reads one finite number from its
 * source: a dotted key of a JSON file, a CSV cell, or a regex capture of the
 * command's stdout. Shared by metric_check and metric_scaled.
 */
export async function readMetric(check: MetricSourced, ctx: GradeContext): Promise<Reading> {
  const { source } = check;
  let details: Record<string, unknown> = {};
  let files: Record<string, string> | undefined;
  let stdout = '';
  if (check.command) {
    const ran = await runGraderCommand(ctx, check.command, check.timeout_s);
    ({ details, files } = ran);
    stdout = ran.result.stdout;
    const failure = commandFailure(check.command, ran.result, check.timeout_s);
    if (failure) return { ok: false, finding: { status: 'failed', explanation: failure, details, files } };
  }
  const fail = (reason: string): Reading => ({
    ok: false,
    finding: { status: 'failed', explanation: `metric ${source.key}: ${reason}`, details, files },
  });

  let extracted: Extracted;
  if (source.kind === 'stdout') {
    extracted = regexCapture(stdout, source.key);
  } else {
    const file = await readSandboxText(ctx, source.path ?? '');
    if (!file.ok) return fail(file.reason);
    const text = file.text ?? '';
    if (source.kind === 'csv') extracted = csvCell(text, source.key, source.row);
    else {
      let data: unknown;
      try {
        data = parseJsonLenient(text);
      } catch (err) {
        return fail(`${source.path} is not valid JSON (${(err as Error).message})`);
      }
      extracted = valueAtDottedKey(data, source.key);
    }
  }
  if (!extracted.ok) return fail(extracted.reason);
  const value = parseFiniteNumber(extracted.raw);
  details = { ...details, raw_value: extracted.raw ?? null };
  if (!value.ok) return fail(value.reason);
  return {
    ok: true,
    value: value.value,
    details: { ...details, value: value.value },
    ...(files ? { files } : {}),
  };
}

export async function metricCheck(check: CheckOf<'metric_check'>, ctx: GradeContext): Promise<CheckFinding> {
  const read = await readMetric(check, ctx);
  if (!read.ok) return read.finding;
  const tolerance = check.tolerance > 0 ? ` ± ${formatNumber(check.tolerance)}` : '';
  const target = `${check.op === 'within' ? 'within' : check.op} ${formatNumber(check.value)}${tolerance}`;
  const details = { ...read.details, op: check.op, target: check.value, tolerance: check.tolerance };
  const passed = compareMetric(read.value, check.op, check.value, check.tolerance);
  return {
    status: passed ? 'passed' : 'failed',
    explanation: `${check.source.key} = ${formatNumber(read.value)}, ${passed ? 'meets' : 'misses'} ${target}`,
    details,
    files: read.files,
  };
}

/**
 * Partial credit: 0 at or below `baseline`, 1 at or above `target`, linear in
 * between (mirrored when lower is better, i.e. target < baseline). The check
 * passes when the metric reaches the target; short of it, it fails but keeps
 * its fraction of the credit in the task's score.
 */
export function scaledScore(value: number, baseline: number, target: number): number {
  // Reaching the target within float noise (0.9 read back from a file) is full credit.
  if (compareMetric(value, target > baseline ? '>=' : '<=', target, 0)) return 1;
  const fraction = (value - baseline) / (target - baseline);
  return Math.min(1, Math.max(0, fraction));
}

export async function metricScaled(
  check: CheckOf<'metric_scaled'>,
  ctx: GradeContext,
): Promise<CheckFinding> {
  const read = await readMetric(check, ctx);
  if (!read.ok) return read.finding;
  const score = scaledScore(read.value, check.baseline, check.target);
  const rounded = Math.round(score * 1e6) / 1e6;
  const direction = check.target > check.baseline ? 'higher is better' : 'lower is better';
  const details = {
    ...read.details,
    baseline: check.baseline,
    target: check.target,
    direction,
    score: rounded,
  };
  const key = check.source.key;
  const range = `baseline ${formatNumber(check.baseline)}, target ${formatNumber(check.target)}, ${direction}`;
  return {
    status: score >= 1 ? 'passed' : 'failed',
    score: rounded,
    explanation: `${key} = ${formatNumber(read.value)}: score ${rounded.toFixed(2)} (${range})`,
    details,
    files: read.files,
  };
}
