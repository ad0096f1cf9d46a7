import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ChatMessage, Usage } from '../models/index.js';
import { redactDeep } from '../runs/index.js';

/** The judge prompt, strict parsing of its answer, and the answer cache. */

/** Bumped whenever the prompt changes, so cached answers to an older prompt are not reused. */
const PROMPT_VERSION = 1;

export interface Scale {
  min: number;
  max: number;
}

export interface JudgeMaterial {
  instructions: string;
  /** The agent's transcript, condensed to what it said and did. */
  transcript: string;
  /** The files the agent changed, with their final contents. */
  changes: string;
}

export function judgePrompt(rubric: string, scale: Scale, material: JudgeMaterial): ChatMessage[] {
  const system =
    'You are a strict and fair grader of work an AI agent did on a software task in a sandbox. ' +
    'Judge only against the rubric, using the evidence given (what the agent did and the files it changed). ' +
    'Reply with only a JSON object and nothing else: ' +
    `{"score": <a number from ${scale.min} to ${scale.max}>, "reasoning": "<why, in two to five sentences>"}.`;
  const user = [
    `# Task given to the agent\n\n${material.instructions.trim()}`,
    `# Rubric\n\n${rubric.trim()}`,
    `# Scale\n\nScore from ${scale.min} (worst) to ${scale.max} (best).`,
    `# What the agent did (transcript)\n\n${material.transcript.trim() || '(no transcript)'}`,
    `# Files the agent changed\n\n${material.changes.trim() || '(no changes)'}`,
  ].join('\n\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

const verdictSchema = z.object({ score: z.number(), reasoning: z.string().trim().min(1) }).strict();

export type Verdict = { ok: true; score: number; reasoning: string } | { ok: false; reason: string };

/**
 * Strict parsing: the whole reply is one JSON object (a surrounding ```json
 * fence is tolerated) with exactly `score` (a finite number within the scale)
 * and `reasoning` (non-empty text).
 */
export function parseVerdict(reply: string | null, scale: Scale): Verdict {
  let text = (reply ?? '').trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/.exec(text);
  if (fenced) text = (fenced[1] ?? '').trim();
  if (text === '') return { ok: false, reason: 'the reply is empty' };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the reply is not a JSON object' };
  }
  const parsed = verdictSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return {
      ok: false,
      reason: `the JSON object is not {score, reasoning}: ${where}${issue?.message ?? ''}`,
    };
  }
  const { score, reasoning } = parsed.data;
  if (score < scale.min || score > scale.max)
    return { ok: false, reason: `score ${score} is outside the scale ${scale.min}..${scale.max}` };
  return { ok: true, score, reasoning: reasoning.trim() };
}

export function retryMessage(reason: string, scale: Scale): ChatMessage {
  return {
    role: 'user',
    content:
      `Your reply could not be used: ${reason}. Reply again with only the JSON object ` +
      `{"score": <a number from ${scale.min} to ${scale.max}>, "reasoning": "<why>"} and nothing else.`,
  };
}

export interface CachedVerdict {
  key: string;
  judge_model: string;
  score: number;
  reasoning: string;
  usage: Usage;
  cost_usd: number | null;
  attempts: number;
  created_at: string;
}

/** The cache key: the judge model and the exact prompt (which holds the rubric, scale and transcript). */
export function verdictKey(judgeModel: string, messages: ChatMessage[]): string {
  return createHash('sha256')
    .update(JSON.stringify({ v: PROMPT_VERSION, judgeModel, messages }))
    .digest('hex');
}

/** Judge answers on disk, one file per key, so a re-grade of unchanged work costs nothing. */
export class VerdictCache {
  constructor(readonly dir: string) {}

  get(key: string): CachedVerdict | null {
    const file = path.join(this.dir, `${key}.json`);
    if (!existsSync(file)) return null;
    try {
      const entry = JSON.parse(readFileSync(file, 'utf8')) as CachedVerdict;
      return entry.key === key && typeof entry.score === 'number' ? entry : null;
    } catch {
      return null;
    }
  }

  put(entry: CachedVerdict): void {
    mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `${entry.key}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(redactDeep(entry), null, 2)}\n`);
    renameSync(tmp, file);
  }
}
