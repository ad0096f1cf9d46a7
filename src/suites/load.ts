import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { AGENT_MANIFEST, type AgentSpec, BUILTIN_AGENT, loadAgent } from '../agents/index.js';
import {
  type Capability,
  formatProblem,
  isTaskFolder,
  loadTask,
  ManifestError,
  type ManifestProblem,
  readYamlManifest,
  type Task,
} from '../tasks/index.js';
import { type BudgetOverride, type SuiteManifest, suiteManifestSchema } from './schema.js';

/** One task of a loaded suite, with its overrides resolved. */
export interface SuiteTask {
  id: string;
  task: Task;
  /** The per-task epochs override, when the suite sets one (it wins over the run's epochs). */
  epochs?: number | undefined;
  /** The suite's default budget merged with the per-task one; fields not set keep the task's value. */
  budget: BudgetOverride;
  /** The manifest entry this task came from, such as `tasks/*`. */
  source: string;
}

/** A validated suite with every task loaded. */
export interface Suite {
  id: string;
  title: string;
  description: string | null;
  file: string;
  manifest: SuiteManifest;
  defaults: {
    model: string | null;
    agent: AgentSpec;
    concurrency: number;
    epochs: number;
    /** At most these capabilities for any task; null: what each task asks for. */
    capabilities: Capability[] | null;
  };
  tasks: SuiteTask[];
}

const SKIPPED_DIRS = new Set(['node_modules', '.git', 'runs', 'dist', 'build']);

/**
 * Loads and validates a suite manifest and every task it names. Throws
 * ManifestError listing all problems (the suite's and its tasks').
 */
export function loadSuite(file: string): Suite {
  const suiteFile = path.resolve(file);
  if (existsSync(suiteFile) && statSync(suiteFile).isDirectory())
    throw new ManifestError([
      { file: suiteFile, field: '', message: 'expected a suite file (.yaml), got a folder' },
    ]);
  const manifest = readYamlManifest(suiteFile, suiteManifestSchema);
  const bases = [...new Set([path.dirname(suiteFile), repoRootOf(path.dirname(suiteFile))])];
  const problems: ManifestProblem[] = [];
  const tasks: SuiteTask[] = [];
  const seen = new Map<string, string>();
  manifest.tasks.forEach((entry, i) => {
    const field = `tasks.${i}`;
    const pattern = typeof entry === 'string' ? entry : entry.path;
    const refused = globProblem(pattern);
    if (refused) {
      problems.push({
        file: suiteFile,
        field: typeof entry === 'string' ? field : `${field}.path`,
        message: refused,
      });
      return;
    }
    const dirs = resolveTaskPattern(pattern, bases);
    if (dirs.length === 0) {
      problems.push({
        file: suiteFile,
        field,
        message: `no task folder (with a task.yaml or task.toml) matches ${JSON.stringify(pattern)}; looked in ${bases.join(' and ')}`,
      });
      return;
    }
    for (const dir of dirs) {
      let task: Task;
      try {
        task = loadTask(dir);
      } catch (err) {
        if (err instanceof ManifestError) {
          // Named from the suite's side too: which file and which entry brought the broken task in.
          for (const p of err.problems)
            problems.push({
              file: suiteFile,
              field,
              message: `${JSON.stringify(pattern)}: ${formatProblem(p)}`,
            });
          continue;
        }
        throw err;
      }
      const id = task.manifest.id;
      const previous = seen.get(id);
      if (previous !== undefined) {
        problems.push({
          file: suiteFile,
          field,
          message: `task ${JSON.stringify(id)} is already in the suite (from ${previous})`,
        });
        continue;
      }
      seen.set(id, field);
      tasks.push({
        id,
        task,
        epochs: typeof entry === 'string' ? undefined : entry.epochs,
        budget: { ...manifest.defaults.budget, ...(typeof entry === 'string' ? {} : entry.budget) },
        source: pattern,
      });
    }
  });
  let agent: AgentSpec = BUILTIN_AGENT;
  if (manifest.defaults.agent) {
    try {
      agent = loadAgent(manifest.defaults.agent, bases);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      // A bad agent.yaml names its own file and field; a missing folder is this suite's field.
      for (const p of err.problems)
        problems.push(
          p.field === '' && !p.file.endsWith(AGENT_MANIFEST)
            ? { file: suiteFile, field: 'defaults.agent', message: `${p.message} (${p.file})` }
            : p,
        );
    }
  }
  if (problems.length > 0) throw new ManifestError(problems);
  return {
    id: manifest.id,
    title: manifest.title ?? manifest.id,
    description: manifest.description ?? null,
    file: suiteFile,
    manifest,
    defaults: {
      model: manifest.defaults.model ?? null,
      agent,
      concurrency: manifest.defaults.concurrency ?? 1,
      epochs: manifest.defaults.epochs ?? 1,
      capabilities: manifest.defaults.capabilities ?? null,
    },
    tasks,
  };
}

