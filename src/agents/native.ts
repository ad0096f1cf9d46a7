import { z } from 'zod';
import type { ChatMessage, ToolCall, ToolSpec } from '../models/index.js';
import type { AgentContext, AgentOutcome, AgentProtocol, ToolOutcome, Turn } from './loop.js';
import { driveAgent } from './loop.js';

/** The name of the tool (or text action) that ends the loop explicitly. */
export const SUBMIT = 'submit';

export const submitArgs = z
  .object({ answer: z.string().describe('A short summary of what was done.') })
  .strict();

export const SUBMIT_SPEC: ToolSpec = (() => {
  const { $schema: _, ...parameters } = z.toJSONSchema(submitArgs) as Record<string, unknown>;
  return {
    name: SUBMIT,
    description: 'Call this once the task is complete; it ends your work. Nothing else runs after it.',
    parameters,
  };
})();

/** The answer of a submit call; lenient, since submitting should never fail. */
export function submitAnswer(rawArgs: string): string {
  try {
    const parsed = submitArgs.safeParse(JSON.parse(rawArgs || '{}'));
    return parsed.success ? parsed.data.answer : rawArgs;
  } catch {
    return rawArgs;
  }
}

/**
 * OpenAI-style native tool calling: tools are declared in the request, the
 * model answers with `tool_calls` (several per turn allowed), each result goes
 * back as a `tool` message. Malformed arguments come back as a tool error.
 * Ends on a reply without tool calls (final answer) or a `submit` call.
 */
export class NativeToolAgent implements AgentProtocol {
  readonly agent = 'native';

  run(ctx: AgentContext): Promise<AgentOutcome> {
    return driveAgent(ctx, this);
  }

  systemPrompt(base: string): string {
    return `${base}\nWhen the task is complete, call ${SUBMIT} with a short summary (or reply without a tool call).`;
  }

  request(messages: ChatMessage[], tools: ToolSpec[]) {
    return { messages, tools: [...tools, SUBMIT_SPEC] };
  }

  interpret(reply: Extract<ChatMessage, { role: 'assistant' }>): Turn {
    const all = reply.tool_calls ?? [];
    if (all.length === 0) return { calls: [], submit: null, final: true, feedback: null };
    const submit = all.find((c) => c.name === SUBMIT);
    return {
      calls: all.filter((c) => c.name !== SUBMIT),
      submit: submit ? submitAnswer(submit.arguments) : null,
      final: false,
      feedback: null,
    };
  }

  resultMessages(results: ToolOutcome[]): ChatMessage[] {
    return results.map(({ call, text }: { call: ToolCall; text: string }) => ({
      role: 'tool',
      tool_call_id: call.id,
      name: call.name,
      content: text,
    }));
  }
}
