import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { type ChatModel, ModelError } from '../../models/index.js';
import { runTask } from '../../orchestrator/index.js';
import { registerEnvSecrets } from '../../runs/index.js';
import { loadTask } from '../../tasks/index.js';
import { defaultRunsDir, info } from '../common.js';
import { onInterrupt } from '../interrupt.js';
import { exitCodeFor, formatRunSummary } from './run.js';

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** The run's "model": the MCP client brings its own, so the harness never calls one. */
function clientModel(name: string): ChatModel {
  return {
    name,
    free: true,
    complete: () => Promise.reject(new ModelError('an MCP session has no model of the harness', 'config')),
  };
}

interface McpFlags {
  task: string;
  runsDir: string;
  label: string;
  maxToolCalls?: number;
  maxWallSeconds?: number;
}

export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description(
      "Serve a task's tools (bash, python, text_editor, git_diff) over MCP on stdio, in the task's sandbox; when the client disconnects the run is graded and recorded",
    )
    .requiredOption('--task <dir>', 'task folder (our task.yaml, or a Harbor folder with task.toml)')
    .option('--runs-dir <dir>', 'where run directories and runs.sqlite live', defaultRunsDir())
    .option(
      '--label <name>',
      'the model name the run is recorded under (the client brings its own)',
      'mcp-client',
    )
    .option('--max-tool-calls <n>', "override the task's tool-call budget", positiveNumber)
    .option(
      '--max-wall-seconds <s>',
      "override the task's wall-time budget (the session's length)",
      positiveNumber,
    )
    .addHelpText(
      'after',
      '\nstdout is the MCP channel; progress and the run summary go to stderr. Paths are confined to the\n' +
        "workspace, commands have the task's timeouts, and every call counts against the tool-call budget: a\n" +
        'spent budget or the wall time ends the session, and the run is graded as it stands. Example client\n' +
        'configuration: {"command": "npx", "args": ["factory-bench", "mcp", "--task", "tasks/hello_repo_fix"]}\n' +
        '\nExit codes: 0 passed, 1 failed, 2 bad input, 3 environment/grader error, 130 interrupted.',
    )
    .action(async (opts: McpFlags) => {
      registerEnvSecrets();
      const task = loadTask(opts.task);
      const controller = new AbortController();
      const release = onInterrupt(() => {
        info('interrupt: closing the session and cleaning up (press Ctrl-C again to force)');
        controller.abort();
      });
      try {
        const { result, runDir } = await runTask({
          task,
          model: clientModel(opts.label),
          agent: { kind: 'mcp-client' },
          runsRoot: path.resolve(opts.runsDir),
          budget: {
            ...(opts.maxToolCalls ? { max_tool_calls: Math.floor(opts.maxToolCalls) } : {}),
            ...(opts.maxWallSeconds ? { max_wall_seconds: opts.maxWallSeconds } : {}),
          },
          signal: controller.signal,
          warn: (m) => info(`warning: ${m}`),
          notice: (m) => info(m),
          onPhase: (phase, runId) => {
            info(`[${new Date().toISOString().slice(11, 19)}] ${runId}: ${phase}`);
            if (phase === 'agent')
              info(`serving ${task.manifest.tools.enabled.join(', ')} over MCP on stdio`);
          },
        });
        info(formatRunSummary(result, runDir));
        process.exitCode = exitCodeFor(result);
      } finally {
        release();
      }
    });
}
