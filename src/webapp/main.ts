import { render } from 'preact';
import type { PageData } from '../report/index.js';
import { dotted, money, score, seconds, when } from './format.js';
import { html } from './h.js';
import { IndexPage } from './index-page.js';
import { RunView, StatusBadge } from './run-view.js';
import { SuitePage } from './suite-page.js';
import './styles.css';

function RunPage({ page }: { page: Extract<PageData, { kind: 'run' }> }) {
  const r = page.run;
  return html`<main class="run-page">
    <header>
      ${page.server ? html`<a class="back" href="/">← all runs</a>` : null}
      <h1>Run of <code>${r.task_id}</code> with <code>${r.model}</code></h1>
      <div class="dim">${dotted([
        html`<${StatusBadge} status=${r.status} passed=${r.passed} /> score ${score(r.score)}`,
        money(r.cost_usd),
        seconds(r.wall_s),
        `started ${when(r.started_at)}`,
      ])}</div>
    </header>
    <${RunView} entry=${r} />
  </main>`;
}

function App({ page }: { page: PageData }) {
  if (page.kind === 'suite') return html`<${SuitePage} s=${page.suite} server=${page.server} />`;
  if (page.kind === 'run') return html`<${RunPage} page=${page} />`;
  return html`<${IndexPage} runsDir=${page.runs_dir} />`;
}

const data = document.getElementById('fb-page');
const root = document.getElementById('app');
if (data && root) {
  root.textContent = '';
  render(html`<${App} page=${JSON.parse(data.textContent ?? '{}') as PageData} />`, root);
  // Marks the first frame with the page drawn (what `npm run bench` times).
  requestAnimationFrame(() => setTimeout(() => performance.mark('fb:first-screen'), 0));
}
