import { describeAgent } from '../runs/index.js';
import { fmtPercent, fmtScore, fmtSeconds, fmtTokens, fmtUsd, mdTable, oneLine } from './format.js';
import { suiteSensitivity } from './sensitivity.js';
import type { Rollup, SuiteSummary, TaskSummary } from './summary.js';

const STATE_MARK: Record<TaskSummary['state'], string> = {
  passed: '✅ passed',
  failed: '❌ failed',
  partial: '🟡 partial',
  error: '⚠️ env error',
  not_run: '⏸ not run',
};

/** `report.md`: what a person reads after a suite run. */
export function renderReportMarkdown(s: SuiteSummary): string {
  const t = s.totals;
  const out: string[] = [];
  out.push(`# Suite ${s.suite_id}: ${s.model}`);
  out.push('');
  const status =
    s.status === 'completed'
      ? 'completed'
      : s.status === 'interrupted'
        ? `**interrupted**: ${t.runs_finished} of ${t.runs_planned} runs finished; resume with \`factory-bench suite run --resume ${s.suite_run_id}\``
        : `running (${t.runs_finished} of ${t.runs_planned} runs finished)`;
  const meta = [
    `- Suite run: \`${s.suite_run_id}\` (${status})`,
    `- Started ${s.started_at}${s.finished_at ? `, finished ${s.finished_at}` : ''}`,
    `- Agent: ${agentLine(s)}`,
  ];
  const where = [
    s.branch ? `branch \`${s.branch}\`` : null,
    s.commit_sha ? `commit \`${s.commit_sha.slice(0, 12)}\`` : null,
    s.label ? `label \`${s.label}\`` : null,
    s.shard ? `shard ${s.shard.index + 1} of ${s.shard.total}` : null,
    s.task_filter ? `tasks ${s.task_filter.join(', ')}` : null,
  ].filter(Boolean);
  if (where.length > 0) meta.push(`- ${where.join(', ')}`);
  meta.push(
    `- ${t.tasks} tasks × ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}, concurrency ${s.concurrency}`,
  );
  out.push(...meta, '');

  out.push('## Totals', '');
  const score = s.suite_score;
  const ci =
    score && score.low !== null && score.high !== null
      ? ` (95% CI ${fmtScore(Math.max(0, score.low))}–${fmtScore(Math.min(1, score.high))}, over ${score.n} tasks)`
      : '';
  const rows: Array<[string, string]> = [
    [
      'Passed runs',
      `${t.passed_runs} / ${t.scored_runs}${t.scored_runs > 0 ? ` (${fmtPercent(t.passed_runs / t.scored_runs)})` : ''}`,
    ],
    ['Average score', `${fmtScore(score?.mean ?? null)}${ci}`],
  ];
  for (const p of s.pass_at_k) rows.push([`pass@${p.k}`, `${fmtPercent(p.value)} (${p.tasks} tasks)`]);
  rows.push(
    [
      'Environment errors',
      `${t.environment_errors} run${t.environment_errors === 1 ? '' : 's'} (not scored)`,
    ],
    ['Tokens', fmtTokens(t.tokens)],
    ['Cost', fmtUsd(t.cost_usd)],
    ['Wall time', `${fmtSeconds(t.wall_seconds)} (runs: ${fmtSeconds(t.run_seconds)})`],
  );
  out.push(mdTable(['', ''], rows), '');
  // Planned epochs, not finished runs: what the suite can tell at its size.
  const sensitivity = s.sensitivity ?? suiteSensitivity(s.tasks.map((x) => x.epochs_planned));
  out.push(`**Smallest detectable change:** ${sensitivity.statement}.`, '');

  out.push('## Tasks', '');
  out.push(
    mdTable(
      ['Task', 'Difficulty', 'Result', 'Passed', 'Score', 'Kill reason', 'Turns', 'Tokens', 'Cost', 'Time'],
      s.tasks.map((task) => [
        task.task_id,
        task.difficulty,
        STATE_MARK[task.state],
        `${task.passes}/${task.scored}${task.environment_errors ? ` (+${task.environment_errors} err)` : ''}`,
        fmtScore(task.mean_score),
        task.kill_reasons.join(', ') || '-',
        task.mean_turns === null ? '-' : task.mean_turns.toFixed(1),
        fmtTokens(task.tokens),
        fmtUsd(task.cost_usd),
        fmtSeconds(task.wall_s),
      ]),
    ),
    '',
  );
  if (s.epochs > 1 || s.tasks.some((x) => x.epochs_planned > 1))
    out.push(
      'Passed is k-of-n over epochs; score is the mean over scored epochs; tokens, cost and time are totals.',
      '',
    );

  out.push(...taskSources(s.tasks));
  out.push('## By difficulty', '', rollupTable(s.by_difficulty), '');
  out.push('## By domain', '', rollupTable(s.by_domain), '');

  out.push('## Environment errors', '');
  if (s.environment_errors.length === 0) out.push('None.', '');
  else {
    out.push(
      'The harness, sandbox or grader failed: these runs are not counted as agent failures and are not scored.',
      '',
      mdTable(
        ['Task', 'Epoch', 'Status', 'Kind', 'Message', 'Run'],
        s.environment_errors.map((e) => [
          e.task_id,
          e.epoch + 1,
          e.status,
          e.kind ?? '-',
          oneLine(e.message),
          `\`${e.run_id}\``,
        ]),
      ),
      '',
    );
  }
  out.push('## Agent failures', '');
  if (s.agent_failures.length === 0) out.push('None.', '');
  else
    out.push(
      mdTable(
        ['Task', 'Epoch', 'Score', 'Kill reason', 'Error', 'Run'],
        s.agent_failures.map((f) => [
          f.task_id,
          f.epoch + 1,
          fmtScore(f.score),
          f.kill_reason ?? '-',
          oneLine(f.message) || '-',
          `\`${f.run_id}\``,
        ]),
      ),
      '',
    );
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * Where each task came from (our format or a Harbor folder), its metadata,
 * and what its sandbox allowed beyond the locked-down default: capabilities
 * given back, the open internet, processes kept for grading. An agent with
 * the internet or root's capabilities is a different measurement, so this is
 * never left out when it applies.
 */
function taskSources(tasks: TaskSummary[]): string[] {
  if (!tasks.some((t) => t.format || t.isolation)) return [];
  const rows = tasks.map((t) => {
    const iso = t.isolation;
    return [
      t.task_id,
      t.format ?? '-',
      oneLine(formatMetadata(t.metadata ?? {}), 160) || '-',
      iso ? iso.capabilities.join(', ') || 'none' : '-',
      iso
        ? iso.internet
          ? '**open**'
          : iso.allowed_hosts.length > 0
            ? iso.allowed_hosts.join(', ')
            : 'none'
        : '-',
      iso ? (iso.processes_kept ? 'kept' : 'killed') : '-',
    ];
  });
  return [
    '## Task sources and sandboxes',
    '',
    mdTable(
      ['Task', 'Format', 'Metadata', 'Capabilities added', 'Internet', 'Agent processes at grading'],
      rows,
    ),
    '',
  ];
}

/** `key: value; key: a, b` for a metadata map. */
function formatMetadata(metadata: Record<string, unknown>): string {
  return Object.entries(metadata)
    .map(([key, value]) => {
      const shown = Array.isArray(value)
        ? value.map((v) => (v && typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')
        : value && typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
      return `${key}: ${shown}`;
    })
    .join('; ');
}

function rollupTable(rows: Rollup[]): string {
  return mdTable(
    ['Group', 'Tasks', 'Passed runs', 'Average score'],
    rows.map((r) => [r.key, r.tasks, `${r.passed_runs}/${r.scored_runs}`, fmtScore(r.mean_score)]),
  );
}

function agentLine(s: SuiteSummary): string {
  const a = s.agent;
  if (!a || a.kind === 'builtin') return "built-in (picked by each task's tools.style)";
  return `\`${describeAgent(a)}\`, runs in the ${a.runs_in ?? 'sandbox'}${a.hash ? `, folder hash \`${a.hash}\`` : ''}`;
}
