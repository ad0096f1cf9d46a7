export { createAgent, runAgent } from './factory.js';
export {
  type Agent,
  type AgentContext,
  type AgentOutcome,
  type AgentProtocol,
  DEFAULT_SYSTEM_PROMPT,
  driveAgent,
  type StopReason,
  type Turn,
  WALL_GRACE_MS,
} from './loop.js';
export { resolveModel } from './models.js';
export { NativeToolAgent, SUBMIT } from './native.js';
export { ReactAgent } from './react.js';
export { NullModel, ORACLE_SOLUTION_DIR, OracleModel } from './scripted.js';
export { SimpleAgent } from './simple.js';
export { parseJsonActions, parseLenientJson } from './text-actions.js';
