import { z } from 'zod';
import { capOutput, SANDBOX_PATHS, SandboxError, shellQuote } from '../sandbox/index.js';
import type { Tool, ToolResult } from './types.js';

/** Where the pristine seeded workspace is copied (owned by root) in the sandbox. */
const SEED_DIR = SANDBOX_PATHS.seed;

const gitDiffArgs = z
  .object({
    path: z
      .string()
      .min(1)
      .optional()
      .describe('Limit the diff to this file or folder of the workspace (default: everything).'),
    stat: z.boolean().optional().describe('Only list changed files with counts of changed lines.'),
  })
  .strict();

/**
 * The agent's changes against the workspace as it was seeded, hidden files,
 * `.git` and git-ignored files included: nothing the agent could hide behind.
 * Uses `git diff --no-index` when git is in the image, else `diff -ruN`.
 */
export const gitDiffTool: Tool<z.infer<typeof gitDiffArgs>> = {
  name: 'git_diff',
  description:
    'Show your changes to the workspace since the task started, as a unified diff (new, changed and ' +
    'deleted files). Optionally limited to one path, or only a summary with stat=true.',
  schema: gitDiffArgs,
  async run(args, ctx) {
    const workdir = ctx.sandbox.workdir.replace(/\/+$/, '');
    let target = workdir;
    if (args.path) {
      try {
        target = await ctx.sandbox.resolvePath(args.path);
      } catch (err) {
        if (err instanceof SandboxError)
          return { output: '', error: { kind: 'permission', message: err.message } };
        throw err;
      }
    }
    const rel = target === workdir ? '' : target.slice(workdir.length + 1);
    const seed = rel ? `${SEED_DIR}/${rel}` : SEED_DIR;
    // A path that exists on one side only is compared with an empty file.
    const side = (p: string) => `"$([ -e ${shellQuote(p)} ] && echo ${shellQuote(p)} || echo /dev/null)"`;
    const script = [
      `[ -d ${shellQuote(SEED_DIR)} ] || { echo "the seeded workspace is not at ${SEED_DIR}" >&2; exit 90; }`,
      'if command -v git >/dev/null 2>&1; then',
      `  git -c core.quotePath=false diff --no-index --no-color --no-ext-diff -- ${side(seed)} ${side(target)}`,
      'else',
      `  diff -ruN ${side(seed)} ${side(target)}`,
      'fi',
    ].join('\n');
    const r = await ctx.sandbox.exec({ cmd: script, timeoutMs: ctx.timeoutMs, cwd: '/' });
    if (r.timedOut)
      return {
        output: '',
        error: { kind: 'timeout', message: `git_diff timed out after ${ctx.timeoutMs} ms` },
      };
    // Both tools exit 1 when there are differences.
    if (r.exitCode > 1)
      return {
        output: r.stdout,
        error: { kind: 'failed', message: r.stderr.trim() || `diff failed with exit code ${r.exitCode}` },
      };
    const diff = normalizePaths(r.stdout, workdir);
    if (diff.trim() === '') return { output: 'No changes since the task started.' };
    return capped(args.stat ? diffStat(diff) : diff, ctx.maxOutputBytes);
  },
};

/** `a/opt/factory-bench/seed/x` and `b/workspace/x` both become the workspace-relative `a/x`, `b/x`. */
function normalizePaths(diff: string, workdir: string): string {
  const roots = [SEED_DIR, workdir].map((r) => r.replace(/^\//, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const prefix = new RegExp(`(^|\\s)([ab]/)?/?(?:${roots.join('|')})(/|(?=\\s|$))`, 'g');
  return diff
    .split('\n')
    .map((line) =>
      /^(diff |--- |\+\+\+ |Binary files |Only in |rename |copy )/.test(line) || / \| /.test(line)
        ? line.replace(prefix, (_m, lead: string, ab: string | undefined) => `${lead}${ab ?? ''}`)
        : line,
    )
    .join('\n');
}

/** One line per changed file with its added and removed lines, from a unified diff. */
export function diffStat(diff: string): string {
  const files: Array<{ path: string; added: number; removed: number; binary: boolean }> = [];
  let current: (typeof files)[number] | undefined;
  for (const line of diff.split('\n')) {
    const header = /^diff (?:--git a\/(\S+) b\/(\S+)|-ruN (\S+) (\S+))/.exec(line);
    if (header) {
      const [, a, b, c, d] = header;
      const name = [b, a, d, c].find((p) => p && p !== '/dev/null') ?? '?';
      current = { path: name, added: 0, removed: 0, binary: false };
      files.push(current);
    } else if (!current) continue;
    else if (line.startsWith('Binary files ')) current.binary = true;
    else if (line.startsWith('+') && !line.startsWith('+++ ')) current.added++;
    else if (line.startsWith('-') && !line.startsWith('--- ')) current.removed++;
  }
  const rows = files.map((f) => ` ${f.path} | ${f.binary ? 'binary' : `+${f.added} -${f.removed}`}`);
  const added = files.reduce((n, f) => n + f.added, 0);
  const removed = files.reduce((n, f) => n + f.removed, 0);
  return [...rows, ` ${files.length} files changed, +${added} -${removed} lines`].join('\n');
}

function capped(text: string, maxBytes: number): ToolResult {
  const c = capOutput(text, maxBytes);
  if (c.cutBytes === 0) return { output: text };
  return { output: `${c.text}\n[diff truncated: ${c.cutBytes} bytes not shown; pass a path or stat=true]` };
}
