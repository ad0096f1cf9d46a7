/**
 * Reading actions out of free text, for models without native tool calling.
 * Models wrap JSON in fences or not, add prose after it, use single quotes,
 * trailing commas, Python literals or raw newlines inside strings: all of
 * these are repaired where the meaning is unambiguous, and anything else is
 * reported back to the model with the position of the problem.
 */

export interface TextAction {
  tool: string;
  /** JSON text of the arguments object, as a native tool call would carry it. */
  arguments: string;
}

export interface ParsedActions {
  actions: TextAction[];
  /** Problems with candidates that looked like actions but could not be read. */
  errors: string[];
}

const FENCE = /```([A-Za-z0-9_+-]*)[^\S\n]*\n([\s\S]*?)```/g;
const TOOL_KEYS = ['tool', 'action', 'name', 'tool_name', 'function'];
const ARG_KEYS = ['arguments', 'args', 'action_input', 'input', 'parameters', 'params'];

/** Fenced code blocks with their language tag (lower-cased, '' when none). */
export function fencedBlocks(text: string): Array<{ lang: string; body: string }> {
  return [...text.matchAll(FENCE)].map((m) => ({ lang: (m[1] ?? '').toLowerCase(), body: m[2] ?? '' }));
}

/** Every JSON action in a reply: fenced blocks first, else balanced objects in the prose. */
export function parseJsonActions(text: string): ParsedActions {
  const fenced = fencedBlocks(text)
    .filter(
      (b) => ['json', 'json5', 'javascript', 'js', ''].includes(b.lang) || b.body.trim().startsWith('{'),
    )
    .flatMap((b) => balancedObjects(b.body));
  const candidates = fenced.length > 0 ? fenced : balancedObjects(text);
  const actions: TextAction[] = [];
  const errors: string[] = [];
  for (const candidate of candidates) {
    let value: unknown;
    try {
      value = parseLenientJson(candidate);
    } catch (err) {
      if (looksLikeAction(candidate)) errors.push((err as Error).message);
      continue;
    }
    const action = toAction(value);
    if (typeof action === 'string') errors.push(action);
    else if (action) actions.push(action);
  }
  return { actions, errors };
}

function looksLikeAction(candidate: string): boolean {
  return TOOL_KEYS.some((k) => new RegExp(`["']${k}["']\\s*:`).test(candidate));
}

/** An action from a parsed object; null when it is not one, a message when it is a broken one. */
function toAction(value: unknown): TextAction | string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const obj = value as Record<string, unknown>;
  const toolKey = TOOL_KEYS.find((k) => typeof obj[k] === 'string');
  if (!toolKey) return null;
  const tool = (obj[toolKey] as string).trim();
  const argKey = ARG_KEYS.find((k) => k in obj);
  let args: unknown = argKey ? obj[argKey] : {};
  if (argKey === undefined) {
    // `{"tool": "bash", "command": "ls"}`: the other keys are the arguments.
    const { [toolKey]: _, ...rest } = obj;
    args = rest;
  }
  if (typeof args === 'string') {
    const raw = args;
    try {
      args = parseLenientJson(raw);
    } catch {
      return `the arguments of ${tool} must be a JSON object, got the string ${JSON.stringify(raw.slice(0, 80))}`;
    }
  }
  if (args === null || args === undefined) args = {};
  if (typeof args !== 'object' || Array.isArray(args))
    return `the arguments of ${tool} must be a JSON object, got ${Array.isArray(args) ? 'an array' : typeof args}`;
  return { tool, arguments: JSON.stringify(args) };
}

/** The balanced `{...}` spans of a text at top level, skipping braces inside strings. */
export function balancedObjects(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (depth > 0 && (c === '"' || (c === "'" && isStringStart(text, i)))) quote = c;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) out.push(text.slice(start, i + 1));
    }
  }
  // An object the model never closed is still worth a clear parse error.
  if (depth > 0 && start >= 0) out.push(text.slice(start));
  return out;
}

/** A single quote opens a string only where a JSON value or key may start. */
function isStringStart(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && /\s/.test(text[j] as string)) j--;
  return j < 0 || '{[,:'.includes(text[j] as string);
}

/** JSON.parse, then the same after safe repairs; throws with the first error and where it is. */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    try {
      return JSON.parse(repairJson(text));
    } catch {
      throw new Error(`invalid JSON: ${(first as Error).message}`);
    }
  }
}

/**
 * Rewrites near-JSON into JSON: single-quoted strings (where a string may
 * start), trailing commas, True/False/None, and raw control characters inside
 * strings. Text inside strings is otherwise left alone.
 */
export function repairJson(text: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\') {
        const next = text[i + 1] ?? '';
        // `\'` is not a JSON escape: it is just a quote.
        out += next === "'" ? "'" : c + next;
        i++;
      } else if (c === quote) {
        out += '"';
        quote = null;
      } else if (c === '"') out += '\\"';
      else if (c === '\n') out += '\\n';
      else if (c === '\r') out += '\\r';
      else if (c === '\t') out += '\\t';
      else out += c;
      continue;
    }
    if (c === '"' || (c === "'" && isStringStart(text, i))) {
      quote = c;
      out += '"';
    } else if (c === ',' && /^\s*[}\]]/.test(text.slice(i + 1))) {
      // trailing comma: dropped
    } else if (/[A-Za-z]/.test(c) && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))?.[0] ?? c;
      out += { True: 'true', False: 'false', None: 'null' }[word] ?? word;
      i += word.length - 1;
    } else out += c;
  }
  return out;
}

/** How a JSON action is written, for prompts and scripted models. */
export function formatJsonAction(tool: string, args: Record<string, unknown>): string {
  return `\`\`\`json\n${JSON.stringify({ tool, arguments: args })}\n\`\`\``;
}
