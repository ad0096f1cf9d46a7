import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { redact, redactDeep } from './redact.js';
import { type RunResult, runResultSchema } from './result.js';

/** The layout of `runs/<run_id>/`, in one place. */
export class RunDirectory {
  readonly root: string;
  constructor(
    readonly runsRoot: string,
    readonly runId: string,
  ) {
    this.root = path.join(runsRoot, runId);
  }
  get workspace(): string {
    return path.join(this.root, 'workspace');
  }
  get workspaceFinal(): string {
    return path.join(this.root, 'workspace_final');
  }
  get graderOutputs(): string {
    return path.join(this.root, 'grader_outputs');
  }
  get transcriptPath(): string {
    return path.join(this.root, 'transcript.jsonl');
  }
  get resultPath(): string {
    return path.join(this.root, 'result.json');
  }
  get manifestSnapshotPath(): string {
    return path.join(this.root, 'manifest.snapshot.yaml');
  }
  get logsDir(): string {
    return path.join(this.root, 'logs');
  }

  create(): void {
    mkdirSync(this.root, { recursive: true });
    mkdirSync(this.graderOutputs, { recursive: true });
    mkdirSync(this.logsDir, { recursive: true });
  }

  /**
   * Seeds `workspace/` from the task's folder: links copied as links, never
   * followed or rewritten. No folder (a task whose workspace starts empty, as
   * a Harbor task's does): an empty one.
   */
  seedWorkspace(from: string | null): void {
    if (from === null) {
      mkdirSync(this.workspace, { recursive: true });
      return;
    }
    cpSync(realpathSync(from), this.workspace, {
      recursive: true,
      errorOnExist: false,
      verbatimSymlinks: true,
    });
  }

  /** The run's copies of the task's grading material and solution (see stageTask); removed when the run ends. */
  get materialDir(): string {
    return path.join(this.root, '.task');
  }

  writeText(rel: string, text: string): void {
    const file = path.join(this.root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, redact(text));
  }

  /** Writes result.json atomically so a reader never sees half a file. */
  writeResult(result: RunResult): void {
    mkdirSync(this.root, { recursive: true });
    const tmp = `${this.resultPath}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(redactDeep(result), null, 2)}\n`);
    renameSync(tmp, this.resultPath);
  }

  readResult(): RunResult | null {
    if (!existsSync(this.resultPath)) return null;
    return runResultSchema.parse(JSON.parse(readFileSync(this.resultPath, 'utf8')));
  }
}

export type TranscriptEvent = { type: string } & Record<string, unknown>;

/** Appends one JSON event per line, redacted, each stamped with its time. */
export class TranscriptWriter {
  private readonly started = Date.now();
  constructor(private readonly file: string) {}
  write(event: TranscriptEvent): void {
    const line = { t: new Date().toISOString(), elapsed_ms: Date.now() - this.started, ...event };
    appendFileSync(this.file, `${redact(JSON.stringify(line))}\n`);
  }
}
