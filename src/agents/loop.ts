import { type BudgetEnforcer, BudgetExceeded } from '../budgets/index.js';
import type { CostTracker } from '../cost/index.js';
import type { TranscriptWriter } from '../runs/index.js';
import type { SandboxRunner } from '../sandbox/index.js';
import { renderToolResult, type Toolbox } from '../tools/index.js';
import { type ChatModel, type ChatRequest, type ChatResponse, ModelError, type ToolCall } from './types.js';

export type StopReason =
  | 'final_answer'
  | 'submit'
  | 'turn_limit'
  | 'budget_exceeded'
  | 'error'
  | 'interrupted';

export interface AgentOutcome {
  stopReason: StopReason;
  /** Set when the agent was stopped rather than finishing: budget_exceeded:<kind>, error:<kind>, interrupted. */
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
  model: ChatModel;
  toolbox: Toolbox;
  sandbox: SandboxRunner;
  budget: BudgetEnforcer;
  cost: CostTracker;
  transcript: TranscriptWriter;
  maxTurns: number;
  /** Per tool call, before clipping to the remaining wall time. */
  toolTimeoutMs: number;
  maxToolOutputBytes: number;
  signal?: AbortSignal | undefined;
}

export const DEFAULT_SYSTEM_PROMPT =
  'You are an expert ML engineer working in a sandboxed Linux machine. The task files are in the current ' +
  'working directory (/workspace). Use the tools to inspect, change and test the code. When the task is ' +
  'complete, reply with a short summary of what you did and no tool call.';

/** Calls the model under the budget: refused when spent, cut off at the wall-time limit, usage recorded. */
export async function callModel(ctx: AgentContext, req: ChatRequest): Promise<ChatResponse> {
  ctx.budget.beforeModelCall();
  const wall = AbortSignal.timeout(Math.max(1, ctx.budget.remainingWallMs()));
  const signal = ctx.signal ? AbortSignal.any([wall, ctx.signal]) : wall;
  const started = Date.now();
  let response: ChatResponse;
  try {
    response = await ctx.model.complete({ ...req, signal });
  } catch (err) {
    if (wall.aborted) {
      ctx.budget.markBreached('wall_time');
      throw new BudgetExceeded('wall_time');
    }
    throw err;
  }
  const cost = ctx.cost.record(ctx.model.name, response.usage, ctx.model.free);
  ctx.budget.recordModelUsage(response.usage.input_tokens + response.usage.output_tokens, cost);
  ctx.transcript.write({
    type: 'model_response',
    message: response.message,
    usage: response.usage,
    cost_usd: cost,
    finish_reason: response.finishReason,
    retries: response.retries ?? 0,
    duration_ms: Date.now() - started,
  });
  return response;
}

/** Runs one tool call under the budget and records it; returns the text for the model. */
export async function runToolCall(
  ctx: AgentContext,
  call: Pick<ToolCall, 'id' | 'name' | 'arguments'>,
): Promise<string> {
  ctx.budget.beforeToolCall();
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
  const result = await ctx.toolbox.call(call.name, call.arguments, {
    sandbox: ctx.sandbox,
    timeoutMs,
    maxOutputBytes: ctx.maxToolOutputBytes,
  });
  const text = renderToolResult(result);
  ctx.transcript.write({
    type: 'tool_result',
    id: call.id,
    name: call.name,
    content: text,
    error: result.error ?? null,
    duration_ms: Date.now() - started,
  });
  if (result.error?.kind === 'timeout' && timeoutMs >= remaining) {
    ctx.budget.markBreached('wall_time');
    throw new BudgetExceeded('wall_time');
  }
  return text;
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
