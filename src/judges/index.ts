export { grade, summarize } from './grade.js';
export type { CheckFinding, CheckRunner, GradeContext, GradeResult } from './types.js';
