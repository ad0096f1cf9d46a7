import { type BudgetEnforcer, BudgetExceeded } from '../budgets/index.js';
import {
  type ChatMessage,
  type ChatRequest,
  ModelError,
  type ModelGateway,
  type ToolCall,
  type ToolSpec,
} from '../models/index.js';
import type { TranscriptWriter } from '../runs/index.js';
import type { SandboxRunner } from '../sandbox/index.js';
import { renderToolResult, type Toolbox, type ToolResult } from '../tools/index.js';

export type StopReason =
  | 'final_answer'
  | 'submit'
  | 'turn_limit'
  | 'budget_exceeded'
  | 'error'
  | 'interrupted'
  /** An external agent's process ended by itself with exit code 0. */
  | 'exited';

export interface AgentOutcome {
  stopReason: StopReason;
  /** Set when the agent was stopped rather than finishing: budget_exceeded:<kind>, error:<kind>, interrupted, turn_limit. */
  killReason: string | null;
  turns: number;
  toolCalls: number;
  finalAnswer: string | null;
  error: { kind: string; message: string } | null;
}

/** Everything an agent needs for one run; tools reach the sandbox only through `toolbox`. */
export interface AgentContext {
  instructions: string;
  systemPrompt?: string | undefined;
  temperature?: number | undefined;
  /** Every model call goes through the run's gateway: budget checks, reply caps, cost, transcript lines, record/replay. */
  gateway: ModelGateway;
  toolbox: Toolbox;
  sandbox: SandboxRunner;
  /** The same budget the gateway checks; the loop checks tool calls against it. */
  budget: BudgetEnforcer;
  transcript: TranscriptWriter;
  maxTurns: number;
  /** Per tool call, before clipping to the remaining wall time. */
  toolTimeoutMs: number;
  maxToolOutputBytes: number;
  signal?: AbortSignal | undefined;
}

/** What running a tool call needs: the run's tools, sandbox, budget and transcript. */
export type ToolCallContext = Pick<
  AgentContext,
  'toolbox' | 'sandbox' | 'budget' | 'transcript' | 'toolTimeoutMs' | 'maxToolOutputBytes' | 'signal'
>;

/** What one model reply asks for, as understood by an agent's protocol. */
export interface Turn {
  /** Tool calls to run, in order. */
  calls: ToolCall[];
  /** Set when the model ended explicitly with submit (after `calls` run). */
  submit: string | null;
  /** True when the reply is the final answer: nothing to run, the loop ends. */
  final: boolean;
  /** Said back to the model with the results (e.g. why an action could not be parsed). */
  feedback: string | null;
}

/**
 * How an agent talks to its model: what it sends and how it reads replies.
 * `driveAgent` runs the loop (budgets, tools, transcript) for every protocol.
 */
export interface AgentProtocol {
  readonly agent: string;
  systemPrompt(base: string, tools: ToolSpec[]): string;
  request(
    messages: ChatMessage[],
    tools: ToolSpec[],
  ): Pick<ChatRequest, 'messages' | 'tools' | 'textProtocol'>;
  interpret(reply: Extract<ChatMessage, { role: 'assistant' }>, turn: number): Turn;
  /** The messages that carry this turn's results (and any feedback) back to the model. */
  resultMessages(results: ToolOutcome[], feedback: string | null): ChatMessage[];
}

export interface ToolOutcome {
  call: ToolCall;
  /** Exactly the text the model is shown. */
  text: string;
}

/** An agent: one way of driving a model through a task. */
export interface Agent {
  readonly agent: string;
  run(ctx: AgentContext): Promise<AgentOutcome>;
}

/** The built-in agents' system prompt, naming the sandbox's real working directory (the task's `workdir`). */
export function defaultSystemPrompt(workdir: string): string {
  return (
    'You are an expert ML engineer working in a sandboxed Linux machine. The task files are in the current ' +
    `working directory (${workdir}). Use the tools to inspect, change and test the code.`
  );
}

/** How long a tool call may outlive the wall-time budget before it is abandoned. */
export const WALL_GRACE_MS = 5_000;

/** Runs one tool call under the budget and records it; returns the text for the model. */
export async function runToolCall(
  ctx: ToolCallContext,
  call: Pick<ToolCall, 'id' | 'name' | 'arguments'>,
): Promise<string> {
  return (await runToolCallDetailed(ctx, call)).text;
}

/**
 * Like runToolCall, and says whether the tool reported an error. Throws
 * BudgetExceeded when a budget stops the call (recorded as refused).
 */
