import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { AGENT_MANIFEST, type AgentSpec, BUILTIN_AGENT, loadAgent } from '../agents/index.js';
import {
  formatProblem,
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
  defaults: { model: string | null; agent: AgentSpec; concurrency: number; epochs: number };
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
    const dirs = resolveTaskPattern(pattern, bases);
    if (dirs.length === 0) {
      problems.push({
        file: suiteFile,
        field,
        message: `no task folder (with a task.yaml) matches ${JSON.stringify(pattern)}; looked in ${bases.join(' and ')}`,
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

/** Task folders a path or glob names, from the first base folder where it matches anything. */
export function resolveTaskPattern(pattern: string, bases: string[]): string[] {
  const isGlob = /[*?[]/.test(pattern);
  for (const base of path.isAbsolute(pattern) ? [''] : bases) {
    if (!isGlob) {
      const abs = path.resolve(base, pattern);
      const dir = abs.endsWith('.yaml') || abs.endsWith('.yml') ? path.dirname(abs) : abs;
      if (existsSync(path.join(dir, 'task.yaml'))) return [dir];
      // A folder without task.yaml may still be the intended one: let loadTask say what is missing.
      if (existsSync(abs) && statSync(abs).isDirectory()) return [abs];
      continue;
    }
    const full = path.isAbsolute(pattern) ? pattern : path.join(base, pattern);
    const root = globRoot(full);
    const re = globToRegExp(full.replace(/\/task\.ya?ml$/, ''));
    const found = taskDirsUnder(root, 8).filter((d) => re.test(d));
    if (found.length > 0) return found.sort();
  }
  return [];
}

/** The longest leading path of a glob without wildcards. */
function globRoot(glob: string): string {
  const parts = glob.split('/');
  const fixed: string[] = [];
  for (const p of parts) {
    if (/[*?[]/.test(p)) break;
    fixed.push(p);
  }
  return fixed.join('/') || '/';
}

/** `*` and `?` stay within one path segment; `**` crosses segments. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}/?$`);
}

function taskDirsUnder(root: string, depth: number): string[] {
  if (depth < 0 || !existsSync(root) || !statSync(root).isDirectory()) return [];
  const out: string[] = [];
  if (existsSync(path.join(root, 'task.yaml'))) out.push(root);
  for (const e of readdirSync(root, { withFileTypes: true })) {
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
