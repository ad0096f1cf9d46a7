import { type ChatModel, type ChatRequest, type ChatResponse, EMPTY_USAGE } from '../models/index.js';
import { SANDBOX_PATHS } from '../sandbox/index.js';
import { SUBMIT } from './native.js';
import { formatJsonAction } from './text-actions.js';

const DONE = 'Ran the reference solution.';

/**
 * `oracle`: runs the task's reference solution through the agent's own tool
 * path (one bash call to solve.sh), then ends. Validates that a task is
 * solvable. Speaks whichever protocol the agent uses: a native tool call when
 * the request declares tools, else the text action the agent parses.
 */
export class OracleModel implements ChatModel {
  readonly name = 'oracle';
  readonly free = true;
  async complete(req: ChatRequest): Promise<ChatResponse> {
    const alreadyRan = req.messages.some((m) => m.role === 'assistant');
    // The reference solution is copied there, owned by root, for oracle runs only.
    const command = `bash ${SANDBOX_PATHS.solution}/solve.sh`;
    if (!req.tools) {
      const content =
        req.textProtocol === 'code_blocks'
          ? alreadyRan
            ? `SUBMIT: ${DONE}`
            : `\`\`\`bash\n${command}\n\`\`\``
          : alreadyRan
            ? formatJsonAction(SUBMIT, { answer: DONE })
            : `Running the reference solution.\n${formatJsonAction('bash', { command })}`;
      return { message: { role: 'assistant', content }, usage: EMPTY_USAGE, finishReason: 'stop' };
    }
    if (alreadyRan) {
      return { message: { role: 'assistant', content: DONE }, usage: EMPTY_USAGE, finishReason: 'stop' };
    }
    return {
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'oracle-1', name: 'bash', arguments: JSON.stringify({ command }) }],
      },
      usage: EMPTY_USAGE,
      finishReason: 'tool_calls',
    };
  }
}

/** `null`: does nothing and ends. Validates that a task is not already solved. */
export class NullModel implements ChatModel {
  readonly name = 'null';
  readonly free = true;
  async complete(req: ChatRequest): Promise<ChatResponse> {
    // In a text protocol a plain reply only earns a reminder; submit so the run ends at once.
    const content =
      req.tools || !req.textProtocol
        ? 'I will not do anything.'
        : req.textProtocol === 'code_blocks'
          ? 'SUBMIT: I will not do anything.'
          : formatJsonAction(SUBMIT, { answer: 'I will not do anything.' });
    return { message: { role: 'assistant', content }, usage: EMPTY_USAGE, finishReason: 'stop' };
  }
}
