import { copyFileSync, existsSync, lstatSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { slug } from '../runs/index.js';
import type { GithubContext } from './github-context.js';
import type { Shard } from './inputs.js';

/**
 * Run directories go to the workflow run as an artifact. Names are unique per
 * suite, workflow run, attempt and shard: a name reused within a workflow run
 * fails with 409, and a re-run attempt still sees the first attempt's artifacts.
 */
export function artifactBaseName(name: string, suiteId: string, ctx: GithubContext): string {
  return `${name}-${slug(suiteId)}-${ctx.runId}`;
}

export function artifactName(name: string, suiteId: string, ctx: GithubContext, shard: Shard | null): string {
  const base = `${artifactBaseName(name, suiteId, ctx)}-${ctx.runAttempt}`;
  return shard ? `${base}-shard-${shard.index}of${shard.total}` : base;
}

/** Every regular file under the given folders (the artifact client takes files, not folders). */
export function listFiles(dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      const stat = lstatSync(file);
      if (stat.isDirectory()) walk(file);
      // Lock and temporary files are in flight, symlinks may point anywhere.
      else if (stat.isFile() && !/\.(lock|tmp)$/.test(name)) out.push(file);
    }
  };
  for (const dir of dirs) if (existsSync(dir)) walk(dir);
  return out;
}

export interface UploadedArtifact {
  name: string;
  id: number | null;
  files: number;
}

export async function uploadRunDirectories(opts: {
  name: string;
  runsRoot: string;
  dirs: string[];
  retentionDays: number | null;
}): Promise<UploadedArtifact> {
  const files = listFiles(opts.dirs);
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const r = await client.uploadArtifact(opts.name, files, opts.runsRoot, {
    ...(opts.retentionDays ? { retentionDays: opts.retentionDays } : {}),
  });
  return { name: opts.name, id: r.id ?? null, files: files.length };
}

/** A report larger than this stays in the zipped artifact only: a browser would choke on it. */
export const MAX_SINGLE_FILE_REPORT_BYTES = 50 * 1024 * 1024;

/** The name of the single-file report artifact: unique like the run folders' (skipArchive names it after the file). */
export function reportArtifactName(runArtifactName: string): string {
  return `${runArtifactName}-report.html`;
}

/**
 * Uploads report.html on its own, uncompressed (`skipArchive`), so that GitHub
 * can open it in the browser from the artifact's link. Null when it is too large.
 */
export async function uploadReportFile(opts: {
  runArtifactName: string;
  reportFile: string;
  tempDir: string;
  retentionDays: number | null;
}): Promise<UploadedArtifact | null> {
  if (statSync(opts.reportFile).size > MAX_SINGLE_FILE_REPORT_BYTES) return null;
  const name = reportArtifactName(opts.runArtifactName);
  const dir = mkdtempSync(path.join(opts.tempDir, 'factory-bench-report-'));
  const file = path.join(dir, name);
  copyFileSync(opts.reportFile, file);
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const r = await new DefaultArtifactClient().uploadArtifact(name, [file], dir, {
    skipArchive: true,
    ...(opts.retentionDays ? { retentionDays: opts.retentionDays } : {}),
  });
  return { name, id: r.id ?? null, files: 1 };
}

export interface ShardArtifact {
  shard: Shard;
  name: string;
  id: number;
  attempt: number;
}

const SHARD_NAME = /^(.*)-(\d+)-shard-(\d+)of(\d+)$/;

/**
 * The shard artifacts of this suite in this workflow run: for each shard the
 * newest attempt (a re-run of one failed shard leaves the others' first attempt).
 */
export function pickShardArtifacts(
  artifacts: Array<{ name: string; id: number }>,
  baseName: string,
): ShardArtifact[] {
  const best = new Map<number, ShardArtifact>();
  for (const a of artifacts) {
    const m = SHARD_NAME.exec(a.name);
    if (!m || m[1] !== baseName) continue;
    const entry: ShardArtifact = {
      name: a.name,
      id: a.id,
      attempt: Number(m[2]),
      shard: { index: Number(m[3]), total: Number(m[4]) },
    };
    const prev = best.get(entry.shard.index);
    if (!prev || entry.attempt > prev.attempt) best.set(entry.shard.index, entry);
  }
  return [...best.values()].sort((a, b) => a.shard.index - b.shard.index);
}

/** Downloads every shard's artifact of this suite into `into/shard-<i>/`; fails when a shard is missing. */
export async function downloadShardArtifacts(
  baseName: string,
  into: string,
): Promise<Array<ShardArtifact & { dir: string }>> {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const { artifacts } = await client.listArtifacts();
  const picked = pickShardArtifacts(artifacts, baseName);
  if (picked.length === 0)
    throw new Error(
      `no shard artifacts named ${baseName}-<attempt>-shard-<i>of<n> in this workflow run; run the shards (shard: i/n) before the merge job`,
    );
  const total = picked[0]?.shard.total ?? 0;
  const missing: number[] = [];
  for (let i = 1; i <= total; i++)
    if (!picked.some((p) => p.shard.index === i && p.shard.total === total)) missing.push(i);
  if (missing.length > 0 || picked.some((p) => p.shard.total !== total))
    throw new Error(
      `shard artifacts of ${baseName} are incomplete: missing shard ${missing.join(', ') || '(mixed shard counts)'} of ${total}`,
    );
  const out: Array<ShardArtifact & { dir: string }> = [];
  for (const p of picked) {
    const dir = path.join(into, `shard-${p.shard.index}`);
    await client.downloadArtifact(p.id, { path: dir });
    out.push({ ...p, dir });
  }
  return out;
}
