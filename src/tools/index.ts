export { bashTool } from './bash.js';
export { formatExecResult } from './format.js';
export { gitDiffTool } from './git-diff.js';
export { pythonTool } from './python.js';
export { renderToolResult, Toolbox } from './registry.js';
export { createTextEditorTool } from './text-editor.js';
export type { Tool, ToolContext, ToolErrorKind, ToolResult } from './types.js';
