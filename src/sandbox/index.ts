export { dockerCall, minimalEnv } from './docker-cli.js';
export { DEFAULT_MAX_OUTPUT_BYTES, DockerRunner, RUN_LABEL, shellQuote } from './docker-runner.js';
export { ensureImage, hashBuildContext } from './images.js';
export { capOutput } from './output.js';
export { confineLexically, resolveHostPath } from './paths.js';
export * from './types.js';
