import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grade } from '../../src/judges/index.js';
import type { ExecRequest, ExecResult } from '../../src/sandbox/index.js';
import { ensureImage, runLabels, SANDBOX_PATHS, shellQuote } from '../../src/sandbox/index.js';
import { HAS_DOCKER, labelArgs, leftoversFor } from '../helpers/docker.js';
import { FakeSandbox } from '../helpers/judge-fakes.js';
import { makeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

/** Routes every exec (the sql_check's `service: db` included) to one real Postgres container. */
class PostgresSandbox extends FakeSandbox {
  constructor(private readonly container: string) {
    super();
  }
  override async exec(req: ExecRequest): Promise<ExecResult> {
    this.execs.push(req);
    const argv = typeof req.cmd === 'string' ? ['bash', '-c', req.cmd] : req.cmd;
    try {
      const r = await run('docker', ['exec', this.container, ...argv], { timeout: 60_000 });
      return {
        exitCode: 0,
        stdout: r.stdout,
        stderr: r.stderr,
        timedOut: false,
        truncatedBytes: { stdout: 0, stderr: 0 },
        durationMs: 0,
      };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return {
        exitCode: typeof e.code === 'number' ? e.code : 1,
        stdout: e.stdout ?? '',
        stderr: e.stderr ?? '',
        timedOut: false,
        truncatedBytes: { stdout: 0, stderr: 0 },
        durationMs: 0,
      };
    }
  }
}

const SETUP = `
CREATE DATABASE shop;
\\c shop
CREATE TABLE orders (id int PRIMARY KEY, customer text, total numeric(10,2), paid boolean, note text);
INSERT INTO orders VALUES
  (1, 'Smith, Jo', 9.50, true, NULL),
  (2, 'Ann "A"', 20, false, ''),
  (3, E'multi\\nline', NULL, false, 'x');
`;

describe.runIf(HAS_DOCKER)('sql_check against a real Postgres', () => {
  const runId = `judges-sql-${randomBytes(3).toString('hex')}`;
  const container = `fb-${runId}`;
  let sandbox: PostgresSandbox;

  beforeAll(async () => {
    const image = await ensureImage({
      buildContext: path.join(here, 'fixtures/postgres'),
      name: 'judges-test-postgres',
      logFile: path.join(tempDir('fb-sql-build-'), 'build.log'),
    });
    await run('docker', [
      'run',
      '-d',
      '--name',
      container,
      // Labelled as this live process's, so no other test's orphan sweep removes it.
      ...labelArgs(runLabels(runId)),
      '--network',
      'none',
      image,
    ]);
    await run('docker', [
      'exec',
      container,
      'bash',
      '-c',
      'for i in $(seq 100); do pg_isready -q && exit 0; sleep 0.2; done; exit 1',
    ]);
    await run('docker', [
      'exec',
      container,
      'bash',
      '-c',
      `psql -v ON_ERROR_STOP=1 -q <<'SQL'\n${SETUP}\nSQL`,
    ]);
    sandbox = new PostgresSandbox(container);
  });
  afterAll(async () => {
    await run('docker', ['rm', '-f', '-v', container]).catch(() => undefined);
    expect(leftoversFor(runId)).toEqual([]);
  });

  const check = (extra: Record<string, unknown>) => ({
    name: 'orders',
    type: 'sql_check',
    service: 'db',
    database: 'shop',
    user: 'postgres',
    query: 'SELECT id, customer, total, paid, note FROM orders',
    expected_rows: [
      [2, 'Ann "A"', 20, false, ''],
      [3, 'multi\nline', null, false, 'x'],
      [1, 'Smith, Jo', 9.5, true, null],
    ],
    ...extra,
  });
  const gradeOne = async (extra: Record<string, unknown>) => {
    const task = makeTask({ checks: [check(extra)] });
    const r = await grade({
      task,
      sandbox,
      outputsDir: tempDir('fb-sql-out-'),
      graderDir: SANDBOX_PATHS.grader,
    });
    return r.checks[0] as NonNullable<(typeof r.checks)[0]>;
  };

  it('matches unordered rows type-tolerantly, with commas, quotes, newlines, NULL and empty strings', async () => {
    const c = await gradeOne({});
    expect(c.explanation).toBe('3 rows match the expected rows (in any order)');
    expect(c.status).toBe('passed');
    expect(sandbox.execs.at(-1)?.service).toBe('db');
  });

  it('keeps NULL apart from the empty string', async () => {
    const c = await gradeOne({
      expected_rows: [
        [2, 'Ann "A"', 20, false, null],
        [3, 'multi\nline', null, false, 'x'],
        [1, 'Smith, Jo', 9.5, true, ''],
      ],
    });
    expect(c.status).toBe('failed');
  });

  it('checks order when asked', async () => {
    expect((await gradeOne({ ordered: true })).status).toBe('failed');
    const sorted = await gradeOne({
      ordered: true,
      query: 'SELECT id, customer, total, paid, note FROM orders ORDER BY id DESC',
      expected_rows: [
        [3, 'multi\nline', null, false, 'x'],
        [2, 'Ann "A"', 20, false, ''],
        [1, 'Smith, Jo', 9.5, true, null],
      ],
    });
    expect(sorted.status).toBe('passed');
  });

  it('a failing query fails the check; an unreachable database is a grader error', async () => {
    const missing = await gradeOne({ query: 'SELECT * FROM invoices' });
    expect(missing.status).toBe('failed');
    expect(missing.explanation).toMatch(/^the query failed: ERROR: +relation "invoices" does not exist/);
    const noDb = await gradeOne({ database: 'nope' });
    expect(noDb.status).toBe('error');
    expect(noDb.explanation).toMatch(
      /could not run the query in service db \(psql exited 2\).*database "nope" does not exist/,
    );
  });

  it('reads an empty result as no rows', async () => {
    const c = await gradeOne({
      query: `SELECT id FROM orders WHERE customer = ${shellQuote('nobody')}`,
      expected_rows: [],
    });
    expect(c.status).toBe('passed');
  });
});
