import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { redactDeep } from '../runs/index.js';
import type { CheckDetail, RunDetail, TranscriptLine } from './types.js';
import { diffWorkspaces } from './workspace-diff.js';

/** One string in a page (a tool output, a grader's stdout) keeps at most this much, head and tail. */
export const MAX_TEXT_CHARS = 64 * 1024;
/** A transcript beyond this is cut at an event boundary (the file itself stays whole). */
const MAX_TRANSCRIPT_CHARS = 12 * 1024 * 1024;

/** Keeps the head and tail of a long text with a note saying how much was cut. */
export function clip(text: string, max = MAX_TEXT_CHARS): string {
  if (text.length <= max) return text;
  const keep = Math.floor((max - 80) / 2);
  const cut = text.length - 2 * keep;
  return `${text.slice(0, keep)}\n… ${cut} characters cut here; the run folder has them all …\n${text.slice(-keep)}`;
}

/** Clips every string inside a JSON value. */
function clipDeep(value: unknown): unknown {
  if (typeof value === 'string') return clip(value);
  if (Array.isArray(value)) return value.map(clipDeep);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clipDeep(v)]));
  return value;
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function readTranscript(file: string, notes: string[]): TranscriptLine[] {
  if (!existsSync(file)) {
    notes.push('no transcript.jsonl in the run folder');
    return [];
  }
  const lines = readFileSync(file, 'utf8').split('\n');
  const events: TranscriptLine[] = [];
  let size = 0;
  let bad = 0;
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    if (size > MAX_TRANSCRIPT_CHARS) {
      notes.push(`the transcript is long: lines ${i + 1} to ${lines.length} are in transcript.jsonl only`);
      break;
    }
    size += line.length;
    try {
      const parsed = JSON.parse(line) as unknown;
      if (parsed && typeof parsed === 'object' && typeof (parsed as { type?: unknown }).type === 'string')
        events.push(clipDeep(parsed) as TranscriptLine);
      else bad++;
    } catch {
      bad++;
    }
  }
  if (bad > 0) notes.push(`${bad} transcript lines could not be read (a crash mid-write?)`);
  return events;
}

interface CheckRecord {
  name?: string;
  type?: string;
  tier?: string;
  weight?: number;
  gating?: boolean;
  status?: string;
  score?: number;
  explanation?: string;
  duration_ms?: number;
  details?: unknown;
  files?: Record<string, string>;
}

/** grader_outputs/: each check's record and its captured texts, in the order result.json lists them. */
function readChecks(dir: string, order: string[], notes: string[]): CheckDetail[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir);
  const records = new Map<string, CheckRecord>();
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      const rec = readJson(path.join(dir, name)) as CheckRecord;
      records.set(rec.name ?? name.slice(0, -5), rec);
    } catch {
      notes.push(`grader_outputs/${name} could not be read`);
    }
  }
  const ordered = [
    ...order.filter((n) => records.has(n)),
    ...[...records.keys()].filter((n) => !order.includes(n)),
  ];
  return ordered.map((checkName) => {
    const rec = records.get(checkName) as CheckRecord;
    const texts: Record<string, string> = {};
    const files = rec.files ?? {};
    // Older runs have no `files` map: find <check>.<kind>.txt beside the record.
    for (const n of names) {
      const m = n.startsWith(`${checkName}.`) && /^(.*)\.([a-z_]+)\.txt$/.exec(n);
      if (m && m[1] === checkName && !((m[2] as string) in files)) files[m[2] as string] = n;
    }
    for (const [kind, file] of Object.entries(files)) {
      const full = path.join(dir, path.basename(file));
      if (existsSync(full) && statSync(full).isFile()) texts[kind] = clip(readFileSync(full, 'utf8'));
    }
    return {
      name: checkName,
      type: rec.type ?? 'unknown',
      tier: rec.tier ?? 'unknown',
      weight: rec.weight ?? 0,
      gating: rec.gating ?? false,
      status: rec.status ?? 'unknown',
      score: rec.score ?? 0,
      explanation: rec.explanation ?? '',
      duration_ms: rec.duration_ms ?? null,
      details: clipDeep(rec.details ?? null),
      texts,
    };
  });
}

/**
 * Everything a page shows about one run, read from its folder: result.json,
 * the transcript, each check's output and the workspace diff. Long texts are
 * clipped and every string is redacted.
 */
export function loadRunDetail(runDir: string, runId: string): RunDetail {
  const notes: string[] = [];
  let result: Record<string, unknown> | null = null;
  const resultFile = path.join(runDir, 'result.json');
  if (existsSync(resultFile)) {
    try {
      result = readJson(resultFile) as Record<string, unknown>;
    } catch {
      notes.push('result.json could not be read');
    }
  } else notes.push('no result.json in the run folder');
  const order = Array.isArray(result?.checks)
    ? (result.checks as Array<{ name?: unknown }>).map((c) => String(c.name))
    : [];
  const detail: RunDetail = {
    run_id: runId,
    result,
    transcript: readTranscript(path.join(runDir, 'transcript.jsonl'), notes),
    checks: readChecks(path.join(runDir, 'grader_outputs'), order, notes),
    workspace: diffWorkspaces(path.join(runDir, 'workspace'), path.join(runDir, 'workspace_final')),
    notes,
  };
  return redactDeep(detail);
}
