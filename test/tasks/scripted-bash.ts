import { type ChatModel, type ChatRequest, type ChatResponse, EMPTY_USAGE } from '../../src/agents/index.js';

/**
 * A scripted agent that runs the given bash commands one per turn, keeps what
 * each returned, then ends. It speaks native tool calls, so tests run the task
 * with `tools.style: native` whatever protocol the task itself tests.
 */
export class ScriptedBashModel implements ChatModel {
  readonly free = true;
  readonly outputs: string[] = [];
  constructor(
    private readonly commands: string[],
    readonly name = 'scripted-bash',
  ) {}

  async complete(req: ChatRequest): Promise<ChatResponse> {
    const results = req.messages.filter((m) => m.role === 'tool');
    const last = results.at(-1);
    if (last && results.length > this.outputs.length) this.outputs.push(last.content);
    const next = this.commands[results.length];
    if (next === undefined)
      return { message: { role: 'assistant', content: 'done' }, usage: EMPTY_USAGE, finishReason: 'stop' };
    return {
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: `call-${results.length + 1}`, name: 'bash', arguments: JSON.stringify({ command: next }) },
        ],
      },
      usage: EMPTY_USAGE,
      finishReason: 'tool_calls',
    };
  }
}
