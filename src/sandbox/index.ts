export {
  AGENT_DIR_IN_SANDBOX,
  type AgentImageRequest,
  agentDockerfile,
  ensureAgentImage,
} from './agent-image.js';
export {
  type HarnessOwner,
  isOrphan,
  type Leftover,
  listLabelled,
  OWNER_LABEL,
  PID_LABEL,
  RUN_LABEL,
  removeByLabel,
  removeLeftoversOf,
  removeResources,
  runLabels,
  sweepOrphansOnce,
  thisHarness,
} from './cleanup.js';
export { AGENT_SERVICE, projectName } from './compose-file.js';
export { ComposeRunner, detectCompose } from './compose-runner.js';
export { dockerCall, minimalEnv } from './docker-cli.js';
export { DockerRunner } from './docker-runner.js';
export { chooseSandboxKind, createSandbox, SANDBOX_ENV } from './factory.js';
export { GATEWAY_SOCKET_NAME, gatewayUrlInSandbox } from './gateway-link.js';
export { baseImagesOf, ensureImage, hashBuildContext } from './images.js';
export { SANDBOX_PATHS } from './layout.js';
export { DEFAULT_MAX_OUTPUT_BYTES, OUTPUT_LIMITS } from './limits.js';
export { lockPath, withFileLock } from './lock.js';
export { CappedCollector, capOutput } from './output.js';
export { confineLexically, resolveHostPath } from './paths.js';
export { shellQuote } from './quote.js';
export { liveSandboxCount } from './registry.js';
export * from './types.js';
