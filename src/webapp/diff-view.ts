import { useState } from 'preact/hooks';
import { html } from './h.js';

const FOLD_LINES = 400;

/** A unified diff, one line per row, coloured by what the line does. */
export function Patch({ text, foldAt = FOLD_LINES }: { text: string; foldAt?: number }) {
  const [all, setAll] = useState(false);
  const lines = text.replace(/\n$/, '').split('\n');
  const shown = all ? lines : lines.slice(0, foldAt);
  return html`<div class="patch">
    <pre>${shown.map((l) => html`<span class=${lineClass(l)}>${l}\n</span>`)}</pre>
    ${
      lines.length > shown.length
        ? html`<button class="more" onClick=${() => setAll(true)}>Show all ${lines.length} lines</button>`
        : null
    }
  </div>`;
}

function lineClass(line: string): string {
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+') || line.startsWith('unexpected output line')) return 'add';
  if (line.startsWith('-') || line.startsWith('missing expected line')) return 'del';
  if (line.startsWith('\\')) return 'muted';
  return '';
}
