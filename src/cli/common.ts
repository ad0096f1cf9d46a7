import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from 'commander';
import stringWidth from 'string-width';
import { indexExists, queryAll, RunDirectory, type RunResult, readIndex } from '../runs/index.js';
import { type Capability, DOCKER_DEFAULT_CAPABILITIES, ManifestError } from '../tasks/index.js';

/** Exit codes, documented in `--help` and the README. */
export const EXIT = {
  ok: 0,
  /** A run or suite completed but did not pass, or a check found a problem. */
  failed: 1,
  /** Bad input: a flag, a manifest, a missing file. */
  usage: 2,
  /** The environment or the harness broke (Docker, grader, crash). */
  error: 3,
  interrupted: 130,
} as const;

/** An error the user can fix; printed as one line without a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** The package root (where tasks/, suites/ and pricing/ ship). */
export function packageRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return here.includes(`${path.sep}build${path.sep}`)
    ? path.resolve(here, '../../..')
    : path.resolve(here, '../..');
}

export function defaultRunsDir(): string {
  return path.resolve(process.env.FACTORY_BENCH_RUNS_DIR ?? 'runs');
}

/** `tasks/` in the current folder when present, else the tasks shipped with the package. */
export function defaultTasksDir(): string {
  const local = path.resolve('tasks');
  return existsSync(local) ? local : path.join(packageRoot(), 'tasks');
}

/** Turns any thrown error into a message and exit code. */
export function describeError(err: unknown): { message: string; exitCode: number } {
  if (err instanceof ManifestError) return { message: err.message, exitCode: EXIT.usage };
  if (err instanceof UserError) return { message: err.message, exitCode: err.exitCode };
  const message = err instanceof Error ? err.message : String(err);
  return { message, exitCode: EXIT.error };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A fixed-width text table, padded by the width a terminal shows (wide
 * characters such as CJK and emoji take two columns, combining marks none).
 */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => stringWidth(r[i] ?? ''))));
  return cells
    .map((r) =>
      r
        .map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - stringWidth(c))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Progress and warnings go to stderr so that stdout stays parseable. */
export function info(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** A recorded run by id or unique id prefix, from runs.sqlite, with its result.json. */
export async function findRun(
  runsDir: string,
  runId: string,
): Promise<{ runId: string; runDir: string; result: RunResult }> {
  const dbPath = path.join(path.resolve(runsDir), 'runs.sqlite');
  if (!indexExists(dbPath))
    throw new UserError(`no runs index at ${dbPath}; run a task first or pass --runs-dir`);
  const rows = await readIndex(dbPath, (db) =>
    queryAll(
      db,
      'SELECT run_id, run_dir FROM runs WHERE run_id = ? OR run_id LIKE ? ORDER BY started_at DESC LIMIT 2',
      [runId, `${runId}%`],
    ),
  );
  const exact = rows.find((r) => r.run_id === runId);
  if (rows.length === 0) throw new UserError(`no run ${runId} in ${dbPath}`);
  if (!exact && rows.length > 1)
    throw new UserError(`${runId} matches more than one run; give more of the id`);
  const row = exact ?? rows[0];
  const id = String(row?.run_id);
  const runDir = String(row?.run_dir ?? path.join(path.resolve(runsDir), id));
  const result = new RunDirectory(path.dirname(runDir), path.basename(runDir)).readResult();
  if (!result) throw new UserError(`run ${id} is indexed but ${runDir}/result.json is missing`, EXIT.error);
  return { runId: id, runDir, result };
}

/**
 * `--capabilities CHOWN,SETUID` (or `none`): at most these capabilities for
 * any task, whatever it asks for (a Harbor folder asks for Docker's default set).
 */
export function parseCapabilities(value: string): Capability[] {
  const names = value
    .split(',')
    .map((v) => v.trim().toUpperCase().replace(/^CAP_/, ''))
    .filter(Boolean);
  if (names.length === 1 && names[0] === 'NONE') return [];
  const known = new Set<string>(DOCKER_DEFAULT_CAPABILITIES);
  const unknown = names.filter((n) => !known.has(n));
  if (names.length === 0 || unknown.length > 0)
    throw new InvalidArgumentError(
      `expected \`none\` or a comma-separated list of ${DOCKER_DEFAULT_CAPABILITIES.join(', ')}${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`,
    );
  return names as Capability[];
}

/** Help for `--capabilities`. */
export const CAPABILITIES_HELP =
  "at most these capabilities for any task (comma-separated, or `none`); default: what each task asks for (Harbor folders: Docker's default set)";
