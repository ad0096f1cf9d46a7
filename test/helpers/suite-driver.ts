/**
 * A suite runner in its own process, for tests that kill it: runs a suite
 * with a task runner that behaves like runTask without Docker (result.json
 * written first as "the harness stopped before the run finished", then the
 * recorded run after `delayMs`). Prints `suite <id>` when the suite run is
 * recorded and `done <run_id>` as each run is recorded.
 * Usage: node suite-driver.mjs <suite file|--resume id> <runs dir> <delay ms>
 */
import path from 'node:path';
import { agentInfo, BUILTIN_AGENT } from '../../src/agents/index.js';
import type { RunTaskOptions, RunTaskResult } from '../../src/orchestrator/index.js';
import { blankRunResult, newRunId, RunDirectory, recordRun } from '../../src/runs/index.js';
import { runSuite } from '../../src/suites/index.js';
import type { Task } from '../../src/tasks/index.js';

const [what, runsRoot, delay] = process.argv.slice(2) as [string, string, string];

async function run(o: RunTaskOptions): Promise<RunTaskResult> {
  const task = (o.task as Task).manifest;
  const started = new Date();
  const runId = newRunId(task.id, String(o.model), started);
  const input = {
    task,
    runId,
    model: String(o.model),
    suiteRunId: o.suiteRunId,
    epoch: o.epoch ?? 0,
    startedAt: started,
  };
  // As runTask does: a readable result.json from the start.
  new RunDirectory(o.runsRoot, runId).writeResult(blankRunResult(input));
  o.onPhase?.('setup', runId);
  await new Promise((r) => setTimeout(r, Number(delay)));
  const result = await recordRun(
    o.runsRoot,
    blankRunResult(input, {
      status: 'completed',
      score: 1,
      passed: true,
      error: null,
      stop_reason: 'final_answer',
      sandbox: 'fake',
      agent: agentInfo(o.agent ?? BUILTIN_AGENT),
    }),
  );
  process.stdout.write(`done ${runId}\n`);
  return { result, runDir: path.join(o.runsRoot, runId) };
}

await runSuite({
  ...(what.startsWith('--resume=') ? { resume: what.slice('--resume='.length) } : { suite: what }),
  runsRoot,
  model: 'scripted',
  concurrency: 2,
  runTask: run,
  onEvent: (e) => {
    if (e.type === 'suite_start') process.stdout.write(`suite ${e.suiteRunId}\n`);
  },
});
