import { useMemo, useState } from 'preact/hooks';
import type { ComparisonData, RunEntry, SuitePageData, TaskRow } from '../report/index.js';
import { dotted, money, pct, score, seconds, shortSha, stateClass, tokens, when } from './format.js';
import { html } from './h.js';
import { HistoryChart } from './history-chart.js';
import { RunView, StatusBadge } from './run-view.js';

function Card({ label, value, sub }: { label: string; value: unknown; sub?: unknown }) {
  return html`<div class="card"><div class="card-label">${label}</div><div class="card-value">${value}</div>
    ${sub ? html`<div class="card-sub">${sub}</div>` : null}</div>`;
}

function Totals({ s }: { s: SuitePageData }) {
  const t = s.totals;
  const passRate = t.runs_planned ? t.passed_runs / t.runs_planned : null;
  const ci =
    s.suite_score?.low !== null && s.suite_score?.low !== undefined
      ? `95% CI ${score(s.suite_score.low)}–${score(s.suite_score.high)}`
      : null;
  const passAt = s.pass_at_k
    .slice(0, -1)
    .map((p) => `pass@${p.k} ${pct(p.value)}`)
    .join(', ');
  const last = s.pass_at_k[s.pass_at_k.length - 1];
  return html`<div class="cards">
    <${Card} label="pass rate" value=${pct(passRate)} sub=${`${t.passed_runs} of ${t.runs_planned} runs passed`} />
    <${Card} label="mean score" value=${score(s.suite_score?.mean ?? t.mean_run_score)} sub=${ci} />
    <${Card} label=${`pass@${last?.k ?? 'k'}`} value=${pct(last?.value)} sub=${[passAt, `${t.tasks} tasks × ${s.epochs} epochs`].filter(Boolean).join(' · ')} />
    <${Card} label="cost" value=${money(t.cost_usd)} sub=${`${tokens(t.tokens)} tokens`} />
    <${Card} label="time" value=${seconds(t.wall_seconds)} />
    <${Card} label="environment errors" value=${t.environment_errors} sub="not scored" />
  </div>`;
}

function Verdict({ c, mde }: { c: ComparisonData | null; mde: number | null }) {
  if (!c)
    return html`<div class="verdict none">No comparison: no earlier completed run of this suite on this branch is recorded.
      ${mde !== null ? html` A comparison of two runs this size detects a change of ${pct(mde, 1)} in mean score.` : null}</div>`;
  return html`<div class=${`verdict ${stateClass(c.verdict)}`}>
    <span class=${`badge big ${stateClass(c.verdict)}`}>${c.verdict}</span>
    <span>${c.statement}</span>
    <div class="dim">against <code>${c.baseline_suite_run_id}</code> (${c.baseline_model}${c.baseline_branch ? ` on ${c.baseline_branch}` : ''})</div>
  </div>`;
}

function RunRow({ run, open, onToggle }: { run: RunEntry; open: boolean; onToggle: () => void }) {
  return html`<div class=${`run-row ${open ? 'open' : ''}`}>
    <button class="row-head" aria-expanded=${open} onClick=${onToggle}>
      <span class="caret">${open ? '▾' : '▸'}</span>
      epoch ${run.epoch + 1} <${StatusBadge} status=${run.status} passed=${run.passed} />
      <span>score ${score(run.score)}</span>
      <span class="dim">${run.turns} turns · ${tokens(run.tokens)} tokens · ${money(run.cost_usd)} · ${seconds(run.wall_s)}</span>
      ${run.kill_reason ? html`<span class="badge warn">${run.kill_reason}</span>` : null}
    </button>
    ${open ? html`<${RunView} entry=${run} />` : null}
  </div>`;
}

function TaskRuns({ task }: { task: TaskRow }) {
  // The first run that did not pass opens by itself: that is what a reviewer came for.
  const first = task.runs.find((r) => !r.passed) ?? (task.runs.length === 1 ? task.runs[0] : undefined);
  const [open, setOpen] = useState<Set<string>>(new Set(first ? [first.run_id] : []));
  const toggle = (id: string) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setOpen(next);
  };
  if (task.runs.length === 0) return html`<p class="dim">No run of this task finished.</p>`;
  return html`<div class="task-runs">
    ${task.runs.map((r) => html`<${RunRow} key=${r.run_id} run=${r} open=${open.has(r.run_id)} onToggle=${() => toggle(r.run_id)} />`)}
  </div>`;
}

