import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runTask } from '../../src/orchestrator/index.js';
import { loadTask } from '../../src/tasks/index.js';
import { tempDir } from '../helpers/tmp.js';

describe('grading with the local runner (no isolation, development only)', () => {
  const previous = process.env.MLE_EVAL_SANDBOX;
  afterEach(() => {
    if (previous === undefined) delete process.env.MLE_EVAL_SANDBOX;
    else process.env.MLE_EVAL_SANDBOX = previous;
  });

  it('points grader commands at the task folder and kills nothing on the host', async () => {
    const dir = path.join(tempDir('fb-local-task-'), 'local_task');
    const files: Record<string, string> = {
      'task.yaml': `id: local_task
title: Local grading
difficulty: smoke
domain: test
instructions: Nothing to do.
environment: { image: debian:bookworm-slim }
grader:
  fixtures: grader
  checks:
    - name: fixtures_found
      type: command_exit_zero
      command: grep -qx cat "$FB_GRADER_DIR/labels.txt" && test -f "$FB_SOLUTION_DIR/solve.sh"
`,
      'workspace/README.md': 'x\n',
      'grader/labels.txt': 'cat\n',
      'solution/solve.sh': 'true\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    }
    process.env.MLE_EVAL_SANDBOX = 'local';
    const { result, runDir } = await runTask({
      task: loadTask(dir),
      model: 'null',
      runsRoot: tempDir('fb-local-runs-'),
      warn: () => {},
    });
    expect(result.sandbox).toBe('local');
    expect(result.checks.map((c) => [c.name, c.status, c.explanation])).toEqual([
      ['fixtures_found', 'passed', expect.stringContaining('exited 0')],
    ]);
    expect(result.passed).toBe(true);
    // The leftover kill never runs outside a container (it would hit the host's processes).
    const events = readFileSync(path.join(runDir, 'transcript.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.find((e) => e.type === 'grading_start')).toMatchObject({
      killed_processes: 0,
      grader_dir: path.join(dir, 'grader'),
    });
  });
});
