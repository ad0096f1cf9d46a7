import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTask } from '../../src/orchestrator/index.js';
import { queryAll, readIndex } from '../../src/runs/index.js';
import { loadTask } from '../../src/tasks/index.js';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { ScriptedBashAgent, ScriptedJudge } from '../helpers/judge-fakes.js';
import { tempDir } from '../helpers/tmp.js';

const SECRET_NAME = 'secret_fixture_c0ffee';
const SECRET_VALUE = 'hidden-expected-value-7d1f';

function writeTask(root: string): string {
  const dir = path.join(root, 'snoop_task');
  const files: Record<string, string> = {
    'task.yaml': `id: snoop_task
title: Write the answer
difficulty: smoke
domain: test
instructions: Write 42 to answer.txt.
environment:
  image: debian:bookworm-slim
  resources: { cpus: 1, memory_mb: 256, pids: 128 }
budget: { max_tool_calls: 10, max_wall_seconds: 120 }
grader:
  fixtures: grader
  pass_threshold: 0.9
  checks:
    - name: answer_present
      type: file_present
      path: answer.txt
      gating: true
      weight: 0
    - name: answer_untampered
      type: command_exit_zero
      command: sleep 1 && grep -qx 42 answer.txt
    - name: grader_sees_fixture
      type: command_exit_zero
      command: test "$(cat "$FB_GRADER_DIR/${SECRET_NAME}.txt")" = ${SECRET_VALUE}
    - name: answer_matches
      type: reference_output
      command: cat answer.txt
      expected: grader/expected.txt
    - name: quality
      type: llm_rubric
      rubric: grader/rubric.md
      judge_model: test/judge
`,
    'workspace/README.md': 'Write the answer here.\n',
    [`grader/${SECRET_NAME}.txt`]: `${SECRET_VALUE}\n`,
    'grader/expected.txt': '42\n',
    'grader/rubric.md': 'Give 10 if answer.txt holds 42, else 0.\n',
    'solution/solve.sh': 'echo 42 > answer.txt\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const PRICING = {
  currency: 'USD' as const,
  models: { 'test/judge': { input: 2, output: 8, as_of: '2026-01-01', source: 'test' } },
};

describe.runIf(HAS_DOCKER)('grading integrity in a real sandbox', () => {
  const root = tempDir('fb-integrity-');
  const runsDir = path.join(root, 'runs');
  const taskDir = writeTask(root);
  const judge = new ScriptedJudge('test/judge', ['{"score": 9, "reasoning": "answer.txt holds 42."}']);
  let runId = '';

  it('the agent cannot find the grader fixtures; a leftover process cannot tamper; grading sees both', async () => {
    const agent = new ScriptedBashAgent([
      `find / -xdev -name '${SECRET_NAME}*' 2>/dev/null; find / -name 'expected.txt' -o -name 'rubric.md' -o -name 'solve.sh' 2>/dev/null | grep -v '^/proc'; echo find-done`,
      'ls -la /opt /opt/factory-bench 2>&1; env | grep -i FB_ ; echo ls-done',
      `grep -rl '${SECRET_VALUE.slice(0, 20)}' / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev 2>/dev/null | grep -v '^/proc' ; echo grep-done`,
      `echo 42 > answer.txt; setsid sh -c 'while true; do [ -d /opt/factory-bench/grader ] && echo 0 > answer.txt; sleep 0.05; done' >/dev/null 2>&1 </dev/null & echo started`,
    ]);
    const { result, runDir } = await runTask({
      task: loadTask(taskDir),
      model: agent,
      runsRoot: runsDir,
      pricing: PRICING,
      resolveJudge: async () => judge,
    });
    runId = result.run_id;
    const events = readFileSync(path.join(runDir, 'transcript.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const toolOutput = events
      .filter((e) => e.type === 'tool_result')
      .map((e) => String(e.content))
      .join('\n');
    // Every probe ran to completion and found nothing of the grader's.
    for (const marker of ['find-done', 'ls-done', 'grep-done', 'started'])
      expect(toolOutput).toContain(marker);
    expect(toolOutput).not.toContain(SECRET_NAME);
    expect(toolOutput).not.toContain(SECRET_VALUE);
    expect(toolOutput).not.toContain('expected.txt');
    expect(toolOutput).not.toContain('rubric.md');
    expect(toolOutput).not.toContain('solve.sh');
    expect(toolOutput).toMatch(/cannot access '\/opt\/factory-bench'/);

    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ['answer_present', 'passed'],
      ['answer_untampered', 'passed'],
      ['grader_sees_fixture', 'passed'],
      ['answer_matches', 'passed'],
      ['quality', 'passed'],
    ]);
    expect(result.status).toBe('completed');
    expect(result.passed).toBe(true);
    // (0 + 1 + 1 + 1 + 0.9) / 4
    expect(result.score).toBeCloseTo(0.975, 6);
    expect(events.find((e) => e.type === 'grading_start')?.killed_processes).toBeGreaterThanOrEqual(1);
    expect(judge.calls).toHaveLength(1);
    // The judge's dollars are the run's only cost here (the scripted agent is free).
    const judgeUsd = (1000 * 2 + 100 * 8) / 1e6;
    expect(result.judge_cost_usd).toBeCloseTo(judgeUsd, 9);
    expect(result.cost_usd).toBeCloseTo(judgeUsd, 9);
    for (const name of [
      'answer_present',
      'answer_untampered',
      'grader_sees_fixture',
      'answer_matches',
      'quality',
    ])
      expect(JSON.parse(readFileSync(path.join(runDir, 'grader_outputs', `${name}.json`), 'utf8')).name).toBe(
        name,
      );
    expect(readFileSync(path.join(runDir, 'grader_outputs/answer_matches.stdout.txt'), 'utf8')).toBe('42\n');
    expect(leftoversFor(runId)).toEqual([]);
  });

  it('re-grading with the CLI runs the checks again, answers the rubric from the cache and makes no model call', async () => {
    // The fixture changed since the run: the re-grade must use it (and fail that check).
    writeFileSync(path.join(taskDir, 'grader/expected.txt'), '43\n');
    const { code, stdout, stderr } = await runCli([
      'grade',
      runId.slice(0, -2),
      '--task',
      taskDir,
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    expect(stderr).not.toMatch(/Error|at /);
    const result = JSON.parse(stdout);
    expect(code).toBe(1);
    expect(judge.calls).toHaveLength(1);
    const quality = result.checks.find((c: { name: string }) => c.name === 'quality');
    expect(quality.status).toBe('passed');
    expect(quality.explanation).toContain('cached');
    expect(result.checks.find((c: { name: string }) => c.name === 'answer_matches').status).toBe('failed');
    // No new spend: the judge cost is what the first grading paid.
    expect(result.judge_cost_usd).toBeCloseTo((1000 * 2 + 100 * 8) / 1e6, 9);
    const rows = await readIndex(path.join(runsDir, 'runs.sqlite'), (db) => ({
      run: queryAll(db, 'SELECT score, passed FROM runs WHERE run_id = ?', [runId]),
      checks: queryAll(db, 'SELECT name, status FROM check_results WHERE run_id = ? ORDER BY name', [runId]),
    }));
    expect(rows.run).toEqual([{ score: result.score, passed: 0 }]);
    expect(rows.checks).toContainEqual({ name: 'answer_matches', status: 'failed' });
    expect(rows.checks).toHaveLength(5);
    const saved = JSON.parse(readFileSync(path.join(runsDir, runId, 'result.json'), 'utf8'));
    expect(saved.score).toBe(result.score);
    // The re-grade sandbox carries its own run label, derived from the run id; it is gone too.
    const labels = execFileSync('docker', ['ps', '-a', '--format', '{{.Label "factory-bench.run"}}'], {
      encoding: 'utf8',
    });
    expect(labels.split('\n').filter((l) => l.startsWith(runId))).toEqual([]);
    expect(readdirSync(path.join(runsDir, runId)).filter((f) => f.startsWith('.regrade'))).toEqual([]);
  });

  it('refuses to re-grade an unknown run with a one-line error', async () => {
    const { code, stderr } = await runCli(['grade', 'nope', '--runs-dir', runsDir]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/no run nope/);
  });
});
