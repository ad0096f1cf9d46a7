export { resolveModel, runAgent } from './factory.js';
export { type AgentContext, type AgentOutcome, DEFAULT_SYSTEM_PROMPT, type StopReason } from './loop.js';
export { NullModel, ORACLE_SOLUTION_DIR, OracleModel } from './scripted.js';
export * from './types.js';
