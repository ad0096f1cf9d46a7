import { type ChatModel, type ChatRequest, type ChatResponse, EMPTY_USAGE } from './types.js';

/** Where the reference solution is mounted, read-only, for oracle runs only. */
export const ORACLE_SOLUTION_DIR = '/opt/factory-bench/solution';

/**
 * `oracle`: runs the task's reference solution through the agent's own tool
 * path (one bash call to solve.sh), then ends. Validates that a task is solvable.
 */
export class OracleModel implements ChatModel {
  readonly name = 'oracle';
  readonly free = true;
  async complete(req: ChatRequest): Promise<ChatResponse> {
    const alreadyRan = req.messages.some((m) => m.role === 'tool');
    if (alreadyRan) {
      return {
        message: { role: 'assistant', content: 'Ran the reference solution.' },
        usage: EMPTY_USAGE,
        finishReason: 'stop',
      };
    }
    const args = JSON.stringify({ command: `bash ${ORACLE_SOLUTION_DIR}/solve.sh` });
    return {
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'oracle-1', name: 'bash', arguments: args }],
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
  async complete(): Promise<ChatResponse> {
    return {
      message: { role: 'assistant', content: 'I will not do anything.' },
      usage: EMPTY_USAGE,
      finishReason: 'stop',
    };
  }
}
