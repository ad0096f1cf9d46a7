import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Secrets never reach a transcript, log, artifact or comment. Values are
 * registered once (API keys, tokens from the environment) and replaced
 * wherever they appear; common key shapes are caught even when unregistered.
 */
const secrets = new Set<string>();

const SECRET_ENV = /(_KEY|_TOKEN|_SECRET|PASSWORD)$/i;
const KEY_SHAPES = [
  /\bsk-[A-Za-z0-9_-]{16,}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g,
];

export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) secrets.add(value);
}

/** Registers the values of environment variables that look like secrets. */
export function registerEnvSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const [key, value] of Object.entries(env)) {
    if (SECRET_ENV.test(key) || key.startsWith('INPUT_API')) registerSecret(value);
  }
}

/** Longest first, so that a secret containing another is replaced whole. */
function registered(): string[] {
  return [...secrets].sort((a, b) => b.length - a.length);
}

export function redact(text: string): string {
  let out = text;
  for (const s of registered()) out = out.split(s).join('[REDACTED]');
  for (const re of KEY_SHAPES) out = out.replace(re, '[REDACTED]');
  return out;
}

/** Redacts every string inside a JSON-able value. */
export function redactDeep<T>(value: T): T {
  return JSON.parse(redact(JSON.stringify(value))) as T;
}

/**
 * Replaces every registered secret in the regular files under `dir` (symlinks
 * are neither followed nor touched): for what the harness copies out of a
 * sandbox (workspace_final/) and logs written by other tools. Only registered
 * values, byte for byte, so a file without one is left exactly as it was.
 * Returns the files it changed.
 */
export function redactFilesUnder(dir: string): string[] {
  const needles = registered().map((s) => Buffer.from(s));
  const changed: string[] = [];
  if (needles.length === 0) return changed;
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const file = path.join(d, name);
      const stat = lstatSync(file, { throwIfNoEntry: false });
      if (stat?.isDirectory()) walk(file);
      else if (stat?.isFile() && redactFile(file, needles)) changed.push(file);
    }
  };
  walk(dir);
  return changed;
}

const REDACTED = Buffer.from('[REDACTED]');

function redactFile(file: string, needles: Buffer[]): boolean {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return false;
  }
  if (!needles.some((n) => bytes.includes(n))) return false;
  for (const needle of needles) bytes = replaceAll(bytes, needle);
  writeFileSync(file, bytes);
  return true;
}

function replaceAll(bytes: Buffer, needle: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, from)) {
    parts.push(bytes.subarray(from, at), REDACTED);
    from = at + needle.length;
  }
  if (from === 0) return bytes;
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts);
}
