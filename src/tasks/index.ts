export { discoverTaskDirs, isTaskFolder } from './discover.js';
export * from './grader-schema.js';
export {
  type FieldMapping,
  HARBOR_MANIFEST,
  HARBOR_REWARD_FILES,
  HARBOR_TESTS_DIR,
  isHarborFolder,
} from './harbor.js';
export {
  inspectTask,
  loadTask,
  readYamlManifest,
  type Task,
  type TaskFormat,
  taskFromSnapshot,
} from './load.js';
export { formatProblem, ManifestError, type ManifestProblem } from './problems.js';
export * from './schema.js';
export { resolveSharedImage, SHARED_IMAGES_DIR, type SharedImageLookup } from './shared-images.js';
export { copyVerbatim, stageTask } from './stage.js';
export { imageFileClashes, taskWarnings } from './warnings.js';
