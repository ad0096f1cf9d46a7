import { type AgentInfo, describeAgent } from '../runs/index.js';
import type { SuiteComparison, TaskComparison, Verdict } from './compare-types.js';
import { fmtPoints, fmtRelative, fmtScore, fmtTokens, fmtUsd, mdTable } from './format.js';

/**
 * The prose of a comparison: verdict labels, the one-line statements stored
 * with each task and with the suite, and the markdown report.
 */

/** The label a person reads for a verdict: improved, regressed, no clear change or cannot tell. */
/** `agent changed: A (hash) → B (hash)`. */
export function agentChangeStatement(base: AgentInfo, head: AgentInfo): string {
  return `agent changed: ${describeAgent(base)} → ${describeAgent(head)}`;
}

export function verdictLabel(v: { verdict: Verdict; conclusive: boolean }): string {
  if (v.verdict === 'no_clear_change') return v.conclusive ? 'no clear change' : 'cannot tell';
  return v.verdict;
}

const NOT_COMPARED: Record<Exclude<TaskComparison['presence'], 'both'>, string> = {
  added: 'only in the head suite run',
  removed: 'only in the base suite run',
  unscored: 'no scored run on one side (environment errors or not run)',
};

/** A task's statement: its verdict, pass counts, Fisher's test and what its runs could detect. */
export function taskStatement(t: Omit<TaskComparison, 'statement'>, power: number): string {
  if (t.presence !== 'both' || !t.base || !t.head || t.p_value === null || t.q_value === null)
    return `cannot tell: ${NOT_COMPARED[t.presence === 'both' ? 'unscored' : t.presence]}`;
  const { base, head } = t;
  const counts = `${base.passes}/${base.scored} → ${head.passes}/${head.scored} passed`;
  const test = `Fisher p = ${fmtP(t.p_value)}, q = ${fmtP(t.q_value)}`;
  const detect =
    t.min_detectable_effect === null
      ? `with ${base.scored} and ${head.scored} runs no change in pass rate can be detected`
      : `detects pass-rate changes of ≥ ${Math.round(t.min_detectable_effect * 100)} pts at ${Math.round(power * 100)}% power`;
  return `${verdictLabel(t)}: ${counts} (${test}); ${detect}`;
}

/** The suite's statement: its verdict, the change in mean score and what a suite of this size can detect. */
export function overallStatement(
  o: Omit<SuiteComparison['overall'], 'statement' | 'method'>,
  size: { runsPerTask: ReadonlyArray<{ base: number; head: number }>; canReject: boolean },
): string {
  if (o.tasks_compared === 0) return 'cannot tell: no task has scored runs in both suite runs';
  const p = o.verdict === 'improved' ? o.p_improved : Math.min(o.p_regressed, o.p_improved);
  const change = `mean score ${fmtScore(o.base_mean)} → ${fmtScore(o.head_mean)} (${fmtPoints(o.score_change)}), p = ${fmtP(p)}`;
  const sizeText = describeSize(size.runsPerTask);
  const detect = !size.canReject
    ? `with ${sizeText} no outcome could be significant at ${o.alpha}`
    : `with ${sizeText} this suite detects changes of ≥ ${unsignedPoints(o.min_detectable_effect)} at ${Math.round(o.power * 100)}% power`;
  const significantButSmall =
    o.verdict === 'no_clear_change' &&
    (o.p_regressed < o.alpha || o.p_improved < o.alpha) &&
    Math.abs(o.score_change) < o.min_effect
      ? `; significant but below the minimum effect of ${unsignedPoints(o.min_effect)}`
      : '';
  const statement = `${verdictLabel(o)}: ${change}${significantButSmall}; ${detect}`;
  return o.single_sample
    ? `${statement}. This rests on a single sample per task (1 epoch): run more epochs for a firmer verdict`
    : statement;
}

function describeSize(runsPerTask: ReadonlyArray<{ base: number; head: number }>): string {
  const runs = new Set(runsPerTask.flatMap((r) => [r.base, r.head]));
  const epochs = runs.size === 1 ? `${[...runs][0]} epoch${[...runs][0] === 1 ? '' : 's'}` : 'varying epochs';
  return `${runsPerTask.length} task${runsPerTask.length === 1 ? '' : 's'} × ${epochs}`;
}

function fmtP(p: number): string {
  if (p < 0.001) return '< 0.001';
  return p.toFixed(3);
}

/** A size of change in points, without a sign: `12.5 pts`. */
function unsignedPoints(v: number | null): string {
  return fmtPoints(v).replace('+', '');
}

const MARK: Record<string, string> = {
  improved: '🟢',
  regressed: '🔴',
  'no clear change': '⚪',
  'cannot tell': '❔',
};

