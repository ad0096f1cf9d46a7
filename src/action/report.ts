import { describeAgent, redact } from '../runs/index.js';
import { verdictLabel } from '../suites/index.js';
import { type GateResult, pct, points } from './gate.js';
import type { ComparisonView, SuiteRunView } from './suite-bridge.js';

/** GitHub rejects a comment body over 65,536 characters (422 "Body is too long"). */
export const COMMENT_LIMIT = 65_536;
/** The job summary takes at most 1 MiB per step. */
export const SUMMARY_LIMIT = 1024 * 1024;

export interface ReportContext {
  run: SuiteRunView;
  comparison: ComparisonView | null;
  /** The branch the comparison looked for (null outside pull requests). */
  baseBranch: string | null;
  gate: GateResult;
  artifactUrl: string | null;
  /** report.html uploaded on its own (GitHub opens it in the browser). */
  reportUrl: string | null;
  /** A Mermaid xychart of the last runs on the base branch and this one. */
  historyChart: string | null;
  runUrl: string | null;
  notes: string[];
  /** Images restored, built and saved (the job summary's, not the comment's). */
  imageCache?: string | null;
}

function signedNumber(d: number): string {
  const s = Math.abs(d).toFixed(2);
  return s === '0.00' ? '±0.00' : `${d > 0 ? '+' : '−'}${s}`;
}

function money(v: number | null): string {
  return v === null ? 'n/a' : `$${v.toFixed(4)}`;
}

function moneyDelta(now: number | null, base: number | null): string {
  if (now === null || base === null) return '';
  const d = now - base;
  return ` (${d >= 0 ? '+' : '−'}$${Math.abs(d).toFixed(4)})`;
}

/** Totals, the comparison's headline and the gate, short enough to always fit. */
export function renderHeadline(c: ReportContext, marker = ''): string {
  const { run, comparison } = c;
  const icon = c.gate.verdict === 'failed' ? '❌' : '✅';
  const agent = run.summary.agent;
  const external = agent && agent.kind === 'external';
  const lines = [
    ...(marker ? [marker] : []),
    `### ${icon} factory-bench: suite \`${run.suiteId}\` with \`${run.model}\`${external ? `, agent \`${describeAgent(agent)}\`` : ''}`,
    '',
    ...(comparison?.comparison.agent_change
      ? [
          `**🔁 Agent changed:** \`${describeAgent(comparison.comparison.agent_change.base)}\` → \`${describeAgent(comparison.comparison.agent_change.head)}\``,
          '',
        ]
      : []),
    '| | this run | base | change |',
    '| --- | ---: | ---: | ---: |',
  ];
  if (comparison) {
    lines.push(
      `| pass rate | ${run.passed}/${run.total} (${pct(run.passRate)}) | ${pct(comparison.basePassRate)} | ${points(run.passRate - comparison.basePassRate)} |`,
      `| average score | ${run.avgScore.toFixed(2)} | ${comparison.baseAvgScore.toFixed(2)} | ${signedNumber(run.avgScore - comparison.baseAvgScore)} |`,
      `| cost | ${money(run.costUsd)} | ${money(comparison.baseCostUsd)} | ${moneyDelta(run.costUsd, comparison.baseCostUsd).replace(/[()]/g, '').trim() || 'n/a'} |`,
    );
    const c = comparison.comparison;
    const counts = new Map<string, number>();
    for (const task of c.tasks) {
      const label = verdictLabel(task);
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    lines.push(
      '',
      `Compared with \`${comparison.baselineSuiteRunId}\` (\`${comparison.baselineModel}\`), the latest run on \`${comparison.baselineBranch}\`: **${verdictLabel(c.overall)}**: ${c.overall.statement.replace(/^[^:]*: /, '')}.`,
      '',
      `Tasks: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}.`,
    );
  } else {
    lines.push(
      `| pass rate | ${run.passed}/${run.total} (${pct(run.passRate)}) | | |`,
      `| average score | ${run.avgScore.toFixed(2)} | | |`,
      `| cost | ${money(run.costUsd)} | | |`,
      '',
      c.baseBranch
        ? `No baseline yet: the history holds no run of suite \`${run.suiteId}\` on \`${c.baseBranch}\`. The next run on that branch records one.`
        : 'No comparison: this run is not a pull request.',
    );
  }
  if (c.historyChart) lines.push('', c.historyChart);
  lines.push('');
  if (c.gate.failures.length > 0) lines.push(`**Gate failed:** ${c.gate.failures.join('; ')}.`);
  else if (c.gate.checks.length > 0) lines.push(`Gate passed: ${c.gate.checks.join('; ')}.`);
  const links = [
    c.reportUrl ? `[**report.html**: transcripts, diffs and checks (artifact)](${c.reportUrl})` : null,
    c.artifactUrl ? `[run directories (artifact)](${c.artifactUrl})` : null,
    c.runUrl ? `[workflow run](${c.runUrl})` : null,
  ].filter(Boolean);
  if (links.length > 0) lines.push('', links.join(' · '));
  for (const n of c.notes) lines.push('', `> ${n}`);
  if (c.imageCache) lines.push('', c.imageCache);
  return lines.join('\n');
}

/** Cuts text at a line boundary so that it fits, saying what was cut. */
export function cutToFit(text: string, max: number, where: string): string {
  if (text.length <= max) return text;
  const note = (n: number) => `\n\n… ${n} more lines cut to fit; the full report is in ${where}.\n`;
  // A cut inside a <details> block closes it, so the rest of the page renders.
  const closing = (open: number) => '</details>\n'.repeat(Math.max(0, open));
  const count = (s: string, tag: string) => s.split(tag).length - 1;
  const lines = text.split('\n');
  let kept = '';
  let open = 0;
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    const nextOpen = open + count(line, '<details>') - count(line, '</details>');
    const next = `${kept}${line}\n`;
    if (next.length + note(lines.length - i - 1).length + closing(nextOpen).length > max) break;
    kept = next;
    open = nextOpen;
  }
  return kept + note(lines.length - i) + closing(open);
}

/**
 * Headline first, then the per-task detail folded into <details>, cut with a
 * note when the whole would pass `limit`. Every secret is redacted.
 */
export function renderReport(c: ReportContext, limit: number, marker = ''): string {
  const headline = redact(renderHeadline(c, marker));
  const detailTitle = c.comparison ? 'Per-task changes and the full report' : 'Per-task results';
  const detail = redact(
    c.comparison ? `${c.comparison.markdown}\n\n${c.run.reportMarkdown}` : c.run.reportMarkdown,
  );
  const open = `\n\n<details><summary>${detailTitle}</summary>\n\n`;
  const close = '\n</details>\n';
  const room = limit - headline.length - open.length - close.length;
  if (room < 200) return cutToFit(headline, limit, 'the artifact');
  return headline + open + cutToFit(detail, room, 'the artifact and the job summary') + close;
}
