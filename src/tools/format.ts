import type { ExecResult } from '../sandbox/index.js';
import { capOutput } from '../sandbox/index.js';
import type { ToolResult } from './types.js';

/** Renders a command's result for the model: output, exit code, and any cut or timeout said plainly. */
export function formatExecResult(r: ExecResult, maxOutputBytes: number, timeoutMs: number): ToolResult {
  const parts: string[] = [];
  if (r.stdout) parts.push(r.stdout.trimEnd());
  if (r.stderr) parts.push(`[stderr]\n${r.stderr.trimEnd()}`);
  const cutInSandbox = r.truncatedBytes.stdout + r.truncatedBytes.stderr;
  let body = parts.join('\n');
  const capped = capOutput(body, maxOutputBytes);
  body = capped.text;
  const notes: string[] = [`[exit code ${r.exitCode}]`];
  if (cutInSandbox + capped.cutBytes > 0)
    notes.push(`[output truncated: ${cutInSandbox + capped.cutBytes} bytes not shown]`);
  if (r.timedOut) {
    const message = `command timed out after ${Math.round(timeoutMs / 1000)}s and was killed`;
    return { output: [body, ...notes].filter(Boolean).join('\n'), error: { kind: 'timeout', message } };
  }
  return { output: [body, ...notes].filter(Boolean).join('\n') };
}
