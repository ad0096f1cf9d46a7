import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processAlive } from '../sandbox/index.js';

/**
 * Index writes are coalesced, so a row can wait in memory for a moment. Each
 * one leaves a marker in `<runs>/.index-pending/` until it is committed: a
 * process killed in between leaves its markers, and the next command indexes
 * what they point at (result.json, or a suite run's suite-run.json), the
 * files that are the truth.
 */
export const PENDING_DIR = '.index-pending';

export type PendingKind = 'run' | 'suite_run';

export interface PendingMarker {
  id: string;
  kind: PendingKind;
  /** The run folder, or the suite run's record file. */
  path: string;
  pid: number;
  host: string;
}

function markerFile(runsRoot: string, id: string): string {
  return path.join(runsRoot, PENDING_DIR, `${id}.json`);
}

export function markPending(runsRoot: string, marker: Omit<PendingMarker, 'pid' | 'host'>): void {
  const dir = path.join(runsRoot, PENDING_DIR);
  mkdirSync(dir, { recursive: true });
  const file = markerFile(runsRoot, marker.id);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...marker, pid: process.pid, host: os.hostname() }));
  renameSync(tmp, file);
}

export function clearPending(runsRoot: string, ids: Iterable<string>): void {
  for (const id of ids) {
    try {
      unlinkSync(markerFile(runsRoot, id));
    } catch {}
  }
}

/**
 * Markers no live process on this host will commit: left by a process that
 * died (or by one on another host sharing the folder; indexing twice from
 * the same file is harmless). This process's own markers are its writer's.
 */
export function orphanedMarkers(runsRoot: string): PendingMarker[] {
  let names: string[];
  try {
    names = readdirSync(path.join(runsRoot, PENDING_DIR));
  } catch {
    return [];
  }
  const out: PendingMarker[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      const m = JSON.parse(readFileSync(path.join(runsRoot, PENDING_DIR, name), 'utf8')) as PendingMarker;
      if (m.host === os.hostname() && (m.pid === process.pid || processAlive(m.pid))) continue;
      out.push(m);
    } catch {
      // Being written or removed right now.
    }
  }
  return out;
}
