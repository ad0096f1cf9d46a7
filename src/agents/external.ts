import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { BudgetExceeded, type BudgetKind } from '../budgets/index.js';
import type { McpEndpoint, ToolHost } from '../mcp/index.js';
import { redact, registerSecret } from '../runs/index.js';
import { AGENT_DIR_IN_SANDBOX } from '../sandbox/index.js';
import { startHostProcess } from './host-process.js';
import { type AgentOutcome, runToolCallDetailed, type ToolCallContext, WALL_GRACE_MS } from './loop.js';
import { startSandboxProcess } from './sandbox-process.js';
import type { AgentSpec } from './spec.js';

/**
 * Runs an agent from an agent folder: its command in the task's sandbox (or
 * on the host), talking to the model only through the run's gateway with a
 * per-run token, and (on the host) to the sandbox only through the run's MCP
 * endpoint. A budget spent at the gateway or the MCP endpoint, the wall-time
 * budget or an interrupt stops the agent's whole process tree; the outcome
 * says which, and the run is graded as usual afterwards.
 */

/** What the agent runner needs from the run's model gateway. */
export interface AgentGateway {
  /** The OpenAI base URL (ending in /v1) as the agent sees it, from the sandbox or on the host. */
  baseUrl: string;
  /** The per-run token the agent sends as its API key; worthless outside the run. */
  token: string;
  /** Settles with the budget the gateway found spent (it then refuses every further call). */
  breached: Promise<BudgetKind>;
  /** Model calls the gateway has answered so far. */
  calls(): number;
  /** The last model error that ended a call for good (a bad key, an unknown model), if any. */
  lastError?(): { kind: string; message: string } | null;
}

export interface ExternalAgentContext extends ToolCallContext {
  agent: Extract<AgentSpec, { kind: 'external' }>;
  instructions: string;
  /** The run's model, as the gateway answers with it whatever a request names. */
  modelName: string;
  gateway: AgentGateway;
  /** Where agent.stdout.log and agent.stderr.log are written. */
  logDir: string;
  /** Output kept per stream (head and tail). */
  maxAgentOutputBytes?: number;
}

type Ending = { type: 'exit' } | { type: 'budget'; kind: BudgetKind } | { type: 'interrupted' };

const FINAL_ANSWER_CHARS = 2000;

/** The run's tools as an MCP tool host: the built-in agents' own tool path, budget included. */
export function toolHostFor(ctx: ToolCallContext, onBreach: (kind: BudgetKind) => void): ToolHost {
  let n = 0;
  return {
    tools: () => ctx.toolbox.specs(),
    call: async (name, args) => {
      try {
        return await runToolCallDetailed(ctx, { id: `mcp-${++n}`, name, arguments: JSON.stringify(args) });
      } catch (err) {
        if (err instanceof BudgetExceeded) {
          onBreach(err.kind);
          return {
            text: `ERROR (budget): the ${err.kind.replace('_', ' ')} budget is spent; the run is over`,
            isError: true,
          };
        }
        return { text: `ERROR (failed): ${err instanceof Error ? err.message : String(err)}`, isError: true };
      }
    },
  };
}

