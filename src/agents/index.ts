export {
  type AgentGateway,
  type ExternalAgentContext,
  runExternalAgent,
  runMcpStdioSession,
  toolHostFor,
} from './external.js';
export { createAgent, runAgent } from './factory.js';
export { AgentInstallError, ensureHostInstall } from './host-install.js';
export {
  type Agent,
  type AgentContext,
  type AgentOutcome,
  type AgentProtocol,
  defaultSystemPrompt,
  driveAgent,
  runToolCall,
  runToolCallDetailed,
  type StopReason,
  type ToolCallContext,
  type Turn,
  WALL_GRACE_MS,
} from './loop.js';
export { resolveModel } from './models.js';
export { NativeToolAgent, SUBMIT } from './native.js';
export { ReactAgent } from './react.js';
export { NullModel, OracleModel } from './scripted.js';
export { SimpleAgent } from './simple.js';
export {
  AGENT_IGNORED_DIRS,
  AGENT_MANIFEST,
  type AgentManifest,
  type AgentSpec,
  agentInfo,
  agentManifestSchema,
  BUILTIN_AGENT,
  BUILTIN_AGENT_INFO,
  hashAgentFolder,
  loadAgent,
  RESERVED_AGENT_ENV,
} from './spec.js';
export { parseJsonActions, parseLenientJson } from './text-actions.js';