function sideLabel(s: SuiteComparison['base']): string {
  const where = [
    s.branch ? `\`${s.branch}\`` : null,
    s.label ? `label \`${s.label}\`` : null,
    s.commit_sha ? `\`${s.commit_sha.slice(0, 8)}\`` : null,
  ]
    .filter(Boolean)
    .join(' ');
  return `\`${s.suite_run_id}\`${where ? ` (${where})` : ''}`;
}

function passes(t: TaskComparison['base']): string {
  return t ? `${t.passes}/${t.scored}` : '-';
}

/** The comparison as markdown: headline verdict, per-task table, cost and token changes, and the method. */
export function renderComparisonMarkdown(c: SuiteComparison, opts: { title?: string } = {}): string {
  const o = c.overall;
  const label = verdictLabel(o);
  const out: string[] = [];
  out.push(`## ${opts.title ?? `Suite ${c.head.suite_id}: ${c.head.model}`}`);
  out.push('');
  out.push(
    `**${MARK[label] ?? ''} ${label[0]?.toUpperCase()}${label.slice(1)}**: ${o.statement.replace(/^[^:]*: /, '')}.`,
  );
  out.push('');
  out.push(`- Head: ${sideLabel(c.head)}`);
  out.push(`- Base: ${sideLabel(c.base)}`);
  if (c.agent_change)
    out.push(`- 🔁 ${c.agent_change.statement[0]?.toUpperCase()}${c.agent_change.statement.slice(1)}`);
  for (const w of c.warnings) out.push(`- ⚠️ ${w}`);
  out.push('');
  out.push(
    mdTable(
      ['', 'Base', 'Head', 'Change'],
      [
        ['Mean score', fmtScore(o.base_mean), fmtScore(o.head_mean), fmtPoints(o.score_change)],
        [
          'Passed runs',
          `${c.base.passed_runs}/${c.base.scored_runs}`,
          `${c.head.passed_runs}/${c.head.scored_runs}`,
          '',
        ],
        ['Environment errors', c.base.environment_errors, c.head.environment_errors, ''],
        [
          'Tokens per run',
          c.base.tokens_per_run === null ? '-' : fmtTokens(c.base.tokens_per_run),
          c.head.tokens_per_run === null ? '-' : fmtTokens(c.head.tokens_per_run),
          fmtRelative(c.base.tokens_per_run, c.head.tokens_per_run),
        ],
        [
          'Cost per run',
          fmtUsd(c.base.cost_per_run),
          fmtUsd(c.head.cost_per_run),
          fmtRelative(c.base.cost_per_run, c.head.cost_per_run),
        ],
        [
          'Total cost',
          fmtUsd(c.base.cost_usd),
          fmtUsd(c.head.cost_usd),
          fmtRelative(c.base.cost_usd, c.head.cost_usd),
        ],
      ],
    ),
  );
  out.push('');
  out.push(
    mdTable(
      [
        'Task',
        'Passed (base → head)',
        'Score (base → head)',
        'Δ score',
        'Δ tokens/run',
        'Δ cost/run',
        'Verdict',
      ],
      c.tasks.map((t) => {
        const l = verdictLabel(t);
        return [
          t.task_id,
          `${passes(t.base)} → ${passes(t.head)}`,
          `${fmtScore(t.base?.mean_score)} → ${fmtScore(t.head?.mean_score)}`,
          fmtPoints(t.score_change),
          fmtRelative(t.base?.tokens_per_run ?? null, t.head?.tokens_per_run ?? null),
          fmtRelative(t.base?.cost_per_run ?? null, t.head?.cost_per_run ?? null),
          `${MARK[l] ?? ''} ${l}`,
        ];
      }),
    ),
  );
  out.push('');
  out.push('<details><summary>How this was decided</summary>');
  out.push('');
  out.push(
    `- Overall: ${o.method} on the change in mean score over ${o.tasks_compared} task(s); a verdict needs p < ${o.alpha} ` +
      `in its direction and a change of at least ${unsignedPoints(o.min_effect)}. ` +
      `Minimum detectable effect at ${Math.round(o.power * 100)}% power: ${o.min_detectable_effect === null ? 'none' : unsignedPoints(o.min_detectable_effect)}.`,
  );
  out.push(
    '- Per task: Fisher’s exact test on pass counts, Benjamini–Hochberg adjusted across tasks; a verdict needs q < ' +
      `${o.alpha} and a pass-rate change of at least ${unsignedPoints(o.min_task_effect)}.`,
  );
  out.push('- Environment errors are not scored on either side.');
  for (const t of c.tasks) out.push(`- ${t.task_id}: ${t.statement}`);
  out.push('');
  out.push('</details>');
  return `${out.join('\n').trimEnd()}\n`;
}
