import { useMemo, useState } from 'preact/hooks';
import { html } from './h.js';
import { markdownToHtml } from './markdown.js';

const FOLD_AT = 60;
const SHOW_WHEN_FOLDED = 30;

/** Preformatted text; a long one shows its head until asked for the rest. */
export function Text({ text, cls = '' }: { text: string; cls?: string }) {
  const [all, setAll] = useState(false);
  const lines = useMemo(() => text.split('\n'), [text]);
  if (lines.length <= FOLD_AT || all) return html`<pre class=${`text ${cls}`}>${text}</pre>`;
  return html`<div>
    <pre class=${`text ${cls}`}>${lines.slice(0, SHOW_WHEN_FOLDED).join('\n')}</pre>
    <button class="more" onClick=${() => setAll(true)}>
      Show all ${lines.length} lines
    </button>
  </div>`;
}

/** Markdown from a model or a task, rendered safely (see markdown.ts). */
export function Markdown({ text }: { text: string }) {
  const rendered = useMemo(() => markdownToHtml(text), [text]);
  return html`<div class="md" dangerouslySetInnerHTML=${{ __html: rendered }}></div>`;
}

/** Pretty JSON of a value; strings that hold JSON (tool arguments) are parsed first. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** A section whose body is built only once it is opened. */
export function Fold(props: { title: unknown; open?: boolean; cls?: string; render: () => unknown }) {
  const [open, setOpen] = useState(Boolean(props.open));
  return html`<div class=${`fold ${open ? 'open' : ''} ${props.cls ?? ''}`}>
    <button class="fold-head" aria-expanded=${open} onClick=${() => setOpen(!open)}>
      <span class="caret">${open ? '▾' : '▸'}</span> ${props.title}
    </button>
    ${open ? html`<div class="fold-body">${props.render()}</div>` : null}
  </div>`;
}
