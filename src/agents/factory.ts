import type { ToolStyle } from '../tasks/index.js';
import type { AgentContext, AgentOutcome } from './loop.js';
import { runNativeToolAgent } from './native.js';
import { NullModel, OracleModel } from './scripted.js';
import { type ChatModel, ModelError } from './types.js';

/** Resolves a model name to a chat model. Built-ins need no key. */
export async function resolveModel(name: string): Promise<ChatModel> {
  if (name === 'oracle') return new OracleModel();
  if (name === 'null') return new NullModel();
  throw new ModelError(
    `unknown model ${JSON.stringify(name)}: use oracle, null, or provider/model such as openai/gpt-4o-mini`,
    'config',
  );
}

/** Picks the agent loop for a task's tool style. */
export function runAgent(style: ToolStyle, ctx: AgentContext): Promise<AgentOutcome> {
  switch (style) {
    case 'native':
      return runNativeToolAgent(ctx);
    case 'json_text':
      return runNativeToolAgent(ctx);
  }
}
