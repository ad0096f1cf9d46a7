import { SandboxError, shellQuote } from '../sandbox/index.js';
import { explainLines, failingLines, inWorkspace, runGraderCommand } from './deterministic.js';
import { formatNumber, parseFiniteNumber } from './numbers.js';
import { parseJsonLenient, valueAtDottedKey } from './sources.js';
import type { CheckFinding, CheckOf, GradeContext } from './types.js';

/**
 * `reward_file`: Harbor's verifier contract. Any reward left from before is
 * removed (the agent may have planted one), the command runs (its exit code
 * does not count), and the first reward file that exists is the score: a
 * number alone, or a JSON object's `key`. Partial rewards score partially; the
 * check passes at 1. No reward written is the work's failure (an agent that
 * breaks the verifier must not escape its score).
 */
export async function rewardFile(check: CheckOf<'reward_file'>, ctx: GradeContext): Promise<CheckFinding> {
  const files = (Array.isArray(check.path) ? check.path : [check.path]).map((p) => inWorkspace(ctx, p));
  // Their folders are made (open to the grader's user) when missing: Harbor's /logs/verifier always exists.
  const dirs = [...new Set(files.map((f) => f.replace(/\/[^/]*$/, '') || '/'))];
  const cleared = await ctx.sandbox.exec({
    cmd: `rm -f -- ${files.map(shellQuote).join(' ')} && for d in ${dirs.map(shellQuote).join(' ')}; do [ -d "$d" ] || { mkdir -p -- "$d" && chmod 777 -- "$d"; }; done`,
    user: '0',
    timeoutMs: 30_000,
  });
  if (cleared.exitCode !== 0)
    return { status: 'error', explanation: `could not clear old reward files: ${cleared.stderr.trim()}` };
  let details: Record<string, unknown> = { reward_files: files };
  let outputs: Record<string, string> | undefined;
  // What the command said, for a reward short of 1: its failing lines (test.sh usually exits 0 regardless).
  let why = '';
  if (check.command) {
    const ran = await runGraderCommand(ctx, check.command, check.timeout_s);
    details = { ...details, ...ran.details };
    outputs = ran.files;
    if (ran.result.timedOut)
      return {
        status: 'failed',
        explanation: `\`${check.command}\` timed out after ${check.timeout_s}s`,
        details,
        files: outputs,
      };
    why = ` (\`${check.command}\` exited ${ran.result.exitCode}${explainLines(failingLines(ran.result))})`;
  }
  const finding = (f: Omit<CheckFinding, 'details' | 'files'>): CheckFinding => ({
    ...f,
    details,
    ...(outputs ? { files: outputs } : {}),
  });
  for (const file of files) {
    let text: string;
    try {
      text = (await ctx.sandbox.readFile(file)).toString('utf8');
    } catch (err) {
      if (err instanceof SandboxError && err.kind === 'path') continue;
      throw err;
    }
    details = { ...details, reward_file: file, reward_text: text.slice(0, 2000) };
    const read = readReward(file, text, check.key);
    if (!read.ok) return finding({ status: 'failed', explanation: `${file}: ${read.reason}${why}` });
    const score = Math.min(1, Math.max(0, read.value));
    const clamped = score !== read.value ? ` (outside 0..1, counted as ${formatNumber(score)})` : '';
    details = { ...details, reward: read.value };
    const said = `reward ${formatNumber(read.value)}${clamped} from ${file}`;
    return score >= 1 - 1e-9
      ? finding({ status: 'passed', score: 1, explanation: said })
      : finding({ status: 'failed', score, explanation: `${said}${why}` });
  }
  return finding({
    status: 'failed',
    explanation: `no reward was written (${files.join(' or ')} missing)${why}`,
  });
}

function readReward(
  file: string,
  text: string,
  key: string,
): { ok: true; value: number } | { ok: false; reason: string } {
  if (!file.endsWith('.json')) {
    const parsed = parseFiniteNumber(text.trim());
    return parsed.ok ? parsed : { ok: false, reason: `the reward is not a number: ${parsed.reason}` };
  }
  let data: unknown;
  try {
    data = parseJsonLenient(text);
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
  }
  const found = valueAtDottedKey(data, key);
  if (!found.ok) {
    const keys = data && typeof data === 'object' ? Object.keys(data).join(', ') : '';
    return { ok: false, reason: `${found.reason}${keys ? ` (keys: ${keys})` : ''}` };
  }
  const parsed = parseFiniteNumber(found.raw);
  return parsed.ok ? parsed : { ok: false, reason: `reward ${key}: ${parsed.reason}` };
}
