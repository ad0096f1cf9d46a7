import { z } from 'zod';

/** The small pieces the task manifest's schemas share. */

/** Ids of tasks, checks and services: plain lowercase names. */
export const idPattern = /^[a-z0-9][a-z0-9_-]*$/;
/** A shared image's name is also a folder name and part of an image tag: keep it plain and short. */
export const sharedImagePattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * The longest duration a manifest may give, in seconds (a day). Node's timers
 * hold at most 24.8 days, and a day is more than any CI job gets.
 */
export const MAX_DURATION_S = 86_400;

/** A duration in seconds: positive and at most a day. */
export function durationSchema() {
  return z.number().positive().max(MAX_DURATION_S, `at most ${MAX_DURATION_S} seconds (a day)`);
}

/**
 * Top-level folders of the image the workspace must not be mounted over, and
 * those it must not be mounted under at all (kernel views, the grader's files).
 */
const SYSTEM_DIRS = [
  '/bin',
  '/boot',
  '/etc',
  '/home',
  '/lib',
  '/lib64',
  '/opt',
  '/root',
  '/run',
  '/sbin',
  '/srv',
  '/tmp',
  '/usr',
  '/var',
];
const FORBIDDEN_TREES = ['/proc', '/sys', '/dev', '/opt/factory-bench'];

/** Why `workdir` cannot hold the workspace, or null when it can. */
export function workdirProblem(dir: string): string | null {
  if (!dir.startsWith('/')) return 'expected an absolute path such as /workspace';
  if (dir === '/')
    return 'the workspace cannot be mounted over the root folder; use a folder such as /workspace';
  if (
    dir
      .split('/')
      .slice(1)
      .some((part) => part === '' || part === '.' || part === '..')
  )
    return 'expected a plain absolute path (no `.`, `..`, `//` or trailing `/`)';
  if (SYSTEM_DIRS.includes(dir)) return `the workspace cannot be mounted over the system folder ${dir}`;
  const tree = FORBIDDEN_TREES.find((t) => dir === t || dir.startsWith(`${t}/`));
  if (tree) return `the workspace cannot be mounted under ${tree}`;
  return null;
}

/** A user inside the image: `image` (the image's USER, root when it has none), a name, or `uid[:gid]`. */
export const userSchema = z
  .string()
  .regex(/^(?:[a-z_][a-z0-9_-]*\$?|\d+(?::\d+)?)$/, 'a user name, `uid[:gid]`, or `image`');
