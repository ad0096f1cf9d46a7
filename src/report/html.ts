import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DetailBlock } from './pages.js';
import type { PageData } from './types.js';

/** The browser app (built by scripts/build-webapp.mjs): one classic script and one stylesheet. */
export interface WebappAssets {
  script: string;
  style: string;
  /** For the Content-Security-Policy: the only script the page may run. */
  scriptHash: string;
}

let cached: WebappAssets | null = null;

/**
 * The app's files are beside the action bundle (`dist/webapp/`), or under
 * `build/webapp/` for the CLI (from `build/src/report/`) and for tests (from `src/report/`).
 */
export function webappDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.join(here, 'webapp'),
    path.resolve(here, '../../webapp'),
    path.resolve(here, '../../build/webapp'),
  ];
  const found = candidates.find((d) => existsSync(path.join(d, 'app.js')));
  if (!found)
    throw new Error(
      `the report's browser app is not built (looked in ${candidates.join(', ')}); run npm run build`,
    );
  return found;
}

export function loadWebapp(): WebappAssets {
  if (!cached) {
    const dir = webappDir();
    const script = readFileSync(path.join(dir, 'app.js'), 'utf8');
    cached = {
      script,
      style: readFileSync(path.join(dir, 'app.css'), 'utf8'),
      scriptHash: createHash('sha256').update(script).digest('base64'),
    };
  }
  return cached;
}

/** JSON that is safe inside a script element: no `</script>`, no HTML comment openers. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One HTML page holding the app, its styles and the data. A file page may
 * reach nothing (no network at all); a page from `view` may call its own server.
 */
export function renderPageHtml(page: PageData, blocks: DetailBlock[]): string {
  const app = loadWebapp();
  const connect = page.server ? "'self'" : "'none'";
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${app.scriptHash}'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const parts = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(`factory-bench: ${page.title}`)}</title>`,
    `<style>${app.style}</style>`,
    '</head>',
    '<body>',
    '<div id="app"><p class="loading">Loading the report…</p></div>',
    '<noscript><p>This report needs JavaScript; the run folders hold the same data as files.</p></noscript>',
    `<script type="application/json" id="fb-page">${jsonForScript(page)}</script>`,
  ];
  // The app runs before the runs' details are parsed: the first screen does not wait for megabytes
  // of transcripts, and a detail opened early waits for the document to finish (see src/webapp).
  parts.push(`<script>${app.script}</script>`);
  for (const b of blocks)
    parts.push(
      `<script type="application/json" id="${escapeHtml(b.id)}">${jsonForScript(b.detail)}</script>`,
    );
  parts.push('</body>', '</html>', '');
  return parts.join('\n');
}
