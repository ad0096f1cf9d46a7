export { grade, summarize } from './grade.js';
export { judgeForRun, KILL_LEFTOVERS_SCRIPT, type PreparedGrading, prepareGrading } from './prepare.js';
export { type CachedVerdict, type JudgeMaterial, VerdictCache } from './rubric.js';
export type {
  CheckFinding,
  CheckRunner,
  GradeContext,
  GradeResult,
  JudgeSetup,
} from './types.js';