export async function runToolCallDetailed(
  ctx: ToolCallContext,
  call: Pick<ToolCall, 'id' | 'name' | 'arguments'>,
): Promise<{ text: string; isError: boolean }> {
  try {
    ctx.budget.beforeToolCall();
  } catch (err) {
    if (err instanceof BudgetExceeded) refuseCalls(ctx, [call], err);
    throw err;
  }
  const remaining = ctx.budget.remainingWallMs();
  const timeoutMs = Math.max(1000, Math.min(ctx.toolTimeoutMs, remaining));
  ctx.transcript.write({
    type: 'tool_call',
    id: call.id,
    name: call.name,
    arguments: call.arguments,
    timeout_ms: timeoutMs,
  });
  const started = Date.now();
  const running = ctx.toolbox.call(call.name, call.arguments, {
    sandbox: ctx.sandbox,
    timeoutMs,
    maxOutputBytes: ctx.maxToolOutputBytes,
  });
  // The sandbox enforces the timeout; this guard holds even if the sandbox does not.
  const result = await raceDeadline(running, remaining + WALL_GRACE_MS, ctx.signal);
  const record = (r: ToolResult): string => {
    const text = renderToolResult(r);
    ctx.transcript.write({
      type: 'tool_result',
      id: call.id,
      name: call.name,
      content: text,
      error: r.error ?? null,
      duration_ms: Date.now() - started,
    });
    return text;
  };
  if (result === 'deadline') {
    record({
      output: '',
      error: { kind: 'timeout', message: 'the call outlived the wall-time budget and was abandoned' },
    });
    ctx.budget.markBreached('wall_time');
    throw new BudgetExceeded('wall_time');
  }
  if (result === 'aborted') {
    record({ output: '', error: { kind: 'failed', message: 'interrupted: the run is stopping' } });
    throw new Error('interrupted');
  }
  const text = record(result);
  if (result.error?.kind === 'timeout' && timeoutMs >= remaining) {
    ctx.budget.markBreached('wall_time');
    throw new BudgetExceeded('wall_time');
  }
  return { text, isError: Boolean(result.error) };
}

async function raceDeadline<T>(
  work: Promise<T>,
  ms: number,
  signal?: AbortSignal,
): Promise<T | 'deadline' | 'aborted'> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<'deadline' | 'aborted'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), ms);
    onAbort = () => resolve('aborted');
    if (signal?.aborted) resolve('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The agent loop shared by every protocol: ask the model, run what it asks
 * for under the budget, send the results back, until it answers, submits,
 * runs out of turns or budget, fails, or is interrupted. Never throws.
 */
export async function driveAgent(ctx: AgentContext, protocol: AgentProtocol): Promise<AgentOutcome> {
  const tools = ctx.toolbox.specs();
  const messages: ChatMessage[] = [
    {
      role: 'system',
      content: protocol.systemPrompt(ctx.systemPrompt ?? defaultSystemPrompt(ctx.sandbox.workdir), tools),
    },
    { role: 'user', content: ctx.instructions },
  ];
  ctx.transcript.write({
    type: 'agent_start',
    agent: protocol.agent,
    model: ctx.gateway.model.name,
    messages,
    tools: ctx.toolbox.names,
  });
  let turns = 0;
  const ended = (stopReason: StopReason, finalAnswer: string | null, killReason: string | null = null) => ({
    stopReason,
    killReason,
    turns,
    toolCalls: ctx.budget.toolCalls,
    finalAnswer,
    error: null,
  });
  try {
    while (turns < ctx.maxTurns) {
      if (ctx.signal?.aborted) throw new Error('interrupted');
      turns++;
      const response = await ctx.gateway.complete(
        { ...protocol.request(messages, tools), temperature: ctx.temperature },
        { signal: ctx.signal },
      );
      messages.push(response.message);
      const turn = protocol.interpret(response.message, turns);
      if (turn.final) return ended('final_answer', response.message.content ?? '');
      const results: ToolOutcome[] = [];
      for (const [i, call] of turn.calls.entries()) {
        try {
          results.push({ call, text: await runToolCall(ctx, call) });
        } catch (err) {
          if (err instanceof BudgetExceeded) refuseCalls(ctx, turn.calls.slice(i + 1), err);
          throw err;
        }
      }
      if (turn.submit !== null) return ended('submit', turn.submit);
      for (const m of protocol.resultMessages(results, turn.feedback)) {
        messages.push(m);
        if (m.role === 'user') ctx.transcript.write({ type: 'user_message', content: m.content });
      }
    }
    return ended('turn_limit', null, 'turn_limit');
  } catch (err) {
    return outcomeFromError(err, turns, ctx.budget.toolCalls, ctx.signal);
  }
}

/** Records the calls a spent budget refused, so the transcript says why they never ran. */
function refuseCalls(
  ctx: ToolCallContext,
  calls: Array<Pick<ToolCall, 'id' | 'name'>>,
  err: BudgetExceeded,
): void {
  for (const call of calls) {
    const error = {
      kind: 'budget' as const,
      message: `not run: the ${err.kind.replace('_', ' ')} budget is spent`,
    };
    ctx.transcript.write({
      type: 'tool_result',
      id: call.id,
      name: call.name,
      content: renderToolResult({ output: '', error }),
      error,
      duration_ms: 0,
    });
  }
}

/** Maps whatever ended a loop to an outcome; never throws for expected stops. */
export function outcomeFromError(
  err: unknown,
  turns: number,
  toolCalls: number,
  signal?: AbortSignal,
): AgentOutcome {
  const base = { turns, toolCalls, finalAnswer: null };
  if (err instanceof BudgetExceeded)
    return { ...base, stopReason: 'budget_exceeded', killReason: err.killReason, error: null };
  if (signal?.aborted) return { ...base, stopReason: 'interrupted', killReason: 'interrupted', error: null };
  if (err instanceof ModelError)
    return {
      ...base,
      stopReason: 'error',
      killReason: `error:model_${err.kind}`,
      error: { kind: `model_${err.kind}`, message: err.message },
    };
  const message = err instanceof Error ? err.message : String(err);
  return { ...base, stopReason: 'error', killReason: 'error:agent', error: { kind: 'agent', message } };
}
