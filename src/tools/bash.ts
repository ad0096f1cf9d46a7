import { z } from 'zod';
import { formatExecResult } from './format.js';
import type { Tool } from './types.js';

const bashArgs = z
  .object({ command: z.string().min(1).describe('The bash command to run in the workspace.') })
  .strict();

export const bashTool: Tool<z.infer<typeof bashArgs>> = {
  name: 'bash',
  description:
    'Run a bash command in the sandbox, in the workspace folder. Returns stdout, stderr and the exit code.',
  schema: bashArgs,
  async run(args, ctx) {
    const r = await ctx.sandbox.exec({ cmd: args.command, timeoutMs: ctx.timeoutMs });
    return formatExecResult(r, ctx.maxOutputBytes, ctx.timeoutMs);
  },
};
