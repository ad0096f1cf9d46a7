export { type RunPhase, type RunTaskOptions, type RunTaskResult, runTask } from './run-task.js';
