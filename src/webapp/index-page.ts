import { useEffect, useState } from 'preact/hooks';
import type { Facets, RunEntry, SuiteRunListItem } from '../report/index.js';
import { money, pct, score, seconds, shortSha, when } from './format.js';
import { html } from './h.js';
import { StatusBadge } from './run-view.js';

const FILTERS = ['suite', 'task', 'model', 'agent', 'branch'] as const;
type Filter = Partial<Record<(typeof FILTERS)[number], string>>;

function readFilter(): Filter {
  const q = new URLSearchParams(location.search);
  const f: Filter = {};
  for (const k of FILTERS) {
    const v = q.get(k);
    if (v) f[k] = v;
  }
  return f;
}

function query(f: Filter): string {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (f[k]) q.set(k, f[k] as string);
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

function Select({
  name,
  options,
  value,
  onChange,
}: {
  name: string;
  options: string[];
  value: string | undefined;
  onChange: (v: string) => void;
}) {
  return html`<label class="filter">${name}
    <select name=${name} value=${value ?? ''} onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
      <option value="">any</option>
      ${options.map((o) => html`<option value=${o} selected=${o === value}>${o}</option>`)}
    </select></label>`;
}

/** Everything recorded under the runs folder, filtered by suite, task, model, agent and branch. */
export function IndexPage({ runsDir }: { runsDir: string }) {
  const [filter, setFilter] = useState<Filter>(readFilter);
  const [facets, setFacets] = useState<Facets | null>(null);
  const [suiteRuns, setSuiteRuns] = useState<SuiteRunListItem[] | null>(null);
  const [runs, setRuns] = useState<RunEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    getJson<Facets>('/api/facets').then(setFacets, (e: Error) => setError(e.message));
  }, []);
  useEffect(() => {
    history.replaceState(null, '', `/${query(filter)}`);
    setSuiteRuns(null);
    setRuns(null);
    getJson<SuiteRunListItem[]>(`/api/suite-runs${query(filter)}`).then(setSuiteRuns, (e: Error) =>
      setError(e.message),
    );
    getJson<RunEntry[]>(`/api/runs${query(filter)}`).then(setRuns, (e: Error) => setError(e.message));
  }, [filter]);
  const set = (k: keyof Filter) => (v: string) => setFilter({ ...filter, [k]: v || undefined });
  return html`<main class="index-page">
    <header><h1>factory-bench runs</h1><div class="dim"><code>${runsDir}</code></div></header>
    ${error ? html`<p class="error-line">${error}</p>` : null}
    <div class="filters">
      <${Select} name="suite" options=${facets?.suites ?? []} value=${filter.suite} onChange=${set('suite')} />
      <${Select} name="task" options=${facets?.tasks ?? []} value=${filter.task} onChange=${set('task')} />
      <${Select} name="model" options=${facets?.models ?? []} value=${filter.model} onChange=${set('model')} />
      ${facets?.has_agent ? html`<${Select} name="agent" options=${facets.agents} value=${filter.agent} onChange=${set('agent')} />` : null}
      <${Select} name="branch" options=${facets?.branches ?? []} value=${filter.branch} onChange=${set('branch')} />
      ${Object.keys(filter).some((k) => filter[k as keyof Filter]) ? html`<button class="more" onClick=${() => setFilter({})}>clear</button>` : null}
    </div>
    <section>
      <h3>Suite runs ${suiteRuns ? html`<span class="dim">· ${suiteRuns.length}</span>` : null}</h3>
      ${
        !suiteRuns
          ? html`<p class="dim">Loading…</p>`
          : suiteRuns.length === 0
            ? html`<p class="dim">None match.</p>`
            : html`
      <table class="list suite-runs">
        <thead><tr><th>started</th><th>suite</th><th>model</th>${facets?.has_agent ? html`<th>agent</th>` : null}<th>branch</th><th>commit</th><th>passed</th><th>mean score</th><th>cost</th><th>status</th></tr></thead>
        <tbody>${suiteRuns.map(
          (s) => html`<tr>
            <td><a href=${`/suite/${encodeURIComponent(s.suite_run_id)}`}>${when(s.started_at)}</a></td>
            <td>${s.suite_id}</td><td>${s.model}</td>${facets?.has_agent ? html`<td>${s.agent ?? ''}</td>` : null}
            <td>${s.branch ?? ''}</td><td><code>${shortSha(s.commit_sha)}</code></td>
            <td>${s.passed ?? '–'}/${s.total ?? '–'} <span class="dim">${pct(s.total ? (s.passed ?? 0) / s.total : null)}</span></td>
            <td>${score(s.avg_score)}</td><td>${money(s.cost_usd)}</td><td>${s.status}</td>
          </tr>`,
        )}</tbody>
      </table>`
      }
    </section>
    <section>
      <h3>Runs ${runs ? html`<span class="dim">· ${runs.length}${runs.length >= 200 ? ' (the newest 200)' : ''}</span>` : null}</h3>
      ${
        !runs
          ? html`<p class="dim">Loading…</p>`
          : runs.length === 0
            ? html`<p class="dim">None match.</p>`
            : html`
      <table class="list runs">
        <thead><tr><th>started</th><th>task</th><th>model</th>${facets?.has_agent ? html`<th>agent</th>` : null}<th>result</th><th>score</th><th>stopped by</th><th>cost</th><th>time</th></tr></thead>
        <tbody>${runs.map(
          (r) => html`<tr>
            <td><a href=${`/run/${encodeURIComponent(r.run_id)}`}>${when(r.started_at)}</a></td>
            <td>${r.task_id}${r.epoch ? html`<span class="dim"> epoch ${r.epoch + 1}</span>` : null}</td><td>${r.model}</td>
            ${facets?.has_agent ? html`<td>${r.agent ?? ''}</td>` : null}
            <td><${StatusBadge} status=${r.status} passed=${r.passed} /></td><td>${score(r.score)}</td>
            <td class="small">${r.kill_reason ?? ''}</td><td>${money(r.cost_usd)}</td><td>${seconds(r.wall_s)}</td>
          </tr>`,
        )}</tbody>
      </table>`
      }
    </section>
  </main>`;
}
