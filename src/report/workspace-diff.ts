import {
  closeSync,
  existsSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
} from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { FileChange } from './types.js';

/** Folders that only hold tool state or caches: listing their churn would hide the agent's changes. */
const IGNORED_DIRS = new Set(['.git', '__pycache__', '.pytest_cache', 'node_modules', '.mypy_cache']);
/** Files larger than this are listed as changed, not diffed. */
const MAX_DIFF_BYTES = 512 * 1024;
/** A diff that needs more edits than this is given up (jsdiff is O(N·D)). */
const MAX_EDIT_LENGTH = 20_000;
/** What a run's page may spend on patches; later files are listed without one. */
const MAX_TOTAL_PATCH_CHARS = 2_000_000;
const MAX_FILES = 400;

interface Entry {
  size: number;
  link: string | null;
}

function walk(root: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  if (!existsSync(root)) return out;
  const visit = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(full);
      if (stat.isDirectory()) {
        if (!IGNORED_DIRS.has(name)) visit(full, r);
      } else if (stat.isSymbolicLink()) {
        // Never followed: a link can point anywhere on the machine.
        out.set(r, { size: 0, link: readlinkSync(full) });
      } else if (stat.isFile()) out.set(r, { size: stat.size, link: null });
    }
  };
  visit(root, '');
  return out;
}

/** Byte equality of two files of the same size, a chunk at a time (workspaces can hold large datasets). */
function sameBytes(a: string, b: string): boolean {
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
  try {
    const ba = Buffer.alloc(1 << 20);
    const bb = Buffer.alloc(1 << 20);
    for (;;) {
      const na = readSync(fa, ba, 0, ba.length, null);
      const nb = readSync(fb, bb, 0, bb.length, null);
      if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
      if (na === 0) return true;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

function readText(root: string, rel: string, entry: Entry | undefined): { text: string | null; buf: Buffer } {
  if (!entry) return { text: '', buf: Buffer.alloc(0) };
  if (entry.link !== null) {
    const text = `symbolic link to ${entry.link}\n`;
    return { text, buf: Buffer.from(text) };
  }
  const buf = readFileSync(path.join(root, rel));
  return { text: isBinary(buf) ? null : buf.toString('utf8'), buf };
}

function kb(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`;
}

function countLines(patch: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of patch.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++')) added++;
    else if (line.startsWith('-') && !line.startsWith('---')) removed++;
  }
  return { added, removed };
}

/**
 * The agent's changes: every file that differs between the seeded workspace
 * and the final one, with a unified diff where one is useful (text, not too
 * large). Symbolic links are described, never followed.
 */
export function diffWorkspaces(
  seedDir: string,
  finalDir: string,
): { files: FileChange[]; unchanged: number; note: string | null } {
  if (!existsSync(finalDir))
    return { files: [], unchanged: 0, note: 'no workspace_final/: the run ended before the agent worked' };
  const before = walk(seedDir);
  const after = walk(finalDir);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const files: FileChange[] = [];
  let unchanged = 0;
  let budget = MAX_TOTAL_PATCH_CHARS;
  let omitted = 0;
  for (const rel of paths) {
    const a = before.get(rel);
    const b = after.get(rel);
    const change: FileChange['change'] = !a ? 'added' : !b ? 'removed' : 'modified';
    if (a && b && a.size === b.size && a.link === b.link) {
      if (a.link !== null || sameBytes(path.join(seedDir, rel), path.join(finalDir, rel))) {
        unchanged++;
        continue;
      }
    }
    if (files.length >= MAX_FILES) {
      omitted++;
      continue;
    }
    const base: FileChange = { path: rel, change, patch: null, note: null, added: 0, removed: 0 };
    if ((a?.size ?? 0) > MAX_DIFF_BYTES || (b?.size ?? 0) > MAX_DIFF_BYTES) {
      files.push({ ...base, note: `too large to show (${kb(a?.size ?? 0)} → ${kb(b?.size ?? 0)})` });
      continue;
    }
    const old = readText(seedDir, rel, a);
    const now = readText(finalDir, rel, b);
    if (old.text === null || now.text === null) {
      files.push({ ...base, note: `binary file (${kb(old.buf.length)} → ${kb(now.buf.length)})` });
      continue;
    }
    if (budget <= 0) {
      files.push({ ...base, note: 'not shown: the page already holds as much diff as it can' });
      continue;
    }
    const patch = createTwoFilesPatch(
      change === 'added' ? '/dev/null' : `a/${rel}`,
      change === 'removed' ? '/dev/null' : `b/${rel}`,
      old.text,
      now.text,
      undefined,
      undefined,
      { context: 3, maxEditLength: MAX_EDIT_LENGTH },
    );
    if (patch === undefined) {
      files.push({ ...base, note: 'too many changes to diff line by line' });
      continue;
    }
    // The first two lines repeat the file names the page already shows.
    const body = patch.split('\n').slice(2).join('\n');
    budget -= body.length;
    files.push({ ...base, patch: body, ...countLines(body) });
  }
  const notes: string[] = [];
  if (!existsSync(seedDir)) notes.push('no seeded workspace/ to compare with: every file is listed as added');
  if (omitted > 0) notes.push(`${omitted} more changed files are not listed`);
  return { files, unchanged, note: notes.length ? notes.join('; ') : null };
}