export async function runExternalAgent(ctx: ExternalAgentContext): Promise<AgentOutcome> {
  const { agent, gateway, budget, transcript } = ctx;
  const manifest = agent.manifest;
  const onHost = manifest.runs_in === 'host';
  let breach: BudgetKind | null = null;
  let resolveBreach: (kind: BudgetKind) => void = () => {};
  const breached = new Promise<BudgetKind>((resolve) => {
    resolveBreach = resolve;
  });
  const noteBreach = (kind: BudgetKind): void => {
    breach ??= kind;
    budget.markBreached(kind);
    resolveBreach(kind);
  };
  gateway.breached.then(noteBreach, () => {});

  let mcp: McpEndpoint | null = null;
  const timers: NodeJS.Timeout[] = [];
  const started = Date.now();
  try {
    if (onHost) {
      const { startMcpEndpoint } = await import('../mcp/index.js');
      mcp = await startMcpEndpoint(toolHostFor(ctx, noteBreach));
    }
    const env: Record<string, string> = {
      ...manifest.env,
      OPENAI_BASE_URL: gateway.baseUrl,
      OPENAI_API_KEY: gateway.token,
      FB_INSTRUCTIONS: ctx.instructions,
      FB_AGENT_DIR: onHost ? agent.dir : AGENT_DIR_IN_SANDBOX,
      FB_WORKDIR: ctx.sandbox.workdir,
      FB_TOOLS: ctx.toolbox.names.join(','),
      ...(mcp ? { FB_MCP_URL: mcp.url, FB_MCP_TOKEN: mcp.token } : {}),
    };
    if (mcp) registerSecret(mcp.token);
    transcript.write({
      type: 'agent_start',
      agent: manifest.name,
      model: ctx.modelName,
      // What the agent was given: the same shape as a built-in agent's first messages.
      messages: [{ role: 'user', content: ctx.instructions }],
      tools: onHost ? ctx.toolbox.names : [],
      agent_kind: 'external',
      agent_hash: agent.hash,
      runs_in: manifest.runs_in,
      command: manifest.command,
      gateway: gateway.baseUrl,
      mcp: mcp?.url ?? null,
    });
    const remaining = budget.remainingWallMs();
    const maxOutputBytes = ctx.maxAgentOutputBytes ?? 1024 * 1024;
    const proc = onHost
      ? startHostProcess({
          command: manifest.command,
          cwd: agent.dir,
          env,
          stdin: ctx.instructions,
          maxOutputBytes,
        })
      : startSandboxProcess({
          sandbox: ctx.sandbox,
          command: manifest.command,
          cwd: ctx.sandbox.workdir,
          env,
          stdin: ctx.instructions,
          timeoutMs: remaining + WALL_GRACE_MS + 10_000,
          maxOutputBytes,
        });

    const endings: Array<Promise<Ending>> = [
      proc.ended.then(() => ({ type: 'exit' })),
      breached.then((kind) => ({ type: 'budget', kind })),
      new Promise((resolve) => {
        timers.push(setTimeout(() => resolve({ type: 'budget', kind: 'wall_time' }), Math.max(1, remaining)));
      }),
    ];
    if (ctx.signal)
      endings.push(
        new Promise((resolve) => {
          if (ctx.signal?.aborted) resolve({ type: 'interrupted' });
          ctx.signal?.addEventListener('abort', () => resolve({ type: 'interrupted' }), { once: true });
        }),
      );
    const ending = await Promise.race(endings);
    if (ending.type !== 'exit') {
      if (ending.type === 'budget') noteBreach(ending.kind);
      transcript.write({
        type: 'agent_stop',
        reason: ending.type === 'budget' ? `budget_exceeded:${ending.kind}` : 'interrupted',
      });
      await proc.stop(manifest.timeouts.stop_grace_seconds * 1000);
    }
    const end = await Promise.race([
      proc.ended,
      new Promise<null>((resolve) => timers.push(setTimeout(() => resolve(null), 30_000))),
    ]);
    const stdout = redact(end?.stdout ?? '');
    const stderr = redact(end?.stderr ?? '');
    mkdirSync(ctx.logDir, { recursive: true });
    writeFileSync(path.join(ctx.logDir, 'agent.stdout.log'), stdout);
    writeFileSync(path.join(ctx.logDir, 'agent.stderr.log'), stderr);
    transcript.write({
      type: 'agent_process_end',
      exit_code: end?.exitCode ?? null,
      signal: end?.signal ?? (end ? null : 'abandoned'),
      duration_ms: Date.now() - started,
      model_calls: gateway.calls(),
      stdout_tail: tail(stdout, 500),
      stderr_tail: tail(stderr, 500),
    });

    const base = {
      turns: gateway.calls(),
      toolCalls: budget.toolCalls,
      finalAnswer: stdout.trim() ? tail(stdout.trim(), FINAL_ANSWER_CHARS) : null,
    };
    if (ending.type === 'interrupted')
      return { ...base, stopReason: 'interrupted', killReason: 'interrupted', error: null };
    if (breach)
      return { ...base, stopReason: 'budget_exceeded', killReason: `budget_exceeded:${breach}`, error: null };
    if (end?.exitCode === 0) return { ...base, stopReason: 'exited', killReason: null, error: null };
    const why = end
      ? `the agent exited with ${end.exitCode === null ? `signal ${end.signal}` : `code ${end.exitCode}`}`
      : 'the agent did not stop';
    const modelError = gateway.lastError?.() ?? null;
    if (modelError)
      return {
        ...base,
        stopReason: 'error',
        killReason: `error:model_${modelError.kind}`,
        error: { kind: `model_${modelError.kind}`, message: modelError.message },
      };
    const last = lastLine(stderr) ?? lastLine(stdout);
    return {
      ...base,
      stopReason: 'error',
      killReason: 'error:agent',
      error: { kind: 'agent', message: last ? `${why}: ${last}` : why },
    };
  } finally {
    for (const t of timers) clearTimeout(t);
    await mcp?.close();
  }
}

