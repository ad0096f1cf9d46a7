import { randomBytes } from 'node:crypto';

/** `2026-05-13T20:40:21.123Z` -> `2026-05-13T20-40-21Z` (safe in paths and container names). */
export function timestampSlug(date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '-');
}

/** Makes a model name safe for ids and paths: `openai/gpt-4o-mini` -> `openai_gpt-4o-mini`. */
export function slug(s: string): string {
  return (
    s
      .replace(/[^A-Za-z0-9_.-]+/g, '_')
      .replace(/^[_.-]+/, '')
      .slice(0, 60) || 'x'
  );
}

export function newRunId(taskId: string, model: string, date = new Date()): string {
  return `${timestampSlug(date)}__${slug(taskId)}__${slug(model)}__${randomBytes(2).toString('hex')}`;
}

export function newSuiteRunId(suiteId: string, date = new Date()): string {
  return `${timestampSlug(date)}__suite__${slug(suiteId)}__${randomBytes(2).toString('hex')}`;
}
