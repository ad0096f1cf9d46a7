import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { regradeRun, runTask } from '../../src/orchestrator/index.js';
import { loadTask, taskFromSnapshot } from '../../src/tasks/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { ScriptedBashAgent } from '../helpers/judge-fakes.js';
import { tempDir } from '../helpers/tmp.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const TASK_YAML = `id: sql_sidecar
title: Create the orders table
difficulty: smoke
domain: sql
instructions: Create and fill the orders table in the db service.
environment:
  dockerfile: db
  resources: { cpus: 1, memory_mb: 512, pids: 256 }
  services:
    db:
      build: db
      healthcheck: { test: pg_isready -q, interval_s: 0.5, retries: 120 }
budget: { max_tool_calls: 5, max_wall_seconds: 120 }
grader:
  pass_threshold: 0.5
  checks:
    - name: rows_match
      type: sql_check
      service: db
      user: postgres
      query: SELECT id, customer, total, paid, note FROM orders
      expected_rows:
        - [2, 'Ann "A"', 20, false, '']
        - [1, 'Smith, Jo', 9.5, true, null]
    - name: newest_first
      type: sql_check
      service: db
      user: postgres
      query: SELECT id FROM orders ORDER BY id
      ordered: true
      expected_rows: [[2], [1]]
`;

const MIGRATION = `psql -v ON_ERROR_STOP=1 -h db -U postgres <<'SQL'
CREATE TABLE orders (id int PRIMARY KEY, customer text, total numeric(10,2), paid boolean, note text);
INSERT INTO orders VALUES (1, 'Smith, Jo', 9.50, true, NULL), (2, 'Ann "A"', 20, false, '');
SQL`;

describe.runIf(HAS_DOCKER)('sql_check against a Postgres sidecar in a Compose sandbox', () => {
  const root = tempDir('fb-compose-sql-');
  const taskDir = path.join(root, 'sql_sidecar');
  mkdirSync(taskDir, { recursive: true });
  writeFileSync(path.join(taskDir, 'task.yaml'), TASK_YAML);
  mkdirSync(path.join(taskDir, 'workspace'));
  writeFileSync(path.join(taskDir, 'workspace/README.md'), 'Use psql -h db.\n');
  mkdirSync(path.join(taskDir, 'solution'));
  writeFileSync(path.join(taskDir, 'solution/solve.sh'), `${MIGRATION}\n`);
  // One image for both sides: the agent uses its psql client, the sidecar its server.
  cpSync(path.join(here, 'fixtures/postgres'), path.join(taskDir, 'db'), { recursive: true });
  const runsDir = path.join(root, 'runs');
  let runId = '';

  it('queries the database the agent changed, in any order or in order, through the sidecar', async () => {
    const { result } = await runTask({
      task: loadTask(taskDir),
      model: new ScriptedBashAgent([MIGRATION]),
      runsRoot: runsDir,
    });
    runId = result.run_id;
    expect(result.sandbox).toBe('compose');
    expect(result.error).toBeNull();
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ['rows_match', 'passed'],
      ['newest_first', 'failed'],
    ]);
    expect(result.checks[1]?.explanation).toBe(
      'rows differ (in order): row 1: expected (2), got ("1"); row 2: expected (1), got ("2")',
    );
    expect(result.score).toBe(0.5);
    expect(result.passed).toBe(true);
    expect(leftoversFor(runId)).toEqual([]);
  });

  it('a re-grade starts a fresh sidecar: database state is not carried over (documented)', async () => {
    const task = taskFromSnapshot(path.join(runsDir, runId), taskDir);
    const result = await regradeRun({ runsRoot: runsDir, runId, task });
    expect(result.checks[0]?.status).toBe('failed');
    expect(result.checks[0]?.explanation).toMatch(/relation "orders" does not exist/);
  });
});
