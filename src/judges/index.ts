export { grade, summarize } from './grade.js';
export { judgeForRun, KILL_LEFTOVERS_SCRIPT, type PreparedGrading, prepareGrading } from './prepare.js';
export { type CachedVerdict, type JudgeMaterial, VerdictCache } from './rubric.js';
export {
  type CheckFinding,
  type CheckRunner,
  GRADER_DIR,
  GRADER_SOLUTION_DIR,
  type GradeContext,
  type GradeResult,
  type JudgeSetup,
} from './types.js';
