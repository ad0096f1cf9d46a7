import { shellQuote } from './quote.js';
import type { ExecRequest } from './types.js';

/**
 * What the harness writes to a persistent shell (see persistent-shell.ts):
 * the prelude once, then one framed command at a time.
 *
 * Framing: the command goes in as a here-document whose delimiter is fresh
 * and random, then `__fb_run <seconds> <stdin>`. The command runs in a
 * separate process (in its own process group, under the watchdog) with the
 * shell's stdout and stderr; when it ends, `__fb_end` writes an end marker
 * holding a fresh nonce to each stream, the exit code, verdict and OOM count
 * on stdout. The nonce is sent after the command line, so the shell has not
 * read it when it forks: output cannot fake the end of a command or its exit
 * code.
 */

// Job control gives every command its own process group, so a timeout kills its whole tree.
// The watchdog is a coprocess armed with "pgid seconds" and disarmed by any line (a timeout it
// records in a file the shell reads with builtins); it uses
// only builtins, so a command costs one fork and no exec. Commands run in a subshell: `exit`,
// `exec`, `cd` or closing a descriptor there cannot touch the shell itself.
// biome-ignore lint/suspicious/noTemplateCurlyInString: bash expansion, inserted into the prelude below
const WD_FD = '${__fb_wd[1]}';
export const PRELUDE = String.raw`
set -m
unset HISTFILE
__fb_tmp=$(mktemp -d 2>/dev/null || echo /tmp)
__fb_watch() {
  local pid secs rc n
  while IFS=' ' read -r pid secs; do
    IFS= read -r -t "$secs" _; rc=$?
    if [ "$rc" -gt 128 ]; then
      # Say so before the first signal, so the shell finds it once the command is gone.
      printf '%s' "$pid" > "$__fb_tmp/timed-out"
      kill -TERM -- "-$pid" 2>/dev/null
      IFS= read -r -t 2 _; rc=$?
      # Then KILL until the group is empty: a fork bomb outruns one signal.
      n=0
      while kill -KILL -- "-$pid" 2>/dev/null && [ $((n += 1)) -lt 10000 ]; do :; done
      if [ "$rc" -gt 128 ]; then IFS= read -r _; rc=$?; fi
    fi
    [ "$rc" -eq 1 ] && exit 0
  done
}
coproc __fb_wd { __fb_watch; } 2>/dev/null
# The cgroup's OOM-kill counter (v2, else v1), read with builtins only; "-" when unknown.
__fb_oom() {
  local f k v
  __fb_oomc=-
  for f in /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control; do
    [ -r "$f" ] || continue
    while read -r k v; do [ "$k" = oom_kill ] && __fb_oomc=$v; done < "$f"
    return 0
  done
}
__fb_end() {
  printf 'fbo-%s %d %s %s\n' "$2" "$1" "$__fb_verdict" "$__fb_oomc"
  printf 'fbe-%s\n' "$2" >&2
}
__fb_run() {
  ( set +m; unset -f __fb_run __fb_watch __fb_end; unset __fb_wd; eval "$__fb_c" ) < "$2" &
  local pid=$! rc
  printf '%s %s\n' "$pid" "$1" >&"${WD_FD}"
  { wait "$pid"; } 2>/dev/null; rc=$?
  printf 'x\n' >&"${WD_FD}"
  __fb_verdict=ok
  if [ -s "$__fb_tmp/timed-out" ]; then
    IFS= read -r __fb_tp < "$__fb_tmp/timed-out"
    [ "$__fb_tp" = "$pid" ] && { __fb_verdict=timeout; : > "$__fb_tmp/timed-out"; }
  fi
  __fb_oomc=-
  [ "$rc" -eq 137 ] && [ "$__fb_verdict" = ok ] && __fb_oom
  unset __fb_c
  return "$rc"
}
`;

/** The marker that starts the trailer a shell prints once its prelude ran: `fbr-<nonce> <pid> <oom kills>`. */
export const readyMarker = (nonce: string): string => `fbr-${nonce}`;
/** The markers that end a command's stdout (`fbo-<nonce> <exit> <verdict> <oom kills>`) and stderr. */
export const stdoutEndMarker = (nonce: string): string => `fbo-${nonce}`;
export const stderrEndMarker = (nonce: string): string => `fbe-${nonce}`;

/** What a new shell is sent: the prelude, then the ready line with its pid and OOM count. */
export function openingScript(nonce: string): string {
  return `${PRELUDE}\n__fb_oom; printf '${readyMarker('%s')} %d %s\\n' ${nonce} "$$" "$__fb_oomc"\n`;
}

/** The bytes that run one command in an open shell, as one write. */
export function frameCommand(
  cmd: { script: string; stdin?: string | Buffer | undefined; timeoutMs: number },
  nonce: string,
  delimiter: string,
): Buffer {
  const seconds = Math.max(0.1, cmd.timeoutMs / 1000).toFixed(3);
  let input = '/dev/null';
  const parts: Array<string | Buffer> = [
    `IFS= read -r -d '' __fb_c <<'fbc-${delimiter}'\n${cmd.script}\nfbc-${delimiter}\n`,
  ];
  if (cmd.stdin !== undefined && cmd.stdin.length > 0) {
    // GNU head -c never reads past its count, so the raw bytes can follow on the shell's own input.
    const data = Buffer.from(cmd.stdin);
    input = '"$__fb_tmp/stdin"';
    parts.push(`head -c ${data.length} > ${input}\n`, data);
  }
  // The marker nonce is sent after the command line, so the shell has not read it when it forks.
  parts.push(`__fb_run ${seconds} ${input}\n`, `__fb_end $? ${nonce}\n`);
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

/** The trailer after a command's stdout end marker: exit code, whether the watchdog killed it, OOM kills so far. */
export function parseEndTrailer(trailer: string): {
  exitCode: number;
  timedOut: boolean;
  oomKills: number | null;
} {
  const [code, verdict, oom] = trailer.trim().split(' ');
  const oomKills = Number(oom);
  return {
    exitCode: Number.parseInt(code ?? '', 10),
    timedOut: verdict === 'timeout',
    oomKills: oom !== undefined && oom !== '' && Number.isFinite(oomKills) ? oomKills : null,
  };
}

/** The `bash -c` script for a request: cwd and env set, then the command. */
export function buildScript(req: ExecRequest, workdir: string): string {
  const lines = [`cd -- ${shellQuote(req.cwd ?? workdir)} || exit 125`];
  for (const [k, v] of Object.entries(req.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name ${k}`);
    lines.push(`export ${k}=${shellQuote(v)}`);
  }
  lines.push(typeof req.cmd === 'string' ? req.cmd : `exec ${req.cmd.map(shellQuote).join(' ')}`);
  return lines.join('\n');
}
