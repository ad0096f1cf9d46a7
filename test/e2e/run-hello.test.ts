import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';

const runsDir = tempDir('fb-e2e-');

describe.runIf(HAS_DOCKER)('run hello_repo_fix end to end in Docker', () => {
  let oracleId = '';
  let nullId = '';

  it('oracle passes with score 1.0 and leaves a complete run directory', async () => {
    const { code, stdout } = await runCli([
      'run',
      '--task',
      'tasks/hello_repo_fix',
      '--model',
      'oracle',
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    const result = JSON.parse(stdout);
    expect(result.passed).toBe(true);
    expect(result.score).toBe(1);
    expect(result.status).toBe('completed');
    expect(code).toBe(0);
    oracleId = result.run_id;
    const runDir = path.join(runsDir, oracleId);
    expect(readdirSync(runDir).sort()).toEqual(
      expect.arrayContaining([
        'grader_outputs',
        'manifest.snapshot.yaml',
        'result.json',
        'transcript.jsonl',
        'workspace',
        'workspace_final',
      ]),
    );
    // The fix landed in the final workspace, while workspace/ keeps the seeded snapshot.
    expect(readFileSync(path.join(runDir, 'workspace_final/textstats/stats.py'), 'utf8')).toContain(
      '/ len(words)',
    );
    expect(readFileSync(path.join(runDir, 'workspace/textstats/stats.py'), 'utf8')).toContain(
      '// len(words)',
    );
    const events = readFileSync(path.join(runDir, 'transcript.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['sandbox_ready', 'tool_call', 'tool_result', 'graded']),
    );
    expect(existsSync(path.join(runDir, 'grader_outputs/tests_pass.json'))).toBe(true);
    expect(leftoversFor(oracleId)).toEqual([]);
  });

  it('null fails, exits 1, and the container is gone', async () => {
    const { code, stdout } = await runCli([
      'run',
      '--task',
      'tasks/hello_repo_fix',
      '--model',
      'null',
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    const result = JSON.parse(stdout);
    expect(result.passed).toBe(false);
    expect(result.checks.find((c: { name: string }) => c.name === 'tests_pass').status).toBe('failed');
    expect(code).toBe(1);
    nullId = result.run_id;
    expect(leftoversFor(nullId)).toEqual([]);
  });

  it('show-run prints both runs from runs.sqlite', async () => {
    const a = await runCli(['show-run', oracleId, '--runs-dir', runsDir]);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('passed: true');
    const b = await runCli(['show-run', nullId, '--runs-dir', runsDir, '--json']);
    expect(JSON.parse(b.stdout).passed).toBe(false);
    const missing = await runCli(['show-run', 'nope', '--runs-dir', runsDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no run nope/);
  });
});
