/**
 * Every cap on how much output the harness keeps, in one place. A cut is never
 * silent: capped text keeps its head and tail and says how many bytes went
 * from the middle (see output.ts).
 */
export const OUTPUT_LIMITS = {
  /** One tool result as the model reads it (Inspect AI sends 16 KiB). */
  toModelBytes: 16 * 1024,
  /** Each stream of one sandbox command, unless the request asks for another cap. */
  execStreamBytes: 10 * 1024 * 1024,
  /** Each stream of a grader command, as kept in grader_outputs/ (the cut is recorded there). */
  graderStreamBytes: 1024 * 1024,
  /** A file read out of a sandbox (SandboxRunner.readFile) is returned whole up to this. */
  fileReadBytes: 2 * 1024 * 1024 * 1024,
  /** What one docker CLI call may print (execa's maxBuffer). */
  dockerCliBytes: 512 * 1024 * 1024,
} as const;

/** The per-stream cap of a sandbox command when the request names none. */
export const DEFAULT_MAX_OUTPUT_BYTES = OUTPUT_LIMITS.execStreamBytes;