function TaskTable({ s }: { s: SuitePageData }) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [onlyFailing, setOnlyFailing] = useState(false);
  const [query, setQuery] = useState('');
  const verdicts = useMemo(() => new Map((s.comparison?.tasks ?? []).map((t) => [t.task_id, t])), [s]);
  const rows = s.tasks.filter(
    (t) =>
      (!onlyFailing || t.state !== 'passed') &&
      (!query || t.task_id.includes(query) || t.title.toLowerCase().includes(query.toLowerCase())),
  );
  const toggle = (id: string) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setOpen(next);
  };
  const failing = s.tasks.filter((t) => t.state !== 'passed').length;
  return html`<section class="tasks">
    <div class="toolbar">
      <h3>Tasks <span class="dim">· ${s.tasks.length}, ${failing} not passing</span></h3>
      <label><input type="checkbox" checked=${onlyFailing} onChange=${(e: Event) => setOnlyFailing((e.target as HTMLInputElement).checked)} /> only tasks not passing</label>
      <input type="search" placeholder="filter tasks" value=${query} onInput=${(e: Event) => setQuery((e.target as HTMLInputElement).value)} />
    </div>
    <table class="task-table">
      <thead><tr><th></th><th>task</th><th>state</th><th>passed</th><th>mean score</th>${s.comparison ? html`<th>vs base</th>` : null}<th>stopped by</th><th>cost</th><th>time</th></tr></thead>
      ${rows.map((t) => {
        const isOpen = open.has(t.task_id);
        const v = verdicts.get(t.task_id);
        return html`<tbody key=${t.task_id} class=${`task ${isOpen ? 'open' : ''}`} data-task=${t.task_id}>
          <tr class="task-row" onClick=${() => toggle(t.task_id)} aria-expanded=${isOpen}>
            <td class="caret">${isOpen ? '▾' : '▸'}</td>
            <td><b>${t.task_id}</b> <span class="dim">${t.difficulty} · ${t.domain}</span><div class="dim small">${t.title}</div></td>
            <td><span class=${`badge ${stateClass(t.state)}`}>${t.state.replace('_', ' ')}</span></td>
            <td>${t.passes}/${t.scored}${t.epochs_planned !== t.runs.length ? html`<span class="dim"> (${t.runs.length} of ${t.epochs_planned} ran)</span>` : null}</td>
            <td>${score(t.mean_score)}</td>
            ${s.comparison ? html`<td>${v ? html`<span class=${`badge ${stateClass(v.verdict)}`} title=${v.statement}>${v.verdict}</span>` : '–'}</td>` : null}
            <td class="small">${t.kill_reasons.join(', ')}</td>
            <td>${money(t.cost_usd)}</td>
            <td>${seconds(t.wall_s)}</td>
          </tr>
          ${isOpen ? html`<tr class="task-detail"><td></td><td colspan=${s.comparison ? 8 : 7}><${TaskRuns} task=${t} /></td></tr>` : null}
        </tbody>`;
      })}
    </table>
  </section>`;
}

/** A suite run's report: totals, verdict, history, and a row per task that opens to its runs. */
export function SuitePage({ s, server }: { s: SuitePageData; server: boolean }) {
  return html`<main class="suite-page">
    <header>
      ${server ? html`<a class="back" href="/">← all runs</a>` : null}
      <h1>Suite <code>${s.suite_id}</code> with <code>${s.model}</code></h1>
      <div class="dim">${dotted([
        s.suite_title,
        html`<span class=${`badge ${s.status === 'completed' ? 'muted' : 'warn'}`}>${s.status}</span>`,
        `started ${when(s.started_at)}`,
        s.branch ? html`branch <code>${s.branch}</code>` : null,
        s.commit_sha ? html`commit <code>${shortSha(s.commit_sha)}</code>` : null,
        s.agent ? html`agent <code>${s.agent}</code>` : null,
        s.label,
        html`<code>${s.suite_run_id}</code>`,
      ])}</div>
    </header>
    <${Totals} s=${s} />
    <${Verdict} c=${s.comparison} mde=${s.min_detectable_effect} />
    ${s.history ? html`<${HistoryChart} history=${s.history} linkRuns=${server} />` : null}
    <${TaskTable} s=${s} />
  </main>`;
}
