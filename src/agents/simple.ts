import type { ChatMessage, ToolCall, ToolSpec } from '../models/index.js';
import type { AgentContext, AgentOutcome, AgentProtocol, ToolOutcome, Turn } from './loop.js';
import { driveAgent } from './loop.js';
import { fencedBlocks } from './text-actions.js';

const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'console']);
const PYTHON_LANGS = new Set(['python', 'python3', 'py']);
const SUBMIT_LINE = /^\s*SUBMIT:?\s*(.*)$/m;

/**
 * The simplest text protocol, for models that handle neither native tools nor
 * reliable JSON: the model writes shell commands in ```bash fences (or Python
 * in ```python fences when the python tool is enabled). Every such block in a
 * reply runs, in order, and the outputs come back as the next user message.
 * A line `SUBMIT: <summary>` ends the loop (after that reply's blocks run); a
 * reply with no runnable block is the final answer.
 */
export class SimpleAgent implements AgentProtocol {
  readonly agent = 'simple';
  private python = false;

  run(ctx: AgentContext): Promise<AgentOutcome> {
    return driveAgent(ctx, this);
  }

  systemPrompt(base: string, tools: ToolSpec[]): string {
    this.python = tools.some((t) => t.name === 'python');
    return [
      base,
      '',
      'To run shell commands, put them in a fenced block:',
      '```bash\nls -la\n```',
      ...(this.python ? ['To run Python code, use a ```python block.'] : []),
      'Every block in your reply runs, in order, and you then receive the outputs.',
      'When the task is complete, write a line `SUBMIT: <one-line summary>`.',
    ].join('\n');
  }

  request(messages: ChatMessage[]) {
    return { messages, textProtocol: 'code_blocks' as const };
  }

  interpret(reply: Extract<ChatMessage, { role: 'assistant' }>, turn: number): Turn {
    const text = reply.content ?? '';
    const calls: ToolCall[] = [];
    for (const block of fencedBlocks(text)) {
      const id = `call_${turn}_${calls.length + 1}`;
      if (SHELL_LANGS.has(block.lang))
        calls.push({ id, name: 'bash', arguments: JSON.stringify({ command: block.body }) });
      else if (PYTHON_LANGS.has(block.lang) && this.python)
        calls.push({ id, name: 'python', arguments: JSON.stringify({ code: block.body }) });
    }
    // A SUBMIT line counts only outside code blocks.
    const submit = SUBMIT_LINE.exec(text.replace(/```[\s\S]*?```/g, ''));
    if (submit) return { calls, submit: submit[1]?.trim() ?? '', final: false, feedback: null };
    if (calls.length === 0) return { calls, submit: null, final: true, feedback: null };
    return { calls, submit: null, final: false, feedback: null };
  }

  resultMessages(results: ToolOutcome[]): ChatMessage[] {
    const parts = results.map((r, i) => `Output of block ${i + 1} (${r.call.name}):\n${r.text}`);
    return [{ role: 'user', content: parts.join('\n\n') }];
  }
}
