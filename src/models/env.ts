import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Reads `KEY=value` lines from a local `.env` (default: in the current folder)
 * into `env`, never overriding a variable that is already set, so the real
 * environment wins. Returns the names it set.
 */
export function loadDotEnv(file = path.resolve('.env'), env: NodeJS.ProcessEnv = process.env): string[] {
  if (!existsSync(file)) return [];
  const parsed = parseEnv(readFileSync(file, 'utf8'));
  const set: string[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (env[key] !== undefined || value === undefined) continue;
    env[key] = value;
    set.push(key);
  }
  return set;
}
