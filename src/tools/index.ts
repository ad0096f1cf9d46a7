export { bashTool } from './bash.js';
export { formatExecResult } from './format.js';
export { renderToolResult, Toolbox } from './registry.js';
export type { Tool, ToolContext, ToolErrorKind, ToolResult } from './types.js';
