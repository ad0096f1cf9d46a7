import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { linkProblems, type Material } from './links.js';
import type { Task } from './load.js';
import type { ManifestProblem } from './problems.js';
import type { TaskManifest } from './schema.js';
import { resolveSharedImage } from './shared-images.js';

/**
 * Checks that every path a manifest names exists in the task folder `dir`
 * and stays inside it, and resolves them. `file` is where the manifest was
 * read (problems name it); `nameFolder` makes the messages name `dir`, for a
 * manifest that does not sit in it (a run's snapshot).
 */
export function checkTaskFiles(
  file: string,
  dir: string,
  manifest: TaskManifest,
  nameFolder = false,
): { paths: Task['paths']; problems: ManifestProblem[] } {
  const problems: ManifestProblem[] = [];
  const folder = nameFolder ? ` ${dir}` : '';
  const inFolder = nameFolder ? ` in the task folder ${dir}` : '';
  const material: Material[] = [];
  const within = (field: string, rel: string, kind: 'dir' | 'file'): string => {
    const abs = path.resolve(dir, rel);
    if (!abs.startsWith(dir + path.sep) && abs !== dir) {
      problems.push({ file, field, message: `path ${JSON.stringify(rel)} leaves the task folder${folder}` });
      return abs;
    }
    material.push({ field, path: abs });
    if (!existsSync(abs)) {
      problems.push({
        file,
        field,
        message: `${kind === 'dir' ? 'folder' : 'file'} ${JSON.stringify(rel)} does not exist${inFolder}`,
      });
    } else if (kind === 'dir' ? !statSync(abs).isDirectory() : !statSync(abs).isFile()) {
      problems.push({
        file,
        field,
        message: `${JSON.stringify(rel)} is not a ${kind === 'dir' ? 'folder' : 'file'}${inFolder}`,
      });
    }
    return abs;
  };

  const workspace = manifest.workspace === null ? null : within('workspace', manifest.workspace, 'dir');
  const solution = within('solution', manifest.solution, 'dir');
  if (existsSync(solution)) within('solution', path.join(manifest.solution, 'solve.sh'), 'file');
  const buildContext = manifest.environment.dockerfile
    ? within('environment.dockerfile', manifest.environment.dockerfile, 'dir')
    : null;
  if (buildContext && existsSync(buildContext))
    within('environment.dockerfile', path.join(manifest.environment.dockerfile ?? '', 'Dockerfile'), 'file');
  let sharedContext: string | null = null;
  if (manifest.environment.shared_image) {
    const found = resolveSharedImage(dir, manifest.environment.shared_image);
    if (found.ok) sharedContext = found.context;
    else problems.push({ file, field: 'environment.shared_image', message: found.message });
  }
  for (const [name, service] of Object.entries(manifest.environment.services)) {
    if (service.build) within(`environment.services.${name}.build`, service.build, 'dir');
  }
  const fixtures = manifest.grader.fixtures
    ? within('grader.fixtures', manifest.grader.fixtures, 'dir')
    : null;
  manifest.grader.checks.forEach((check, i) => {
    if (check.type === 'reference_output') within(`grader.checks.${i}.expected`, check.expected, 'file');
    if (check.type === 'llm_rubric') within(`grader.checks.${i}.rubric`, check.rubric, 'file');
    if (check.type === 'sql_check' && !(check.service in manifest.environment.services)) {
      problems.push({
        file,
        field: `grader.checks.${i}.service`,
        message: `no service ${JSON.stringify(check.service)} in environment.services`,
      });
    }
  });
  // Links in any of it that lead out of the task folder (a shared image's context: out of that context).
  problems.push(...linkProblems(file, dir, material));
  if (sharedContext)
    problems.push(
      ...linkProblems(
        file,
        sharedContext,
        [{ field: 'environment.shared_image', path: sharedContext }],
        `the shared image's folder ${sharedContext}`,
      ),
    );
  return {
    paths: { workspace, solution, buildContext: buildContext ?? sharedContext, fixtures },
    problems,
  };
}
