import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckOutcome } from '../runs/index.js';
import { redact, redactDeep } from '../runs/index.js';
import type { Check } from '../tasks/index.js';
import { commandExitZero, filePresent, sqlCheck } from './deterministic.js';
import { llmRubric } from './llm-rubric.js';
import { metricCheck, metricScaled } from './metric.js';
import { referenceOutput } from './reference.js';
import { rewardFile } from './reward.js';
import type { CheckFinding, CheckRunner, GradeContext, GradeResult } from './types.js';

type Tier = CheckOutcome['tier'];

const TIER_OF: Record<Check['type'], Tier> = {
  file_present: 'deterministic',
  command_exit_zero: 'deterministic',
  metric_check: 'deterministic',
  metric_scaled: 'deterministic',
  sql_check: 'deterministic',
  reward_file: 'deterministic',
  reference_output: 'reference',
  llm_rubric: 'rubric',
};
const TIER_ORDER: Tier[] = ['deterministic', 'reference', 'rubric'];

const RUNNERS: Record<Check['type'], CheckRunner> = {
  file_present: filePresent as CheckRunner,
  command_exit_zero: commandExitZero as CheckRunner,
  metric_check: metricCheck as CheckRunner,
  metric_scaled: metricScaled as CheckRunner,
  sql_check: sqlCheck as CheckRunner,
  reward_file: rewardFile as CheckRunner,
  reference_output: referenceOutput as CheckRunner,
  llm_rubric: llmRubric as CheckRunner,
};

/**
 * Runs a task's checks tier by tier (deterministic, reference output, LLM
 * rubric; within a tier in manifest order). The score is the weighted mean of
 * check scores (skipped and broken checks count as 0); a gating check that
 * does not pass fails the run and every later check is skipped, unrun.
 */
export async function grade(ctx: GradeContext): Promise<GradeResult> {
  const { checks } = ctx.task.manifest.grader;
  mkdirSync(ctx.outputsDir, { recursive: true });
  const ordered = TIER_ORDER.flatMap((tier) => checks.filter((c) => TIER_OF[c.type] === tier));
  const outcomes: CheckOutcome[] = [];
  let gateFailed: string | null = null;
  for (const check of ordered) {
    const tier = TIER_OF[check.type];
    const base = { name: check.name, type: check.type, tier, weight: check.weight, gating: check.gating };
    if (gateFailed) {
      const skipped: CheckOutcome = {
        ...base,
        status: 'skipped',
        score: 0,
        explanation: `skipped: gating check ${gateFailed} did not pass`,
      };
      outcomes.push(skipped);
      writeOutputs(ctx.outputsDir, skipped, {});
      continue;
    }
    const started = Date.now();
    const finding = await runCheck(check, ctx);
    const score = finding.score ?? (finding.status === 'passed' ? 1 : 0);
    const outcome: CheckOutcome = {
      ...base,
      status: finding.status,
      score,
      explanation: finding.explanation,
    };
    outcomes.push(outcome);
    writeOutputs(ctx.outputsDir, outcome, finding, Date.now() - started);
    if (check.gating && finding.status !== 'passed') gateFailed = check.name;
  }
  return summarize(outcomes, ctx.task.manifest.grader.pass_threshold);
}

/** grader_outputs/<check>.json, plus <check>.<suffix>.txt for captured output; all redacted. */
function writeOutputs(
  dir: string,
  outcome: CheckOutcome,
  finding: Pick<CheckFinding, 'details' | 'files'>,
  durationMs = 0,
): void {
  const files: Record<string, string> = {};
  for (const [suffix, text] of Object.entries(finding.files ?? {})) {
    const name = `${outcome.name}.${suffix}.txt`;
    writeFileSync(path.join(dir, name), redact(text));
    files[suffix] = name;
  }
  const record = { ...outcome, duration_ms: durationMs, details: finding.details ?? {}, files };
  writeFileSync(path.join(dir, `${outcome.name}.json`), `${JSON.stringify(redactDeep(record), null, 2)}\n`);
}

async function runCheck(check: Check, ctx: GradeContext): Promise<CheckFinding> {
  try {
    return await RUNNERS[check.type](check, ctx);
  } catch (err) {
    return { status: 'error', explanation: `grader error: ${(err as Error).message}` };
  }
}

/**
 * Weighted score, pass decision and grader error from check outcomes:
 * score = sum(weight * check score) / sum(weight), where skipped and broken
 * checks score 0; when every weight is 0 the score is 1 if all checks passed,
 * else 0. A run passes when no gating check failed, no grader broke, and the
 * score reaches the task's pass_threshold.
 */
export function summarize(outcomes: CheckOutcome[], passThreshold: number): GradeResult {
  const totalWeight = outcomes.reduce((s, c) => s + c.weight, 0);
  const allPassed = outcomes.every((c) => c.status === 'passed');
  const score =
    totalWeight > 0
      ? outcomes.reduce((s, c) => s + c.weight * c.score, 0) / totalWeight
      : allPassed && outcomes.length > 0
        ? 1
        : 0;
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
