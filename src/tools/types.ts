import type { z } from 'zod';
import type { SandboxRunner } from '../sandbox/index.js';

/** `budget`: the call was refused because a budget is spent; `failed`: the tool broke in some other way. */
export type ToolErrorKind =
  | 'timeout'
  | 'not_found'
  | 'invalid_arguments'
  | 'permission'
  | 'budget'
  | 'failed';

/** What the model sees from a tool call. Errors are returned to the model, never thrown. */
export interface ToolResult {
  output: string;
  error?: { kind: ToolErrorKind; message: string };
}

export interface ToolContext {
  sandbox: SandboxRunner;
  /** This call's timeout, already clipped to the remaining wall-time budget. */
  timeoutMs: number;
  /** The most tool output sent back to the model. */
  maxOutputBytes: number;
}

export interface Tool<Args = unknown> {
  name: string;
  description: string;
  /** Validates arguments; also the source of the JSON Schema sent to the model. */
  schema: z.ZodType<Args>;
  run(args: Args, ctx: ToolContext): Promise<ToolResult>;
}
