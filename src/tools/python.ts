import { z } from 'zod';
import { formatExecResult } from './format.js';
import type { Tool } from './types.js';

const pythonArgs = z
  .object({
    code: z.string().min(1).describe('Python 3 source to run as a script; print what you want to see.'),
  })
  .strict();

export const pythonTool: Tool<z.infer<typeof pythonArgs>> = {
  name: 'python',
  description:
    'Run Python 3 code in the sandbox, in the workspace folder (a fresh interpreter each call; ' +
    'state does not persist). Returns stdout, stderr and the exit code.',
  schema: pythonArgs,
  async run(args, ctx) {
    // The code goes in on stdin so no quoting or argument-length limit applies.
    const r = await ctx.sandbox.exec({ cmd: 'python3 -', stdin: args.code, timeoutMs: ctx.timeoutMs });
    return formatExecResult(r, ctx.maxOutputBytes, ctx.timeoutMs);
  },
};
