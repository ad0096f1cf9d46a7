import { type SuiteComparison, type TaskComparison, verdictLabel } from './compare.js';
import { fmtPoints, fmtRelative, fmtTokens, fmtUsd, mdTable } from './format.js';

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

function score(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : v.toFixed(2);
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
  for (const w of c.warnings) out.push(`- ⚠️ ${w}`);
  out.push('');
  out.push(
    mdTable(
      ['', 'Base', 'Head', 'Change'],
      [
        ['Mean score', score(o.base_mean), score(o.head_mean), fmtPoints(o.score_change)],
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
          `${score(t.base?.mean_score)} → ${score(t.head?.mean_score)}`,
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
      `in its direction and a change of at least ${fmtPoints(o.min_effect).replace('+', '')}. ` +
      `Minimum detectable effect at ${Math.round(o.power * 100)}% power: ${o.min_detectable_effect === null ? 'none' : fmtPoints(o.min_detectable_effect).replace('+', '')}.`,
  );
  out.push(
    '- Per task: Fisher’s exact test on pass counts, Benjamini–Hochberg adjusted across tasks; a verdict needs q < ' +
      `${o.alpha} and a pass-rate change of at least ${fmtPoints(o.min_task_effect).replace('+', '')}.`,
  );
  out.push('- Environment errors are not scored on either side.');
  for (const t of c.tasks) out.push(`- ${t.task_id}: ${t.statement}`);
  out.push('');
  out.push('</details>');
  return `${out.join('\n').trimEnd()}\n`;
}
