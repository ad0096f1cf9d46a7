import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { create as packTar } from 'tar';
import type { Owner } from './transfer.js';

/**
 * Host files and folders as one small tar, named from the sandbox's root and
 * owned by `owner`, for a command in the sandbox to unpack (`tar -x -i -C /`):
 * one round trip through an open shell instead of a `docker cp` per entry.
 * Symlinks stay links. Null when the material is larger than `limitBytes` (a
 * `docker cp` streams it better) or a host name differs from its sandbox name.
 */
export async function packForSandbox(
  entries: ReadonlyArray<{ host: string; sandbox: string }>,
  owner: Owner,
  limitBytes: number,
): Promise<Buffer | null> {
  let total = 0;
  const sizeOf = (p: string): number => {
    const st = lstatSync(p);
    if (!st.isDirectory()) return st.size + 512;
    let n = 512;
    for (const name of readdirSync(p)) n += sizeOf(path.join(p, name));
    return n;
  };
  for (const e of entries) {
    total += sizeOf(e.host);
    if (total > limitBytes) return null;
  }
  const parts: Buffer[] = [];
  for (const e of entries) {
    const target = path.posix.normalize(e.sandbox).replace(/^\/+|\/+$/g, '');
    if (!target) return null;
    const isDir = lstatSync(e.host).isDirectory();
    if (!isDir && path.basename(e.host) !== path.posix.basename(target)) return null;
    const pack = packTar(
      {
        // A folder's own entry becomes `<target>/`; a file keeps its name under the target's folder.
        cwd: isDir ? e.host : path.dirname(e.host),
        prefix: isDir ? target : path.posix.dirname(target),
        portable: false,
        onWriteEntry: (entry) => {
          if (entry.stat) {
            entry.stat.uid = owner.uid;
            entry.stat.gid = owner.gid;
          }
        },
      },
      [isDir ? '.' : path.basename(e.host)],
    );
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(Buffer.from(chunk as Uint8Array));
    parts.push(Buffer.concat(chunks));
  }
  return Buffer.concat(parts);
}