function tail(text: string, chars: number): string {
  return text.length <= chars ? text : `…${text.slice(text.length - chars)}`;
}

function lastLine(text: string): string | null {
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('[sandbox:'));
  const line = lines[lines.length - 1];
  return line ? line.slice(0, 300) : null;
}

/**
 * A session of an MCP client on stdio (`factory-bench mcp`): the client is the
 * agent, with the run's tools and budget, until it closes the stream or a
 * budget, the wall time or an interrupt ends the session.
 */
export async function runMcpStdioSession(
  ctx: ToolCallContext & { io?: { stdin?: Readable; stdout?: Writable } },
): Promise<AgentOutcome> {
  const { serveToolsOverStdio } = await import('../mcp/index.js');
  let breach: BudgetKind | null = null;
  let onBreach: (kind: BudgetKind) => void = () => {};
  const breached = new Promise<BudgetKind>((resolve) => {
    onBreach = (kind) => {
      breach ??= kind;
      ctx.budget.markBreached(kind);
      resolve(kind);
    };
  });
  const session = await serveToolsOverStdio(toolHostFor(ctx, onBreach), ctx.io ?? {});
  ctx.transcript.write({
    type: 'agent_start',
    agent: 'mcp-client',
    tools: ctx.toolbox.names,
    agent_kind: 'external',
    runs_in: 'host',
  });
  let timer: NodeJS.Timeout | undefined;
  const ending = await Promise.race<Ending>([
    session.closed.then(() => ({ type: 'exit' })),
    breached.then((kind) => ({ type: 'budget', kind })),
    new Promise((resolve) => {
      timer = setTimeout(
        () => resolve({ type: 'budget', kind: 'wall_time' }),
        Math.max(1, ctx.budget.remainingWallMs()),
      );
    }),
    new Promise((resolve) => {
      if (ctx.signal?.aborted) resolve({ type: 'interrupted' });
      ctx.signal?.addEventListener('abort', () => resolve({ type: 'interrupted' }), { once: true });
    }),
  ]);
  clearTimeout(timer);
  if (ending.type === 'budget') onBreach(ending.kind);
  await session.close();
  const base = { turns: 0, toolCalls: ctx.budget.toolCalls, finalAnswer: null, error: null };
  if (ending.type === 'interrupted') return { ...base, stopReason: 'interrupted', killReason: 'interrupted' };
  if (breach) return { ...base, stopReason: 'budget_exceeded', killReason: `budget_exceeded:${breach}` };
  return { ...base, stopReason: 'exited', killReason: null };
}
