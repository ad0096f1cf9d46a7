import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Task } from './load.js';

/**
 * What `describe` should say about a sound task that may still surprise its
 * author or a reader of its results: settings that change what is measured,
 * and files the image puts where the workspace goes.
 */
export function taskWarnings(task: Task): string[] {
  const { environment, grader } = task.manifest;
  const out: string[] = [];
  if (environment.network.internet)
    out.push("the agent's container reaches the open internet (the task asks for it); every report says so");
  if (environment.capabilities.length > 0)
    out.push(
      `the agent's container gets back ${environment.capabilities.length} capabilit${environment.capabilities.length === 1 ? 'y' : 'ies'}: ${environment.capabilities.join(', ')} (narrow them with --capabilities or a suite's defaults.capabilities)`,
    );
  if (environment.resources.storage_mb !== undefined)
    out.push(
      `resources.storage_mb ${environment.resources.storage_mb} is recorded, not enforced (Docker cannot limit a container's disk on overlay2 over ext4)`,
    );
  if (grader.keep_processes)
    out.push(
      'what the agent leaves running is kept while it is graded; a re-grade (`grade`) starts a fresh container, which has none of it',
    );
  out.push(...imageFileClashes(task));
  return out;
}

/**
 * Dockerfile instructions that put files in the working directory: COPY and
 * ADD into it, and RUN lines naming it. The workspace is copied in over
 * them, so a workspace file with the same path replaces the image's.
 */
export function imageFileClashes(task: Task): string[] {
  const context = task.paths.buildContext;
  if (!context) return [];
  const dockerfile = path.join(context, 'Dockerfile');
  if (!existsSync(dockerfile)) return [];
  const workdir = task.manifest.environment.workdir;
  const writers = dockerfileWritersInto(readFileSync(dockerfile, 'utf8'), workdir);
  if (writers.length === 0) return [];
  const seeded =
    task.paths.workspace && existsSync(task.paths.workspace) ? readdirSync(task.paths.workspace) : [];
  const shown =
    writers.slice(0, 3).join('; ') + (writers.length > 3 ? `; and ${writers.length - 3} more` : '');
  return seeded.length === 0
    ? []
    : [
        `the image puts files in ${workdir} (${shown}) and the workspace has ${seeded.length} entr${seeded.length === 1 ? 'y' : 'ies'} (${seeded.slice(0, 5).join(', ')}${seeded.length > 5 ? ', ...' : ''}) copied in over them: a workspace file at the same path replaces the image's`,
      ];
}

/** The Dockerfile lines (of its last stage) that write into `workdir`. */
export function dockerfileWritersInto(text: string, workdir: string): string[] {
  const inside = (p: string) => p === workdir || p.startsWith(`${workdir}/`);
  let current = '/';
  let found: string[] = [];
  for (const raw of text.replace(/\\\r?\n/g, ' ').split('\n')) {
    const line = raw.trim();
    const [word = '', ...rest] = line.split(/\s+/);
    const keyword = word.toUpperCase();
    if (keyword === 'FROM') {
      current = '/';
      found = [];
    } else if (keyword === 'WORKDIR' && rest[0]) {
      current = path.posix.resolve(current, rest.join(' ').replace(/^["']|["']$/g, ''));
    } else if (keyword === 'COPY' || keyword === 'ADD') {
      const args = rest.filter((a) => !a.startsWith('--'));
      const dest = args.at(-1);
      if (dest && args.length >= 2 && inside(path.posix.resolve(current, dest.replace(/^["']|["']$/g, ''))))
        found.push(line.length > 80 ? `${line.slice(0, 80)}...` : line);
    } else if (
      keyword === 'RUN' &&
      (line.includes(`${workdir}/`) || (inside(current) && />\s*[\w.]/.test(line)))
    ) {
      found.push(line.length > 80 ? `${line.slice(0, 80)}...` : line);
    }
  }
  return found;
}
