import type { ChatMessage, ToolSpec } from '../models/index.js';
import type { AgentContext, AgentOutcome, AgentProtocol, ToolOutcome, Turn } from './loop.js';
import { driveAgent } from './loop.js';
import { SUBMIT, SUBMIT_SPEC, submitAnswer } from './native.js';
import { formatJsonAction, parseJsonActions } from './text-actions.js';

/**
 * ReAct over plain text, for models without native tool calling: the model
 * reasons in prose and writes one JSON action per reply,
 * `{"tool": "<name>", "arguments": {...}}`, usually in a ```json fence. The
 * action is parsed robustly (see text-actions.ts) and its result comes back
 * as the next user message; a reply that cannot be parsed gets the parse
 * error back instead. Ends on the `submit` action, or on a second reply in a
 * row with no action at all (the first one gets a reminder).
 */
export class ReactAgent implements AgentProtocol {
  readonly agent = 'react';
  private remindedAtTurn = -1;

  run(ctx: AgentContext): Promise<AgentOutcome> {
    return driveAgent(ctx, this);
  }

  systemPrompt(base: string, tools: ToolSpec[]): string {
    const lines = [...tools, SUBMIT_SPEC].map(
      (t) => `- ${t.name}: ${t.description}\n  arguments (JSON Schema): ${JSON.stringify(t.parameters)}`,
    );
    return [
      base,
      '',
      'You act by writing exactly one action per reply, after any reasoning, as a JSON object in a fenced block:',
      formatJsonAction('bash', { command: 'ls -la' }),
      'You then receive the result of the action. The tools:',
      ...lines,
      `When the task is complete, write the ${SUBMIT} action: ${formatJsonAction(SUBMIT, { answer: 'one-line summary' })}`,
    ].join('\n');
  }

  request(messages: ChatMessage[]) {
    return { messages, textProtocol: 'json_text' as const };
  }

  interpret(reply: Extract<ChatMessage, { role: 'assistant' }>, turn: number): Turn {
    const { actions, errors } = parseJsonActions(reply.content ?? '');
    const first = actions[0];
    if (!first) {
      if (errors.length > 0)
        return {
          calls: [],
          submit: null,
          final: false,
          feedback:
            `Your action could not be read: ${errors[0]}. Write exactly one JSON object such as ` +
            `{"tool": "bash", "arguments": {"command": "ls"}} in a \`\`\`json block.`,
        };
      if (this.remindedAtTurn !== turn - 1) {
        this.remindedAtTurn = turn;
        return {
          calls: [],
          submit: null,
          final: false,
          feedback: `Your reply had no action. Write one JSON action, or the ${SUBMIT} action if the task is complete.`,
        };
      }
      return { calls: [], submit: null, final: true, feedback: null };
    }
    if (first.tool === SUBMIT)
      return { calls: [], submit: submitAnswer(first.arguments), final: false, feedback: null };
    return {
      calls: [{ id: `call_${turn}`, name: first.tool, arguments: first.arguments }],
      submit: null,
      final: false,
      feedback:
        actions.length > 1
          ? `Only your first action ran; ${actions.length - 1} more were ignored. Write one action per reply.`
          : null,
    };
  }

  resultMessages(results: ToolOutcome[], feedback: string | null): ChatMessage[] {
    const parts = results.map((r) => `Result of ${r.call.name}:\n${r.text}`);
    if (feedback) parts.push(feedback);
    return [{ role: 'user', content: parts.join('\n\n') }];
  }
}
