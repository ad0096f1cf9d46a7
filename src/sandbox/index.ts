export {
  AGENT_DIR_IN_SANDBOX,
  type AgentImageRequest,
  agentDockerfile,
  agentImageTag,
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
export {
  DEFAULT_ENGINE,
  type DockerEngine,
  dockerCall,
  engineEnv,
  minimalEnv,
} from './docker-cli.js';
export { DockerRunner } from './docker-runner.js';
export { egressImageTag } from './egress.js';
export {
  copyImage,
  type DockerHost,
  DockerHostError,
  engineEndpoint,
  isRemoteEngine,
  loadHostsFile,
  parseDockerHost,
  probeEngine,
  sharingImages,
} from './engines.js';
export { chooseSandboxKind, createSandbox, SANDBOX_ENV } from './factory.js';
export {
  assertGatewayReachable,
  forwarderImageTag,
  GATEWAY_SOCKET_NAME,
  gatewayUrlInSandbox,
} from './gateway-link.js';
export { type ImageOrigin, type ImageUse, imageActivity, resetImageActivity } from './image-activity.js';
export {
  type ArchiveCompression,
  type DockerTarget,
  defaultCompression,
  IMAGE_ARCHIVE_MANIFEST,
  ImageArchiveError,
  type ImageArchiveManifest,
  type LoadedArchive,
  loadImageArchive,
  localImageIds,
  readImageArchiveManifest,
  type SavedArchive,
  saveImageArchive,
} from './image-archive.js';
export { baseImagesOf, builtImageTag, ensureImage, hashBuildContext } from './images.js';
export { SANDBOX_PATHS } from './layout.js';
export { DEFAULT_MAX_OUTPUT_BYTES, OUTPUT_LIMITS } from './limits.js';
export {
  type LockHolder,
  type LockOptions,
  lockHolders,
  lockPath,
  processAlive,
  tryLockSync,
  withFileLock,
} from './lock.js';
export { CappedCollector, capOutput } from './output.js';
export { packForSandbox } from './pack.js';
export { confineLexically, resolveHostPath } from './paths.js';
export { shellQuote } from './quote.js';
export { liveSandboxCount } from './registry.js';
export * from './types.js';
