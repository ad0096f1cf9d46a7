import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { HistoryData, HistoryPoint } from '../report/index.js';
import { pct, shortSha, when } from './format.js';
import { html } from './h.js';
import { Fold } from './text.js';

function xLabel(p: HistoryPoint, i: number): string {
  if (p.current) return 'this run';
  return shortSha(p.commit_sha) || `#${i + 1}`;
}

function Chart({ points }: { points: HistoryPoint[] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const asPct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
    const data: uPlot.AlignedData = [
      points.map((_, i) => i),
      points.map((p) => asPct(p.pass_rate)),
      points.map((p) => asPct(p.avg_score)),
    ];
    const width = Math.max(320, Math.min(el.clientWidth || 720, 1100));
    const plot = new uPlot(
      {
        width,
        height: 240,
        scales: { x: { time: false, range: [-0.5, points.length - 0.5] }, y: { range: [0, 100] } },
        axes: [
          {
            values: (_u, splits) =>
              splits.map((s) => (Number.isInteger(s) && points[s] ? xLabel(points[s], s) : '')),
            splits: () => points.map((_, i) => i),
            rotate: 0,
          },
          { values: (_u, splits) => splits.map((s) => `${s}%`), size: 50 },
        ],
        series: [
          {
            label: 'run',
            value: (_u, v) =>
              v === null || !points[v] ? '–' : `${xLabel(points[v], v)} · ${when(points[v].started_at)}`,
          },
          {
            label: 'pass rate',
            stroke: '#2f7d32',
            width: 2,
            points: { show: true, size: 8, fill: '#2f7d32' },
            value: (_u, v) => (v === null ? '–' : `${v}%`),
          },
          {
            label: 'mean score',
            stroke: '#1f5fbf',
            width: 2,
            dash: [6, 4],
            points: { show: true, size: 7, fill: '#1f5fbf' },
            value: (_u, v) => (v === null ? '–' : `${v}%`),
          },
        ],
      },
      data,
      el,
    );
    return () => plot.destroy();
  }, [points]);
  return html`<div class="chart" ref=${host}></div>`;
}

/** Pass rate and mean score over the recorded runs of the suite, with the table behind the chart. */
export function HistoryChart({ history, linkRuns }: { history: HistoryData; linkRuns: boolean }) {
  const points = history.points;
  const where = history.branch ? html` on <code>${history.branch}</code>` : ' on every branch';
  return html`<section class="history">
    <h3>History <span class="dim">· ${points.length} ${points.length === 1 ? 'run' : 'runs'} of ${history.suite_id}${where}</span></h3>
    <figure class="history-chart" data-points=${points.length}>
      ${
        points.length >= 2
          ? html`<${Chart} points=${points} />`
          : html`<p class="dim">No earlier completed run of this suite${where} is recorded: the chart starts with this run.</p>`
      }
    </figure>
    <${Fold}
      title="The runs in the chart"
      render=${() => html`<table class="history-table">
        <thead><tr><th>#</th><th>started</th><th>commit</th><th>branch</th><th>model</th><th>pass rate</th><th>mean score</th></tr></thead>
        <tbody>
          ${points.map(
            (p, i) => html`<tr class=${p.current ? 'current' : ''}>
              <td>${i + 1}</td>
              <td>${linkRuns && !p.current ? html`<a href=${`/suite/${encodeURIComponent(p.suite_run_id)}`}>${when(p.started_at)}</a>` : when(p.started_at)}${p.current ? ' (this run)' : ''}</td>
              <td><code>${shortSha(p.commit_sha)}</code></td>
              <td>${p.branch ?? ''}</td>
              <td>${p.model}</td>
              <td>${pct(p.pass_rate)}</td>
              <td>${pct(p.avg_score)}</td>
            </tr>`,
          )}
        </tbody>
      </table>`}
    />
  </section>`;
}
