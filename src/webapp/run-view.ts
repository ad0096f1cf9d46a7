import { useEffect, useState } from 'preact/hooks';
import type { CheckDetail, FileChange, RunDetail, RunEntry } from '../report/index.js';
import { Patch } from './diff-view.js';
import { money, ms, score, seconds, stateClass, tokens, when } from './format.js';
import { html } from './h.js';
import { Fold, prettyJson, Text } from './text.js';
import { Transcript } from './transcript.js';

const cache = new Map<string, Promise<RunDetail>>();

/** The details follow the app in the page: opened before the parser reached them, they wait for it. */
function documentParsed(): Promise<void> {
  if (document.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) =>
    document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }),
  );
}

function parseBlock(id: string): RunDetail {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no block ${id}`);
  return JSON.parse(el.textContent ?? 'null') as RunDetail;
}

/** A run's detail: parsed from its JSON block only when first opened, or fetched from the server. */
export function loadDetail(entry: RunEntry): Promise<RunDetail> | null {
  const where = entry.detail;
  if (!where) return null;
  const key = 'embedded' in where ? where.embedded : where.url;
  let p = cache.get(key);
  if (!p) {
    if ('embedded' in where) p = documentParsed().then(() => parseBlock(where.embedded));
    else
      p = fetch(where.url).then((r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        return r.json() as Promise<RunDetail>;
      });
    cache.set(key, p);
  }
  return p;
}

export function StatusBadge({ status, passed }: { status: string; passed?: boolean }) {
  const word = status === 'completed' && passed !== undefined ? (passed ? 'passed' : 'failed') : status;
  return html`<span class=${`badge ${stateClass(word)}`}>${word.replace(/_/g, ' ')}</span>`;
}

function CheckRow({ check }: { check: CheckDetail }) {
  const bad = check.status === 'failed' || check.status === 'error';
  const texts = Object.entries(check.texts).filter(([, text]) => text.trim() !== '');
  const facts = [
    check.type,
    check.tier,
    `weight ${check.weight}`,
    check.gating ? 'gating' : null,
    `score ${score(check.score)}`,
    check.duration_ms !== null ? ms(check.duration_ms) : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const details = check.details && typeof check.details === 'object' && Object.keys(check.details).length > 0;
  return html`<div class=${`check ${bad ? 'bad' : ''}`} data-check=${check.name}>
    <${Fold}
      open=${bad}
      title=${html`<${StatusBadge} status=${check.status} /> <b>${check.name}</b>
        <span class="dim">${facts}</span>
        <div class="explanation">${check.explanation}</div>`}
      render=${() => html`
        ${texts.length === 0 && !details ? html`<p class="dim">No captured output (or only empty output).</p>` : null}
        ${texts
          .sort(([a], [b]) => (a === 'diff' ? -1 : b === 'diff' ? 1 : 0))
          .map(
            ([kind, text]) => html`<div class=${`check-text kind-${kind}`}>
              <h5>${kind}</h5>
              ${kind === 'diff' ? html`<${Patch} text=${text} />` : html`<${Text} text=${text} />`}
            </div>`,
          )}
        ${details ? html`<${Fold} title="details" render=${() => html`<pre class="text">${prettyJson(check.details)}</pre>`} />` : null}
      `}
    />
  </div>`;
}

function FileRow({ file }: { file: FileChange }) {
  return html`<div class="file" data-path=${file.path}>
    <${Fold}
      open=${file.patch !== null && file.added + file.removed <= 200}
      title=${html`<span class=${`badge ${file.change === 'added' ? 'good' : file.change === 'removed' ? 'bad' : 'muted'}`}>${file.change}</span>
        <code>${file.path}</code>
        ${file.patch !== null ? html`<span class="dim"> <span class="add">+${file.added}</span> <span class="del">−${file.removed}</span></span>` : null}
        ${file.note ? html`<span class="dim"> · ${file.note}</span>` : null}`}
      render=${() => (file.patch !== null ? html`<${Patch} text=${file.patch} />` : html`<p class="dim">${file.note}</p>`)}
    />
  </div>`;
}

function Facts({ entry, detail }: { entry: RunEntry; detail: RunDetail | null }) {
  const r = (detail?.result ?? {}) as {
    stop_reason?: string;
    tokens?: { input: number; output: number; cached_input: number; total: number };
    judge_cost_usd?: number | null;
    tool_calls?: number;
    timings?: { setup_s: number; agent_s: number; grading_s: number; total_s: number };
    sandbox?: string;
    pass_threshold?: number;
  };
  const rows: Array<[string, unknown]> = [
    ['model', entry.model],
    ...(entry.agent ? ([['agent', entry.agent]] as Array<[string, unknown]>) : []),
    ['epoch', entry.epoch + 1],
    [
      'score',
      `${score(entry.score)}${r.pass_threshold !== undefined ? ` (passes at ${r.pass_threshold})` : ''}`,
    ],
    ['stopped', `${r.stop_reason ?? '–'}${entry.kill_reason ? ` (${entry.kill_reason})` : ''}`],
    ['turns · tool calls', `${entry.turns} · ${r.tool_calls ?? '–'}`],
    [
      'tokens',
      r.tokens
        ? `${tokens(r.tokens.input)} in (${tokens(r.tokens.cached_input)} cached) · ${tokens(r.tokens.output)} out`
        : tokens(entry.tokens),
    ],
    ['cost', `${money(entry.cost_usd)}${r.judge_cost_usd ? ` (judge ${money(r.judge_cost_usd)})` : ''}`],
    [
      'time',
      r.timings
        ? `${seconds(r.timings.total_s)}: setup ${seconds(r.timings.setup_s)}, agent ${seconds(r.timings.agent_s)}, grading ${seconds(r.timings.grading_s)}`
        : seconds(entry.wall_s),
    ],
    ['sandbox', r.sandbox ?? '–'],
    ['started', when(entry.started_at)],
    ['run id', html`<code>${entry.run_id}</code>`],
  ];
  return html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

/** One run: its facts, checks (failed ones open, with their diff), workspace changes and transcript. */
export function RunView({ entry }: { entry: RunEntry }) {
  const [detail, setDetail] = useState<RunDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const p = loadDetail(entry);
    if (!p) return;
    let live = true;
    p.then((d) => live && setDetail(d)).catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [entry.run_id]);
  return html`<div class="run-view" data-run=${entry.run_id}>
    ${entry.error ? html`<p class="error-line">${entry.error}</p>` : null}
    <${Facts} entry=${entry} detail=${detail} />
    ${!entry.detail ? html`<p class="dim">The run folder is not on this machine: only the index row is known.</p>` : null}
    ${error ? html`<p class="error-line">Could not load this run: ${error}</p>` : null}
    ${entry.detail && !detail && !error ? html`<p class="dim">Loading…</p>` : null}
    ${
      detail
        ? html`
        ${detail.notes.map((n) => html`<p class="note">${n}</p>`)}
        <section class="checks"><h4>Checks</h4>
          ${detail.checks.length === 0 ? html`<p class="dim">No checks ran.</p>` : detail.checks.map((c) => html`<${CheckRow} key=${c.name} check=${c} />`)}
        </section>
        <section class="workspace"><h4>Workspace changes
          <span class="dim"> · ${detail.workspace.files.length} changed, ${detail.workspace.unchanged} unchanged</span></h4>
          ${detail.workspace.note ? html`<p class="note">${detail.workspace.note}</p>` : null}
          ${detail.workspace.files.map((f) => html`<${FileRow} key=${f.path} file=${f} />`)}
        </section>
        <section class="transcript-section"><h4>Transcript <span class="dim"> · ${detail.transcript.length} events</span></h4>
          <${Transcript} events=${detail.transcript} />
        </section>`
        : null
    }
  </div>`;
}
