import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CostTracker } from '../cost/index.js';
import { type ChatModel, type ExchangeStore, ModelGateway, type TranscriptSink } from '../models/index.js';
import { packForSandbox, SANDBOX_PATHS, type SandboxRunner, shellQuote } from '../sandbox/index.js';
import type { Task } from '../tasks/index.js';
import { condenseTranscript, describeChanges } from './material.js';
import type { JudgeMaterial } from './rubric.js';
import type { JudgeSetup } from './types.js';

/** Grader material up to this size goes in through the shell as one tar; more is streamed by `docker cp`. */
const INLINE_COPY_LIMIT_BYTES = 32 * 1024 * 1024;
/** Every run gets the reference solution here for grading (the oracle's run also had it from its start). */
const SOLUTION_DIR = SANDBOX_PATHS.solution;

/**
 * Kills every process in the agent's container except PID 1, the container's
 * main process, this script's own ancestors (the shell running it) and their
 * other direct children (a persistent shell's helper coprocess), so nothing
 * the agent left running in the background can touch the workspace while it
 * is graded. (An agent's background job is never a direct child of a
 * persistent shell: each command runs in a subshell, so orphans go to PID 1.)
 * Processes are stopped before they are killed so a respawning loop cannot
 * outrun it. Prints `killed N left M`. Only bash builtins, so it forks nothing
 * it would have to spare.
 */
export const KILL_LEFTOVERS_SCRIPT = `
ancestors=" "
p=$BASHPID
while [ -n "$p" ] && [ "$p" -gt 1 ] 2>/dev/null; do
  ancestors="$ancestors$p "
  read -r s < /proc/$p/stat 2>/dev/null || break
  s=\${s##*) }; set -- $s; p=$2
done
spare=" 1$ancestors"
for d in /proc/[0-9]*; do
  read -r s < "$d/stat" 2>/dev/null || continue
  s=\${s##*) }; set -- $s
  case "$ancestors" in *" $2 "*) spare="$spare\${d#/proc/} ";; esac
done
main=""
read -r init_comm < /proc/1/comm 2>/dev/null
case "$init_comm" in
  docker-init|tini|dumb-init|init|catatonit)
    best=""
    for d in /proc/[0-9]*; do
      read -r s < "$d/stat" 2>/dev/null || continue
      s=\${s##*) }; set -- $s
      if [ "$2" = 1 ] && { [ -z "$best" ] || [ "\${20}" -lt "$best" ]; }; then best=\${20}; main=\${d#/proc/}; fi
    done;;
esac
killed=0
left=0
for round in 1 2 3 4 5 6 7 8 9 10; do
  victims=""
  left=0
  for d in /proc/[0-9]*; do
    pid=\${d#/proc/}
    case "$spare" in *" $pid "*) continue;; esac
    [ "$pid" = "$main" ] && continue
    read -r s < "$d/stat" 2>/dev/null || continue
    s=\${s##*) }; set -- $s
    [ "$1" = Z ] && continue
    victims="$victims $pid"
    left=$((left + 1))
  done
  [ -z "$victims" ] && break
  kill -STOP $victims 2>/dev/null
  kill -KILL $victims 2>/dev/null
  killed=$((killed + left))
  sleep 0.2
done
echo "killed $killed left $left"
`;

export interface PreparedGrading {
  graderDir: string;
  solutionDir: string;
  killedProcesses: number;
  /** Processes that could not be killed (e.g. owned by another user); reported, not fatal. */
  leftProcesses: number;
}

/**
 * Gets a sandbox ready for grading once the agent has stopped: kills the
 * agent's leftover processes (unless the task keeps them for its checks),
 * then copies in the grader fixtures (at the task's `fixtures_at`, such as
 * Harbor's /tests, else /opt/factory-bench/grader), expected outputs and the
 * reference solution, owned by root and read-only, outside the workspace.
 * Whatever the agent put at those paths is removed first. The agent never
 * had them during its run.
 */
