export { discoverTaskDirs } from './discover.js';
export {
  formatProblem,
  inspectTask,
  loadTask,
  ManifestError,
  type ManifestProblem,
  readYamlManifest,
  type Task,
  taskFromSnapshot,
} from './load.js';
export * from './schema.js';
export { resolveSharedImage, SHARED_IMAGES_DIR, type SharedImageLookup } from './shared-images.js';
export { copyVerbatim, stageTask } from './stage.js';
