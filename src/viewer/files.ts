import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isSafeId } from '../report/index.js';

/** Files larger than this are not served (the run folder is on disk for those). */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

export type FileAnswer =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; data: Buffer; name: string }
  | { kind: 'listing'; entries: string[] }
  | { kind: 'refused'; status: 400 | 403 | 404 | 413; message: string };

/** True when `child` is `parent` or inside it. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * A file of a run folder, confined to that folder: the first segment must be
 * a run or suite run folder directly under the runs folder, and the path,
 * symbolic links resolved, must stay inside it. Nothing else is ever read.
 */
export function readRunFile(runsDir: string, relPath: string): FileAnswer {
  if (relPath.includes('\0')) return { kind: 'refused', status: 400, message: 'bad path' };
  const segments = relPath.split('/').filter((s) => s !== '');
  const [id, ...rest] = segments;
  if (!id || !isSafeId(id)) return { kind: 'refused', status: 404, message: 'no such run folder' };
  if (rest.some((s) => s === '..' || s === '.'))
    return { kind: 'refused', status: 403, message: 'paths may not climb out of a run folder' };
  const root = path.join(runsDir, id);
  if (!existsSync(root) || !statSync(root).isDirectory())
    return { kind: 'refused', status: 404, message: `no run folder ${id}` };
  const target = path.join(root, ...rest);
  if (!isInside(root, target)) return { kind: 'refused', status: 403, message: 'outside the run folder' };
  if (!existsSync(target)) return { kind: 'refused', status: 404, message: 'no such file' };
  // A symbolic link in a workspace may point anywhere (an agent wrote it): resolve and check again.
  const realRoot = realpathSync(root);
  const realTarget = realpathSync(target);
  if (!isInside(realRoot, realTarget))
    return { kind: 'refused', status: 403, message: 'the path leads outside the run folder' };
  const stat = statSync(realTarget);
  if (stat.isDirectory())
    return {
      kind: 'listing',
      entries: readdirSync(realTarget, { withFileTypes: true })
        .map((d) => (d.isDirectory() ? `${d.name}/` : d.name))
        .sort(),
    };
  if (!stat.isFile()) return { kind: 'refused', status: 403, message: 'not a regular file' };
  if (stat.size > MAX_FILE_BYTES)
    return { kind: 'refused', status: 413, message: `larger than ${MAX_FILE_BYTES >> 20} MiB` };
  const data = readFileSync(realTarget);
  if (data.subarray(0, 8192).includes(0)) return { kind: 'binary', data, name: path.basename(realTarget) };
  return { kind: 'text', text: data.toString('utf8') };
}