export async function prepareGrading(
  sandbox: SandboxRunner,
  task: Task,
  opts: {
    killLeftovers: boolean;
    /**
     * Told once nothing the agent left runs any more, while the grader files go in: what needs the
     * agent's processes gone (the workspace's copy out) can run alongside instead of after.
     */
    onLeftoversKilled?: () => void;
  },
): Promise<PreparedGrading> {
  // A fresh shell for everything that follows: the agent's commands ran in the old ones.
  await sandbox.newSession();
  let killed = 0;
  let left = 0;
  if (opts.killLeftovers) {
    const r = await sandbox.exec({ cmd: KILL_LEFTOVERS_SCRIPT, timeoutMs: 30_000 });
    const m = /killed (\d+) left (\d+)/.exec(r.stdout);
    killed = Number(m?.[1] ?? 0);
    left = Number(m?.[2] ?? 0);
  }
  opts.onLeftoversKilled?.();
  const asRoot = async (cmd: string) => {
    const r = await sandbox.exec({ cmd, user: '0', timeoutMs: 60_000 });
    if (r.exitCode !== 0)
      throw new Error(`preparing the grader files failed: \`${cmd}\`: ${r.stderr.trim()}`);
  };
  const graderDir = task.manifest.grader.fixtures_at ?? SANDBOX_PATHS.grader;
  // Every copy target's parent is made by root first: the agent's user cannot write under /opt.
  const copies: Array<[string, string]> = [];
  if (task.paths.fixtures) copies.push([task.paths.fixtures, graderDir]);
  for (const check of task.manifest.grader.checks) {
    if (check.type !== 'reference_output') continue;
    const host = path.resolve(task.dir, check.expected);
    const inFixtures = task.paths.fixtures && host.startsWith(task.paths.fixtures + path.sep);
    if (!inFixtures && existsSync(host)) copies.push([host, `${graderDir}/${path.relative(task.dir, host)}`]);
  }
  // Copied afresh even for the oracle: an agent running as root (a Harbor task's) may have changed it.
  if (existsSync(task.paths.solution)) copies.push([task.paths.solution, SOLUTION_DIR]);
  const targets = [graderDir, ...copies.map(([, to]) => to).filter((t) => t === SOLUTION_DIR)];
  const parents = new Set([graderDir, ...copies.map(([, to]) => path.posix.dirname(to))]);
  // Whatever is at the targets now came from the agent (a planted /tests, say): gone before the copies.
  const mkdirs = `rm -rf -- ${targets.map(shellQuote).join(' ')} && mkdir -p -- ${[...parents].map(shellQuote).join(' ')}`;
  const lockDown = `chmod -R a-w,a+rX -- ${targets.map(shellQuote).join(' ')}`;
  // Usually small: one tar through the open root shell (a `docker cp` per entry costs far more).
  const packed = await packForSandbox(
    copies.map(([host, to]) => ({ host, sandbox: to })),
    { uid: 0, gid: 0 },
    INLINE_COPY_LIMIT_BYTES,
  );
  const inline = packed
    ? await sandbox.exec({
        cmd:
          packed.length > 0
            ? `command -v tar >/dev/null 2>&1 || exit 127\n${mkdirs} && tar -x -i -f - -C / && ${lockDown}`
            : `${mkdirs} && ${lockDown}`,
        stdin: packed,
        user: '0',
        timeoutMs: 120_000,
      })
    : null;
  if (inline?.exitCode !== 0) {
    // Large material, or an image without tar: `docker cp` needs nothing in the image.
    await asRoot(mkdirs);
    for (const [from, to] of copies) {
      // `docker cp` of a folder onto an existing folder nests it; copy folder contents instead.
      if (to === graderDir)
        for (const entry of readdirSync(from)) await sandbox.copyIn(path.join(from, entry), `${to}/${entry}`);
      else await sandbox.copyIn(from, to);
    }
    await asRoot(lockDown);
  }
  return {
    graderDir,
    solutionDir: SOLUTION_DIR,
    killedProcesses: killed,
    leftProcesses: left,
  };
}

/** The judge wiring for a run directory: the model resolver, the answer cache and the judge's own cost. */
export function judgeForRun(opts: {
  task: Task;
  resolve: (name: string) => Promise<ChatModel>;
  cacheDir: string | null;
  cost: CostTracker;
  transcriptPath: string;
  seedWorkspace: string;
  finalWorkspace: string;
  /** Where judge calls are written, one line each with `source: judge`. */
  transcript?: TranscriptSink | null;
  exchanges?: ExchangeStore | null;
}): JudgeSetup {
  const build = (): JudgeMaterial => ({
    instructions: opts.task.manifest.instructions,
    transcript: existsSync(opts.transcriptPath)
      ? condenseTranscript(readFileSync(opts.transcriptPath, 'utf8'))
      : '',
    changes: describeChanges(opts.seedWorkspace, opts.finalWorkspace),
  });
  // Read now, before any grader command can leave files in the workspace, and only when a rubric needs it.
  const material = opts.task.manifest.grader.checks.some((c) => c.type === 'llm_rubric') ? build() : null;
  const gateways = new Map<string, ModelGateway>();
  return {
    resolve: opts.resolve,
    cacheDir: opts.cacheDir,
    gateway: (model) => {
      let gateway = gateways.get(model.name);
      if (!gateway) {
        gateway = new ModelGateway({
          model,
          cost: opts.cost,
          transcript: opts.transcript ?? null,
          exchanges: opts.exchanges ?? null,
          source: 'judge',
        });
        gateways.set(model.name, gateway);
      }
      return gateway;
    },
    material: () => material ?? build(),
  };
}
