import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckOutcome } from '../runs/index.js';
import { redactDeep } from '../runs/index.js';
import type { Check } from '../tasks/index.js';
import { commandExitZero, filePresent } from './deterministic.js';
import type { CheckFinding, CheckRunner, GradeContext, GradeResult } from './types.js';

type Tier = CheckOutcome['tier'];

const TIER_OF: Record<Check['type'], Tier> = {
  file_present: 'deterministic',
  command_exit_zero: 'deterministic',
  metric_check: 'deterministic',
  sql_check: 'deterministic',
  reference_output: 'reference',
  llm_rubric: 'rubric',
};
const TIER_ORDER: Tier[] = ['deterministic', 'reference', 'rubric'];

const RUNNERS: Partial<Record<Check['type'], CheckRunner>> = {
  file_present: filePresent as CheckRunner,
  command_exit_zero: commandExitZero as CheckRunner,
};

/**
 * Runs a task's checks tier by tier. The score is the weighted mean of check
 * scores (skipped checks count as 0); a failed gating check fails the run and
 * skips every later check.
 */
export async function grade(ctx: GradeContext): Promise<GradeResult> {
  const { checks } = ctx.task.manifest.grader;
  const ordered = TIER_ORDER.flatMap((tier) => checks.filter((c) => TIER_OF[c.type] === tier));
  const outcomes: CheckOutcome[] = [];
  let gateFailed: string | null = null;
  for (const check of ordered) {
    const tier = TIER_OF[check.type];
    const base = { name: check.name, type: check.type, tier, weight: check.weight, gating: check.gating };
    if (gateFailed) {
      outcomes.push({
        ...base,
        status: 'skipped',
        score: 0,
        explanation: `skipped: gating check ${gateFailed} failed`,
      });
      continue;
    }
    const finding = await runCheck(check, ctx);
    const score = finding.score ?? (finding.status === 'passed' ? 1 : 0);
    const outcome: CheckOutcome = {
      ...base,
      status: finding.status,
      score,
      explanation: finding.explanation,
    };
    outcomes.push(outcome);
    writeFileSync(
      path.join(ctx.outputsDir, `${check.name}.json`),
      `${JSON.stringify(redactDeep({ ...outcome, details: finding.details ?? {} }), null, 2)}\n`,
    );
    if (check.gating && finding.status !== 'passed') gateFailed = check.name;
  }
  return summarize(outcomes, ctx.task.manifest.grader.pass_threshold);
}

async function runCheck(check: Check, ctx: GradeContext): Promise<CheckFinding> {
  const runner = RUNNERS[check.type];
  if (!runner)
    return { status: 'error', explanation: `check type ${check.type} is not supported by this version` };
  try {
    return await runner(check, ctx);
  } catch (err) {
    return { status: 'error', explanation: `grader error: ${(err as Error).message}` };
  }
}

/** Weighted score, pass decision and grader error from check outcomes. */
export function summarize(outcomes: CheckOutcome[], passThreshold: number): GradeResult {
  const totalWeight = outcomes.reduce((s, c) => s + c.weight, 0);
  const score = totalWeight > 0 ? outcomes.reduce((s, c) => s + c.weight * c.score, 0) / totalWeight : 0;
  const rounded = Math.round(score * 1e6) / 1e6;
  const gatingFailed = outcomes.some((c) => c.gating && c.status !== 'passed');
  const errors = outcomes.filter((c) => c.status === 'error');
  return {
    checks: outcomes,
    score: rounded,
    passed: !gatingFailed && errors.length === 0 && rounded >= passThreshold,
    graderError: errors.length > 0 ? errors.map((c) => `${c.name}: ${c.explanation}`).join('; ') : null,
  };
}
