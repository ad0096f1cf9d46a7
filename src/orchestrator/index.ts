export { type ImagePlan, type ImageRole, type PlannedImage, plannedImages } from './images.js';
export { REGRADABLE_STATUSES, type RegradeOptions, regradeRun } from './regrade.js';
export { type RunPhase, type RunTaskOptions, type RunTaskResult, runTask } from './run-task.js';
export {
  formatValidationLine,
  type TaskValidation,
  type ValidateOptions,
  type ValidationProblem,
  type ValidationProblemKind,
  type ValidationRun,
  validateTask,
  validateTasks,
} from './validate.js';
