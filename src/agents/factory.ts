import type { ToolStyle } from '../tasks/index.js';
import type { Agent, AgentContext, AgentOutcome } from './loop.js';
import { NativeToolAgent } from './native.js';
import { ReactAgent } from './react.js';
import { SimpleAgent } from './simple.js';

/** The one place a task's `tools.style` picks an agent. A fresh agent per run (text agents keep state). */
export function createAgent(style: ToolStyle): Agent {
  switch (style) {
    case 'native':
      return new NativeToolAgent();
    case 'json_text':
      return new ReactAgent();
    case 'code_blocks':
      return new SimpleAgent();
  }
}

export function runAgent(style: ToolStyle, ctx: AgentContext): Promise<AgentOutcome> {
  return createAgent(style).run(ctx);
}