/** The nearest folder at or above `dir` holding a tasks/ folder, a package.json or .git; else the current folder. */
export function repoRootOf(dir: string): string {
  let d = path.resolve(dir);
  for (;;) {
    if (['tasks', 'package.json', '.git'].some((marker) => existsSync(path.join(d, marker)))) return d;
    const up = path.dirname(d);
    if (up === d) return process.cwd();
    d = up;
  }
}

/** A task entry's glob, split where picomatch finds its first wildcard (braces and classes count). */
function scanGlob(pattern: string): { isGlob: boolean; fixed: string; pattern: string; negated: boolean } {
  const scan = picomatch.scan(pattern);
  // `./tasks/*` and `tasks/*` name the same folders; the matcher sees paths without the `./`.
  const relative = scan.prefix === './' ? pattern.slice(2) : pattern;
  return { isGlob: scan.isGlob, fixed: scan.base, pattern: relative, negated: scan.negated };
}

/**
 * Why a task entry's glob cannot be used, or null. A glob is walked on disk,
 * so it must stay under the folder it is resolved against (the suite's
 * folder, or its repository): not absolute (a glob from / would walk the
 * whole disk), without `..`, and not negated.
 */
export function globProblem(pattern: string): string | null {
  const glob = scanGlob(pattern);
  if (glob.negated) return `${JSON.stringify(pattern)}: a negated glob names no task folder`;
  if (!glob.isGlob) return null;
  if (path.isAbsolute(pattern) || pattern.split(/[/\\]/).includes('..'))
    return `${JSON.stringify(pattern)}: a glob must stay under the suite's folder (or its repository): give it relative to them, without ".."`;
  return null;
}

/** Task folders a path or glob names, from the first base folder where it matches anything. */
export function resolveTaskPattern(pattern: string, bases: string[]): string[] {
  const glob = scanGlob(pattern);
  if (glob.isGlob && globProblem(pattern)) return [];
  for (const base of path.isAbsolute(pattern) ? [''] : bases) {
    if (!glob.isGlob) {
      const abs = path.resolve(base, pattern);
      const dir = /\.(ya?ml|toml)$/.test(abs) ? path.dirname(abs) : abs;
      if (isTaskFolder(dir)) return [dir];
      // A folder without task.yaml may still be the intended one: let loadTask say what is missing.
      if (existsSync(abs) && statSync(abs).isDirectory()) return [abs];
      continue;
    }
    // Walked from the glob's fixed leading folders, which are under `base` (globProblem refused the rest).
    const matches = picomatch(glob.pattern.replace(/\/task\.(ya?ml|toml)$/, ''));
    const found = taskDirsUnder(path.join(base, glob.fixed), 8).filter((d) =>
      matches(path.relative(base, d).split(path.sep).join('/')),
    );
    if (found.length > 0) return found.sort();
  }
  return [];
}

function taskDirsUnder(root: string, depth: number): string[] {
  if (depth < 0 || !existsSync(root) || !statSync(root).isDirectory()) return [];
  const out: string[] = [];
  if (isTaskFolder(root)) out.push(root);
  let entries: Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    // A folder this user cannot read holds no task it could run.
    return out;
  }
  for (const e of entries) {
    if (e.isDirectory() && !SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.'))
      out.push(...taskDirsUnder(path.join(root, e.name), depth - 1));
  }
  return out;
}

/** Suite files (`*.yaml`, `*.yml`) directly in a folder, sorted. */
export function discoverSuiteFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(dir, f))
    .sort();
}
