import { readFileSync } from 'node:fs';
import path from 'node:path';
import { commandFailure, runGraderCommand } from './deterministic.js';
import { diffOutputs } from './diff.js';
import type { CheckFinding, CheckOf, GradeContext } from './types.js';

/** Runs a command and compares its stdout with an expected-output fixture from the task folder. */
export async function referenceOutput(
  check: CheckOf<'reference_output'>,
  ctx: GradeContext,
): Promise<CheckFinding> {
  let expected: string;
  try {
    expected = readFileSync(path.resolve(ctx.task.dir, check.expected), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return { status: 'error', explanation: `cannot read the expected output ${check.expected} (${code})` };
  }
  const { result, files, details } = await runGraderCommand(ctx, check.command, check.timeout_s);
  const failure = commandFailure(check.command, result, check.timeout_s);
  if (failure) return { status: 'failed', explanation: failure, details, files };
  const diff = diffOutputs(expected, result.stdout, {
    absTolerance: check.abs_tolerance,
    relTolerance: check.rel_tolerance,
    ignoreWhitespace: check.ignore_whitespace,
    ignoreRowOrder: check.ignore_row_order,
  });
  const full = {
    ...details,
    expected: check.expected,
    expected_lines: diff.expectedLines,
    actual_lines: diff.actualLines,
    differences: diff.differences,
  };
  if (diff.equal)
    return {
      status: 'passed',
      explanation: `output matches ${check.expected} (${diff.actualLines} lines)`,
      details: full,
      files,
    };
  return {
    status: 'failed',
    explanation: `output differs from ${check.expected}: ${diff.differences.slice(0, 2).join('; ')}`,
    details: full,
    files: { ...files, diff: `${diff.differences.join('\n')}\n` },
  };
}
