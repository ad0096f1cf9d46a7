import { useMemo, useState } from 'preact/hooks';
import type { TranscriptLine } from '../report/index.js';
import { money, ms, tokens } from './format.js';
import { html } from './h.js';
import { Fold, Markdown, prettyJson, Text } from './text.js';

/** Items rendered at first and per "show more": a long transcript costs only what is looked at. */
export const PAGE_SIZE = 50;

type Ev = TranscriptLine;

interface ToolCallShape {
  id?: string;
  name?: string;
  arguments?: string;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A tool call with its result (matched by id), or a lone event. */
type Item =
  | { kind: 'event'; ev: Ev; index: number }
  | { kind: 'tool'; call: Ev; result: Ev | null; index: number };

/** Pairs each tool_call with its tool_result so the two read as one step. */
export function toItems(events: Ev[]): Item[] {
  const resultById = new Map<string, Ev>();
  for (const ev of events)
    if (ev.type === 'tool_result' && typeof ev.id === 'string') resultById.set(ev.id, ev);
  const used = new Set<Ev>();
  const items: Item[] = [];
  events.forEach((ev, index) => {
    if (ev.type === 'tool_call') {
      const result = typeof ev.id === 'string' ? (resultById.get(ev.id) ?? null) : null;
      if (result) used.add(result);
      items.push({ kind: 'tool', call: ev, result, index });
    } else if (!(ev.type === 'tool_result' && used.has(ev))) items.push({ kind: 'event', ev, index });
  });
  return items;
}

function Meta({ ev, cls, children }: { ev: Ev; cls: string; children: unknown }) {
  return html`<div class=${`ev meta ${cls}`} data-type=${ev.type}>
    <span class="ev-time">${ev.elapsed_ms !== undefined ? ms(ev.elapsed_ms) : ''}</span>
    <div class="ev-body">${children}</div>
  </div>`;
}

function ToolArgs({ name, args }: { name: string; args: unknown }) {
  const pretty = prettyJson(args);
  try {
    const parsed = JSON.parse(str(args)) as Record<string, unknown>;
    if (name === 'bash' && typeof parsed.command === 'string')
      return html`<pre class="text cmd">$ ${parsed.command}</pre>`;
    if (name === 'python' && typeof parsed.code === 'string')
      return html`<pre class="text cmd">${parsed.code}</pre>`;
  } catch {}
  return html`<pre class="text cmd">${pretty}</pre>`;
}

function ToolStep({ call, result }: { call: Ev; result: Ev | null }) {
  const name = str(call.name);
  const error = result?.error as { kind?: string; message?: string } | null | undefined;
  return html`<div class=${`ev tool ${error ? 'has-error' : ''}`} data-type="tool_call">
    <span class="ev-time">${call.elapsed_ms !== undefined ? ms(call.elapsed_ms) : ''}</span>
    <div class="ev-body">
      <div class="ev-head">
        <span class="tag">tool</span> <b>${name}</b>
        ${result ? html`<span class="dim"> · ${ms(num(result.duration_ms))}</span>` : null}
        ${error ? html` <span class="badge err">${error.kind ?? 'error'}</span>` : null}
      </div>
      <${ToolArgs} name=${name} args=${call.arguments} />
      ${
        result
          ? html`<${Text} text=${str(result.content)} cls="output" />`
          : html`<div class="dim">no result recorded (the run stopped during this call)</div>`
      }
    </div>
  </div>`;
}

function ModelResponse({ ev }: { ev: Ev }) {
  const message = (ev.message ?? {}) as { content?: string | null; tool_calls?: ToolCallShape[] };
  const usage = (ev.usage ?? {}) as {
    input_tokens?: number;
    output_tokens?: number;
    cached_input_tokens?: number;
  };
  const retries = num(ev.retries) ?? 0;
  const cached = usage.cached_input_tokens ? ` (${tokens(usage.cached_input_tokens)} cached)` : '';
  const head = [
    `${tokens(usage.input_tokens)} in${cached}`,
    `${tokens(usage.output_tokens)} out`,
    ev.cost_usd === null ? 'cost unknown' : money(num(ev.cost_usd)),
    ms(num(ev.duration_ms)),
    ev.finish_reason ? str(ev.finish_reason) : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return html`<div class="ev assistant" data-type="model_response">
    <span class="ev-time">${ev.elapsed_ms !== undefined ? ms(ev.elapsed_ms) : ''}</span>
    <div class="ev-body">
      <div class="ev-head">
        <span class="tag">assistant</span>
        <span class="dim">${head}</span>
        ${retries > 0 ? html` <span class="badge warn">${retries} ${retries === 1 ? 'retry' : 'retries'}</span>` : null}
      </div>
      ${message.content ? html`<${Markdown} text=${message.content} />` : null}
      ${
        (message.tool_calls ?? []).length > 0
          ? html`<div class="dim calls">asks for ${(message.tool_calls ?? []).map((c) => c.name).join(', ')}</div>`
          : null
      }
    </div>
  </div>`;
}

function AgentStart({ ev }: { ev: Ev }) {
  const messages = (Array.isArray(ev.messages) ? ev.messages : []) as Array<{
    role: string;
    content: string;
  }>;
  const system = messages.find((m) => m.role === 'system');
  const user = messages.filter((m) => m.role === 'user');
  const tools = Array.isArray(ev.tools) ? (ev.tools as string[]).join(', ') : '';
  return html`<div class="ev start" data-type="agent_start">
    <span class="ev-time">${ev.elapsed_ms !== undefined ? ms(ev.elapsed_ms) : ''}</span>
    <div class="ev-body">
      <div class="ev-head">
        <span class="tag">start</span> ${`agent `}<b>${str(ev.agent)}</b>${' with '}<b>${str(ev.model)}</b>${tools ? `; tools: ${tools}` : null}
      </div>
      ${system ? html`<${Fold} title="System prompt" render=${() => html`<${Text} text=${system.content} />`} />` : null}
      ${user.map((m) => html`<div class="user"><span class="tag">task</span><${Markdown} text=${m.content} /></div>`)}
    </div>
  </div>`;
}

function budgetLine(ev: Ev): string {
  const parts = [
    ev.max_tokens !== undefined ? `${tokens(num(ev.max_tokens))} tokens` : null,
    ev.max_tool_calls !== undefined ? `${str(ev.max_tool_calls)} tool calls` : null,
    ev.max_wall_seconds !== undefined ? `${str(ev.max_wall_seconds)} s` : null,
    ev.max_cost_usd !== undefined ? money(num(ev.max_cost_usd)) : null,
  ].filter(Boolean);
  return `Budget: ${parts.join(', ') || 'none'}`;
}

function EventView({ ev }: { ev: Ev }) {
  switch (ev.type) {
    case 'agent_start':
      return html`<${AgentStart} ev=${ev} />`;
    case 'model_response':
      return html`<${ModelResponse} ev=${ev} />`;
    case 'user_message':
      return html`<${Meta} ev=${ev} cls="feedback">
        <${Fold} title="Sent back to the model" render=${() => html`<${Text} text=${str(ev.content)} />`} />
      </${Meta}>`;
    case 'budget':
      return html`<${Meta} ev=${ev} cls="budget">${budgetLine(ev)}</${Meta}>`;
    case 'sandbox_ready':
      return html`<${Meta} ev=${ev} cls="info">Sandbox ready: ${str(ev.sandbox)}, image ${str(ev.image)}</${Meta}>`;
    case 'model_retry':
      return html`<${Meta} ev=${ev} cls="warn">
        Model call retry ${str(ev.attempt)} after ${str(ev.reason)}, waiting ${ms(num(ev.delay_ms))}: ${str(ev.message)}
      </${Meta}>`;
    case 'model_error':
      return html`<${Meta} ev=${ev} cls="err">Model error ${str(ev.kind)}${ev.status ? ` (HTTP ${str(ev.status)})` : ''}: ${str(ev.message)}</${Meta}>`;
    case 'warning':
      return html`<${Meta} ev=${ev} cls="warn">Warning: ${str(ev.message)}</${Meta}>`;
    case 'tool_result': {
      const error = ev.error as { kind?: string; message?: string } | null;
      return html`<${Meta} ev=${ev} cls=${error ? 'err' : 'info'}>
        Tool ${str(ev.name)}: ${error ? `${error.kind}: ${error.message}` : html`<${Text} text=${str(ev.content)} />`}
      </${Meta}>`;
    }
    case 'agent_end': {
      const error = ev.error as { kind?: string; message?: string } | null;
      return html`<${Meta} ev=${ev} cls=${ev.kill_reason ? 'warn' : 'info'}>
        Agent stopped: ${str(ev.stop_reason)}${ev.kill_reason ? ` (${str(ev.kill_reason)})` : ''}
        ${error ? html`<div>${error.kind}: ${error.message}</div>` : null}
        ${ev.final_answer ? html`<div class="final"><span class="tag">answer</span> <${Markdown} text=${str(ev.final_answer)} /></div>` : null}
      </${Meta}>`;
    }
    case 'grading_start':
      return html`<${Meta} ev=${ev} cls="info">
        Grading started${num(ev.killed_processes) ? `; ${str(ev.killed_processes)} leftover processes killed` : ''}
      </${Meta}>`;
    case 'graded':
      return html`<${Meta} ev=${ev} cls=${ev.passed ? 'good' : 'bad'}>
        Graded: score ${(num(ev.score) ?? 0).toFixed(2)}, ${ev.passed ? 'passed' : 'failed'}
      </${Meta}>`;
    case 'run_error': {
      const error = ev.error as { kind?: string; message?: string } | null;
      return html`<${Meta} ev=${ev} cls="err">Run error (${str(ev.status)}): ${error?.kind}: ${error?.message}</${Meta}>`;
    }
    default:
      return html`<${Meta} ev=${ev} cls="info">
        <${Fold} title=${ev.type} render=${() => html`<pre class="text">${prettyJson(ev)}</pre>`} />
      </${Meta}>`;
  }
}

/** The transcript, a page at a time. */
export function Transcript({ events }: { events: Ev[] }) {
  const items = useMemo(() => toItems(events), [events]);
  const [shown, setShown] = useState(PAGE_SIZE);
  if (items.length === 0) return html`<p class="dim">The transcript is empty.</p>`;
  const rest = items.length - shown;
  return html`<div class="transcript">
    ${items
      .slice(0, shown)
      .map((it) =>
        it.kind === 'tool'
          ? html`<${ToolStep} key=${it.index} call=${it.call} result=${it.result} />`
          : html`<${EventView} key=${it.index} ev=${it.ev} />`,
      )}
    ${
      rest > 0
        ? html`<div class="pager">
          <span class="dim">${shown} of ${items.length} steps shown</span>
          <button class="more" onClick=${() => setShown(shown + PAGE_SIZE)}>Show ${Math.min(PAGE_SIZE, rest)} more</button>
          <button class="more" onClick=${() => setShown(items.length)}>Show all</button>
        </div>`
        : null
    }
  </div>`;
}
