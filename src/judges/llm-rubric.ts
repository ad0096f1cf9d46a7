import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ChatMessage, type ChatModel, EMPTY_USAGE, type Usage } from '../models/index.js';
import { formatNumber } from './numbers.js';
import {
  type CachedVerdict,
  judgePrompt,
  parseVerdict,
  retryMessage,
  VerdictCache,
  verdictKey,
} from './rubric.js';
import type { CheckFinding, CheckOf, GradeContext } from './types.js';

const DEFAULT_MAX_ATTEMPTS = 3;

function addUsage(a: Usage, b: Usage): Usage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
  };
}

function renderPrompt(messages: ChatMessage[]): string {
  return messages.map((m) => `### ${m.role}\n\n${m.content ?? ''}`).join('\n\n');
}

/**
 * Asks a separate judge model to score the work against a rubric file. The
 * answer must parse strictly; a malformed one is retried a bounded number of
 * times and then becomes a grader error. Answers are cached by a hash of the
 * judge model and the exact prompt, so grading the same work again is free.
 */
export async function llmRubric(check: CheckOf<'llm_rubric'>, ctx: GradeContext): Promise<CheckFinding> {
  const judge = ctx.judge;
  if (!judge) return { status: 'error', explanation: 'no judge model is configured for this grading' };
  let rubric: string;
  try {
    rubric = readFileSync(path.resolve(ctx.task.dir, check.rubric), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return { status: 'error', explanation: `cannot read the rubric ${check.rubric} (${code})` };
  }
  const { scale } = check;
  const passAt = check.pass_at ?? (scale.min + scale.max) / 2;
  const messages = judgePrompt(rubric, scale, judge.material());
  const key = verdictKey(check.judge_model, messages);
  const cache = judge.cacheDir ? new VerdictCache(judge.cacheDir) : null;
  const files = { prompt: renderPrompt(messages) };
  const base = { judge_model: check.judge_model, scale, pass_at: passAt, cache_key: key };

  const verdictFinding = (v: CachedVerdict, cached: boolean, spentUsd: number | null): CheckFinding => {
    const passed = v.score >= passAt;
    const normalized = scale.max > scale.min ? (v.score - scale.min) / (scale.max - scale.min) : 0;
    const reasoning = v.reasoning.length > 300 ? `${v.reasoning.slice(0, 300)}...` : v.reasoning;
    return {
      status: passed ? 'passed' : 'failed',
      score: Math.min(1, Math.max(0, normalized)),
      explanation: `judged ${formatNumber(v.score)} on ${scale.min}..${scale.max} (pass at ${formatNumber(passAt)})${cached ? ', cached' : ''}: ${reasoning}`,
      details: {
        ...base,
        raw_score: v.score,
        reasoning: v.reasoning,
        cached,
        attempts: v.attempts,
        usage: cached ? EMPTY_USAGE : v.usage,
        cost_usd: spentUsd,
      },
      files: { ...files, reasoning: v.reasoning },
    };
  };

  const hit = cache?.get(key);
  if (hit) return verdictFinding(hit, true, 0);

  let model: ChatModel;
  try {
    model = await judge.resolve(check.judge_model);
  } catch (err) {
    return {
      status: 'error',
      explanation: `cannot use judge model ${check.judge_model}: ${(err as Error).message}`,
      details: base,
      files,
    };
  }
  const gateway = judge.gateway(model);
  const conversation = [...messages];
  const replies: Array<string | null> = [];
  let usage: Usage = EMPTY_USAGE;
  let spent: number | null = 0;
  const maxAttempts = judge.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  let lastReason = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let reply: ChatMessage & { role: 'assistant' };
    try {
      const response = await gateway.complete({ messages: conversation, temperature: 0 });
      const cost = response.costUsd;
      spent = spent === null || cost === null ? null : spent + cost;
      usage = addUsage(usage, response.usage);
      reply = response.message;
    } catch (err) {
      return {
        status: 'error',
        explanation: `judge model ${check.judge_model} failed: ${(err as Error).message}`,
        details: { ...base, replies, usage, cost_usd: spent },
        files,
      };
    }
    replies.push(reply.content);
    const verdict = parseVerdict(reply.content, scale);
    if (verdict.ok) {
      const entry: CachedVerdict = {
        key,
        judge_model: check.judge_model,
        score: verdict.score,
        reasoning: verdict.reasoning,
        usage,
        cost_usd: spent,
        attempts: attempt,
        created_at: new Date().toISOString(),
      };
      cache?.put(entry);
      return verdictFinding(entry, false, spent);
    }
    lastReason = verdict.reason;
    conversation.push({ role: 'assistant', content: reply.content }, retryMessage(verdict.reason, scale));
  }
  return {
    status: 'error',
    explanation: `judge model ${check.judge_model} gave no usable answer in ${maxAttempts} attempts: ${lastReason}`,
    details: { ...base, replies, usage, cost_usd: spent },
    files,
  };
}
