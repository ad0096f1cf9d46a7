import {
  type AgentContext,
  type AgentOutcome,
  callModel,
  DEFAULT_SYSTEM_PROMPT,
  outcomeFromError,
  runToolCall,
} from './loop.js';
import type { ChatMessage } from './types.js';

/** Drives a model through OpenAI-style native tool calls until it answers without calling a tool. */
export async function runNativeToolAgent(ctx: AgentContext): Promise<AgentOutcome> {
  const messages: ChatMessage[] = [
    { role: 'system', content: ctx.systemPrompt ?? DEFAULT_SYSTEM_PROMPT },
    { role: 'user', content: ctx.instructions },
  ];
  ctx.transcript.write({
    type: 'agent_start',
    agent: 'native',
    model: ctx.model.name,
    messages,
    tools: ctx.toolbox.names,
  });
  const tools = ctx.toolbox.specs();
  let turns = 0;
  let toolCalls = 0;
  try {
    while (turns < ctx.maxTurns) {
      if (ctx.signal?.aborted) throw new Error('interrupted');
      turns++;
      const response = await callModel(ctx, { messages, tools, temperature: ctx.temperature });
      const reply = response.message;
      messages.push(reply);
      const calls = reply.tool_calls ?? [];
      if (calls.length === 0) {
        return {
          stopReason: 'final_answer',
          killReason: null,
          turns,
          toolCalls,
          finalAnswer: reply.content ?? '',
          error: null,
        };
      }
      for (const call of calls) {
        const content = await runToolCall(ctx, call);
        toolCalls++;
        messages.push({ role: 'tool', tool_call_id: call.id, name: call.name, content });
      }
    }
    return {
      stopReason: 'turn_limit',
      killReason: 'turn_limit',
      turns,
      toolCalls,
      finalAnswer: null,
      error: null,
    };
  } catch (err) {
    return outcomeFromError(err, turns, toolCalls, ctx.signal);
  }
}
