import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { linkProblems, type Material } from './links.js';
import { type TaskManifest, taskManifestSchema } from './schema.js';
import { resolveSharedImage } from './shared-images.js';

/** One thing wrong with a manifest: where, and what was expected. */
export interface ManifestProblem {
  file: string;
  /** Dotted field path such as `grader.checks.0.type`; empty for the whole file. */
  field: string;
  message: string;
}

/** A manifest (task or suite) that cannot be used. The message is one line per problem. */
export class ManifestError extends Error {
  constructor(readonly problems: ManifestProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ManifestError';
  }
}

export function formatProblem(p: ManifestProblem): string {
  return p.field ? `${p.file}: ${p.field}: ${p.message}` : `${p.file}: ${p.message}`;
}

/** A validated task with every path resolved against its folder. */
export interface Task {
  dir: string;
  manifestPath: string;
  manifest: TaskManifest;
  paths: {
    workspace: string;
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
  if (!parsed.success) {
    throw new ManifestError(
      parsed.error.issues.map((issue) => ({
        file,
        field: issue.path.join('.'),
        message: describeIssue(issue, valueAt(raw, issue.path)),
      })),
    );
  }
  return parsed.data;
}

function describeYamlError(e: YAMLError, lines: LineCounter): string {
  const at = lines.linePos(e.pos[0]);
  const what = e.code === 'TAG_RESOLVE_FAILED' ? `${e.message} (YAML tags are not allowed)` : e.message;
  return `invalid YAML at line ${at.line}, column ${at.col}: ${what.split('\n')[0]}`;
}

function valueAt(data: unknown, keys: PropertyKey[]): unknown {
  let v = data;
  for (const k of keys)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `required field is missing (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${typeName(value)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`;
    case 'too_big':
    case 'too_small':
      return `${issue.message}, got ${JSON.stringify(value)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${k}\``).join(', ')}`;
    case 'invalid_union':
      if ('options' in issue && Array.isArray(issue.options) && issue.options.length > 0) {
        const options = issue.options.map((o) => JSON.stringify(o)).join(', ');
        return value === undefined
          ? `required field is missing (expected one of ${options})`
          : `unknown value ${JSON.stringify(value)}; expected one of ${options}`;
      }
      return issue.message;
    default:
      return issue.message;
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
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
export function inspectTask(dirOrFile: string): { task: Task | null; problems: ManifestProblem[] } {
  const resolved = path.resolve(dirOrFile);
  if (!existsSync(resolved)) {
    return {
      task: null,
      problems: [{ file: resolved, field: '', message: 'no such task folder or task.yaml' }],
    };
  }
  const manifestPath =
    existsSync(resolved) && statSync(resolved).isDirectory() ? path.join(resolved, 'task.yaml') : resolved;
  const dir = path.dirname(manifestPath);
  let manifest: TaskManifest;
  try {
    manifest = readYamlManifest(manifestPath, taskManifestSchema);
  } catch (err) {
    if (err instanceof ManifestError) return { task: null, problems: err.problems };
    throw err;
  }
  const { paths, problems } = checkTaskFiles(manifestPath, dir, manifest);
  return { task: { dir, manifestPath, manifest, paths }, problems };
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
  return { dir, manifestPath, manifest, paths };
}

/**
 * Checks that every path a manifest names exists in the task folder `dir`
 * and stays inside it, and resolves them. `file` is where the manifest was
 * read (problems name it); `nameFolder` makes the messages name `dir`, for a
 * manifest that does not sit in it (a run's snapshot).
 */
function checkTaskFiles(
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

  const workspace = within('workspace', 'workspace', 'dir');
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
