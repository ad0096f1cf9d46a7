import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { ManifestProblem } from './problems.js';

/**
 * Task folders arrive in pull requests: a `workspace` that is a symlink to a
 * home folder, or a `solve.sh -> /etc/passwd`, would put host files into the
 * sandbox (or let the sandbox write into them). Every symlink in a task's
 * material, the material folders themselves included, must resolve inside
 * the task folder; anything else that is not a file, folder or link (a FIFO,
 * a socket, a device) is refused as well.
 */

/** One piece of task material: the manifest field that names it and its path. */
export interface Material {
  field: string;
  path: string;
}

function inside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + path.sep);
}

/** Where a link leads: its real path when the target exists, else the target as written, made absolute. */
function linkTarget(link: string): { written: string; resolved: string } {
  const written = readlinkSync(link);
  if (existsSync(link)) return { written, resolved: realpathSync(link) };
  // A dangling link: judged by where it points, so that a later file there changes nothing.
  const parent = realpathSync(path.dirname(link));
  return { written, resolved: path.resolve(parent, written) };
}

/**
 * Problems with links in the given material: each names the link (relative
 * to the task folder), where it leads, and the field that brought it in.
 * `root` is the folder links must stay in (the task folder, or a shared
 * image's build context for that context).
 */
export function linkProblems(
  file: string,
  root: string,
  material: Material[],
  rootName = 'the task folder',
): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return problems;
  }
  const show = (p: string) => path.relative(root, p) || '.';
  const seen = new Set<string>();

  const visit = (field: string, p: string): void => {
    const stat = lstatSync(p, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isSymbolicLink()) {
      const { written, resolved } = linkTarget(p);
      if (!inside(realRoot, resolved)) {
        problems.push({
          file,
          field,
          message: `link ${show(p)} -> ${written} resolves outside ${rootName} (to ${resolved}); refused`,
        });
        return;
      }
      // A link to a folder inside the task: what it leads to is material too (and is copied as a link).
      if (existsSync(p) && lstatSync(resolved).isDirectory() && !seen.has(resolved)) walk(field, resolved);
      return;
    }
    if (stat.isDirectory()) walk(field, p);
    else if (!stat.isFile())
      problems.push({
        file,
        field,
        message: `${show(p)} is not a regular file, folder or link (a FIFO, socket or device); refused`,
      });
  };

  const walk = (field: string, dir: string): void => {
    const real = realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    for (const name of readdirSync(dir).sort()) visit(field, path.join(dir, name));
  };

  for (const m of material) {
    // The named path itself and every folder on the way to it (`data/grader` where `data` is a link).
    const rel = path.relative(root, m.path);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    let at = root;
    let refused = false;
    for (const part of rel.split(path.sep).slice(0, -1)) {
      at = path.join(at, part);
      const stat = lstatSync(at, { throwIfNoEntry: false });
      if (stat?.isSymbolicLink() && !inside(realRoot, linkTarget(at).resolved)) {
        const { written, resolved } = linkTarget(at);
        problems.push({
          file,
          field: m.field,
          message: `link ${show(at)} -> ${written} resolves outside ${rootName} (to ${resolved}); refused`,
        });
        refused = true;
        break;
      }
    }
    if (!refused) visit(m.field, m.path);
  }
  return dedupe(problems);
}

function dedupe(problems: ManifestProblem[]): ManifestProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
