import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { type FieldMapping, HARBOR_MANIFEST, inspectHarborTask, isHarborFolder } from './harbor.js';
import { linkProblems } from './links.js';
import { ManifestError, type ManifestProblem, zodProblems } from './problems.js';
import { type TaskFile, type TaskManifest, taskFileSchema, taskManifestSchema } from './schema.js';
import { checkTaskFiles } from './task-files.js';

/**
 * The format a task folder is written in: our `task.yaml`, or Harbor's
 * (`task.toml`, Terminal-Bench 2). Both load into the same Task; only
 * reports and `describe` say which it was.
 */
export type TaskFormat = 'factory-bench' | 'harbor';

/** A validated task with every path resolved against its folder. */
export interface Task {
  dir: string;
  manifestPath: string;
  manifest: TaskManifest;
  format: TaskFormat;
  paths: {
    /** The folder seeded as the workspace; null when it starts empty. */
    workspace: string | null;
    solution: string;
    /** Docker build context for the agent's image: the task's own folder, or a shared image's (images/<name>/). */
    buildContext: string | null;
    fixtures: string | null;
  };
}

/** Reads and validates a YAML file against a schema, reporting every problem with its field path. */
export function readYamlManifest<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ManifestError([
      {
        file,
        field: '',
        message: `cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      },
    ]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  // Warnings (an unknown tag such as `!!python/object`) are refused too: a manifest means exactly what it says.
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0) {
    // The first one is the mistake; what follows it is mostly the parser losing its way.
    const first = yamlProblems.reduce((a, b) => (b.pos[0] < a.pos[0] ? b : a));
    const more = yamlProblems.length - 1;
    throw new ManifestError([
      {
        file,
        field: '',
        message: `${describeYamlError(first, lines)}${more > 0 ? ` (and ${more} more YAML error${more > 1 ? 's' : ''} after it)` : ''}`,
      },
    ]);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // yaml refuses alias expansion past the count (a "billion laughs" bomb) with a ReferenceError.
    throw new ManifestError([
      {
        file,
        field: '',
        message: `invalid YAML: ${(err as Error).message} (too many aliases expanded; write the values out)`,
      },
    ]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ManifestError(zodProblems(file, parsed.error.issues, raw));
  return parsed.data;
}

function describeYamlError(e: YAMLError, lines: LineCounter): string {
  const at = lines.linePos(e.pos[0]);
  const what = e.code === 'TAG_RESOLVE_FAILED' ? `${e.message} (YAML tags are not allowed)` : e.message;
  return `invalid YAML at line ${at.line}, column ${at.col}: ${what.split('\n')[0]}`;
}

/**
 * Loads `task.yaml` from a task folder (or the file itself), validates it and
 * checks that every path it names exists. Throws ManifestError listing all problems.
 */
export function loadTask(dirOrFile: string): Task {
  const { task, problems } = inspectTask(dirOrFile);
  if (!task || problems.length > 0) throw new ManifestError(problems);
  return task;
}

/** Like loadTask, but returns the problems instead of throwing (for `describe`). */
export function inspectTask(dirOrFile: string): {
  task: Task | null;
  problems: ManifestProblem[];
  /** For a Harbor folder: how each of its fields became the task's. */
  mapping?: FieldMapping[];
} {
  const resolved = path.resolve(dirOrFile);
  if (!existsSync(resolved)) {
    return {
      task: null,
      problems: [{ file: resolved, field: '', message: 'no such task folder or task.yaml' }],
    };
  }
  const isDir = statSync(resolved).isDirectory();
  if (isDir ? isHarborFolder(resolved) : path.basename(resolved) === HARBOR_MANIFEST)
    return inspectHarborTask(isDir ? resolved : path.dirname(resolved));
  const manifestPath = isDir ? path.join(resolved, 'task.yaml') : resolved;
  const dir = path.dirname(manifestPath);
  let written: TaskFile;
  try {
    written = readYamlManifest(manifestPath, taskFileSchema);
  } catch (err) {
    if (err instanceof ManifestError) return { task: null, problems: err.problems };
    throw err;
  }
  const { manifest, problems: instructionProblems } = readInstructions(manifestPath, dir, written);
  const { paths, problems } = checkTaskFiles(manifestPath, dir, manifest);
  return {
    task: { dir, manifestPath, manifest, format: 'factory-bench', paths },
    problems: [...instructionProblems, ...problems],
  };
}

/** The manifest with its instructions as text: inline, or read from `instructions_file` in the task folder. */
function readInstructions(
  file: string,
  dir: string,
  written: TaskFile,
): { manifest: TaskManifest; problems: ManifestProblem[] } {
  const { instructions_file: instructionsFile, instructions, ...rest } = written;
  if (instructionsFile === undefined)
    return { manifest: { ...rest, instructions: instructions ?? '' }, problems: [] };
  const field = 'instructions_file';
  const abs = path.resolve(dir, instructionsFile);
  const fail = (message: string) => ({
    manifest: { ...rest, instructions: '(unreadable)' },
    problems: [{ file, field, message }],
  });
  if (!abs.startsWith(dir + path.sep))
    return fail(`path ${JSON.stringify(instructionsFile)} leaves the task folder`);
  const links = linkProblems(file, dir, [{ field, path: abs }]);
  if (links.length > 0) return { manifest: { ...rest, instructions: '(unreadable)' }, problems: links };
  if (!existsSync(abs) || !statSync(abs).isFile())
    return fail(`file ${JSON.stringify(instructionsFile)} does not exist`);
  const text = readFileSync(abs, 'utf8').trim();
  if (text === '') return fail(`file ${JSON.stringify(instructionsFile)} is empty`);
  return { manifest: { ...rest, instructions: text }, problems: [] };
}

/**
 * The task as a run saw it: checks and environment from the run's
 * manifest.snapshot.yaml, files (fixtures, rubrics, expected outputs, build
 * context) from the task folder, with loadTask's checks of every path the
 * snapshot names. Throws ManifestError listing all problems.
 */
export function taskFromSnapshot(runDir: string, taskDir: string): Task {
  const manifestPath = path.join(runDir, 'manifest.snapshot.yaml');
  const manifest = readYamlManifest(manifestPath, taskManifestSchema);
  const dir = path.resolve(taskDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new ManifestError([{ file: dir, field: '', message: 'no such task folder' }]);
  const { paths, problems } = checkTaskFiles(manifestPath, dir, manifest, true);
  if (problems.length > 0) throw new ManifestError(problems);
  // The snapshot holds the task as loaded, whichever format it came in; the folder says which.
  const format: TaskFormat = isHarborFolder(dir) ? 'harbor' : 'factory-bench';
  return { dir, manifestPath, manifest, format, paths };
}
