import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * What an LLM judge sees of a run: the agent's transcript condensed to what
 * it said and did, and the files it changed. Both are deterministic functions
 * of the run's files, so a re-grade builds the same prompt and hits the cache.
 */

const MAX_EVENT_CHARS = 2_000;
const MAX_TRANSCRIPT_CHARS = 60_000;
const MAX_FILE_CHARS = 8_000;
const MAX_CHANGES_CHARS = 60_000;
/** Caches and build products a grader command may leave behind; never the agent's work. */
const IGNORED_NAMES = new Set([
  '.git',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  'node_modules',
  '.ipynb_checkpoints',
]);

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}\n[... ${text.length - 2 * half} characters cut ...]\n${text.slice(-half)}`;
}

/** The agent's turns, tool calls and tool results as plain text; timings and grading events left out. */
export function condenseTranscript(jsonl: string): string {
  const parts: string[] = [];
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    // The judge's own calls (a re-grade reads a transcript that has them) are not the agent's work.
    if (event.source === 'judge') continue;
    if (event.type === 'model_response') {
      const message = (event.message ?? {}) as {
        content?: string | null;
        tool_calls?: Array<Record<string, unknown>>;
      };
      if (message.content) parts.push(`[assistant] ${clip(message.content, MAX_EVENT_CHARS)}`);
      for (const call of message.tool_calls ?? [])
        parts.push(`[tool call ${String(call.name)}] ${clip(String(call.arguments ?? ''), MAX_EVENT_CHARS)}`);
    } else if (event.type === 'tool_result') {
      parts.push(`[tool result ${String(event.name)}] ${clip(String(event.content ?? ''), MAX_EVENT_CHARS)}`);
    } else if (event.type === 'agent_end') {
      parts.push(
        `[agent stopped: ${String(event.stop_reason)}${event.kill_reason ? `, ${String(event.kill_reason)}` : ''}]`,
      );
    }
  }
  return clip(parts.join('\n'), MAX_TRANSCRIPT_CHARS);
}

function listFiles(root: string, rel = ''): string[] {
  const dir = path.join(root, rel);
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (IGNORED_NAMES.has(entry.name)) continue;
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, child));
    else if (entry.isFile()) out.push(child);
  }
  return out;
}

/** Files larger than this are compared by size only (datasets, model weights). */
const MAX_READ_BYTES = 20 * 1024 * 1024;

function unchanged(before: string, after: string, afterSize: number): boolean {
  if (statSync(before).size !== afterSize) return false;
  if (afterSize > MAX_READ_BYTES) return true;
  return readFileSync(before).equals(readFileSync(after));
}

function isText(buf: Buffer): boolean {
  return !buf.subarray(0, 8192).includes(0);
}

/** Added, changed and deleted files between the seeded workspace and the final one, with contents. */
export function describeChanges(seedDir: string, finalDir: string): string {
  const seed = new Set(listFiles(seedDir));
  const parts: string[] = [];
  for (const rel of listFiles(finalDir)) {
    const finalPath = path.join(finalDir, rel);
    const size = statSync(finalPath).size;
    const existed = seed.delete(rel);
    if (existed && unchanged(path.join(seedDir, rel), finalPath, size)) continue;
    const label = existed ? 'changed' : 'added';
    const head = size <= MAX_READ_BYTES ? readFileSync(finalPath) : null;
    parts.push(
      head && isText(head)
        ? `## ${label}: ${rel}\n\`\`\`\n${clip(head.toString('utf8'), MAX_FILE_CHARS)}\n\`\`\``
        : `## ${label}: ${rel} (${head ? 'binary, ' : ''}${size} bytes)`,
    );
  }
  for (const rel of seed) parts.push(`## deleted: ${rel}`);
  return clip(parts.join('\n\n'), MAX_CHANGES_CHARS);
}
