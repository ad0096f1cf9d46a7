import type { SandboxRunner } from '../sandbox/index.js';

/**
 * File access for the text editor that checks and opens in one step. A path
 * checked with resolvePath and then opened by name can be swapped in between
 * (a background job flipping a symlink), so the script below walks to the
 * file's folder one `cd -P` at a time, checking where each step landed (the
 * working directory then pins that folder), opens the file, and checks the
 * opened file's real path through /proc/self/fd before it reads or writes
 * through that same descriptor. New files are created with O_EXCL (bash's
 * noclobber), which never follows a link. The container stays the security
 * boundary (bash reaches the same files); this keeps the tool's own promise.
 */

/** The text editor handles files up to this size. */
export const MAX_EDITOR_FILE_BYTES = 8 * 1024 * 1024;

export type ConfinedFailure = 'not_found' | 'outside' | 'is_folder' | 'not_regular' | 'too_large' | 'denied';

export class ConfinedFileError extends Error {
  constructor(
    readonly failure: ConfinedFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ConfinedFileError';
  }
}

/** Exit codes of the script, by what they mean. */
const FAILURES: Record<number, ConfinedFailure> = {
  91: 'not_found',
  92: 'not_found',
  93: 'outside',
  94: 'is_folder',
  95: 'too_large',
  96: 'denied',
  98: 'not_regular',
};

// $1 op (read | write | remove | list), $2 the workspace, $3 the file (canonical, under the workspace), $4 max bytes.
const SCRIPT = `
set -u
op=$1; max=$4
root=$(realpath -e -- "$2") || exit 90
case "$3" in "$root") rel= ;; "$root"/*) rel=\${3#"$root"/} ;; *) exit 93 ;; esac
inside() { case "$1" in "$root"|"$root"/*) return 0 ;; esac; return 1; }
here_inside() { inside "$(pwd -P)" || exit 93; }
# The real path of what fd 3 is open on (Linux: /proc; elsewhere the weaker check of the name).
fd_path() { if [ -e /proc/self/fd/3 ]; then readlink /proc/self/fd/3; else realpath -- "./$name"; fi; }
fd=/proc/self/fd/3; [ -e /proc/self/fd ] || fd=/dev/fd/3
cd -P -- "$root" || exit 90
name=\${rel##*/}
if [ "$rel" != "$name" ]; then
  IFS=/ read -r -d '' -a parts < <(printf '%s\0' "\${rel%/*}")
  for part in "\${parts[@]}"; do
    [ -n "$part" ] || continue
    if [ "$op" = write ] && [ ! -e "$part" ] && [ ! -L "$part" ]; then mkdir -- "$part" 2>/dev/null; fi
    if ! cd -P -- "$part" 2>/dev/null; then [ -e "$part" ] && exit 92; exit 91; fi
    here_inside
  done
fi
case "$op" in
  list)
    if [ -n "$name" ]; then cd -P -- "$name" 2>/dev/null || exit 91; here_inside; fi
    find . -mindepth 1 -maxdepth 2 | sed 's|^\\./||' | sort | head -n 400
    ;;
  remove)
    [ -n "$name" ] || exit 94
    rm -f -- "./$name" || exit 96
    ;;
  read)
    [ -n "$name" ] || exit 94
    [ -p "./$name" ] && exit 98
    if ! { exec 3<"./$name"; } 2>/dev/null; then [ -e "./$name" ] && exit 96; exit 91; fi
    real=$(fd_path) || exit 93
    inside "$real" || exit 93
    [ -d "$fd" ] && exit 94
    [ -f "$fd" ] || exit 98
    size=$(stat -L -c %s "$fd" 2>/dev/null || stat -L -f %z "$fd")
    [ "$size" -le "$max" ] || exit 95
    base64 <&3 | tr -d '\\n'
    ;;
  write)
    [ -n "$name" ] || exit 94
    [ -p "./$name" ] && exit 98
    # A new file: O_EXCL, so never through a link. Else the existing one, opened without creating anything.
    if { set -C; exec 3>"./$name"; } 2>/dev/null; then made=created; else
      set +C
      if ! { exec 3<"./$name"; } 2>/dev/null; then [ -e "./$name" ] && exit 96; [ -L "./$name" ] && exit 93; exit 91; fi
      made=overwrote
    fi
    set +C
    real=$(fd_path) || exit 93
    inside "$real" || exit 93
    [ -d "$fd" ] && exit 94
    [ -f "$fd" ] || exit 98
    # Reopening /proc/self/fd/3 reaches the opened file itself, whatever its name points at by now.
    cat > "$fd" || exit 96
    echo "$made"
    ;;
esac
`;

async function runScript(
  sandbox: SandboxRunner,
  op: 'read' | 'write' | 'remove' | 'list',
  file: string,
  timeoutMs: number,
  stdin?: string,
): Promise<string> {
  const r = await sandbox.exec({
    cmd: ['bash', '-c', SCRIPT, 'fb-file', op, sandbox.workdir, file, String(MAX_EDITOR_FILE_BYTES)],
    timeoutMs,
    ...(stdin !== undefined ? { stdin } : {}),
    // base64 of the largest file, and some room.
    maxOutputBytes: Math.ceil((MAX_EDITOR_FILE_BYTES * 4) / 3) + 64 * 1024,
  });
  if (r.timedOut) throw new ConfinedFileError('denied', `${file}: timed out`);
  if (r.exitCode === 0) return r.stdout;
  const failure = FAILURES[r.exitCode];
  if (!failure)
    throw new Error(`the text editor could not reach ${file} (exit ${r.exitCode}): ${r.stderr.trim()}`);
  throw new ConfinedFileError(failure, describeFailure(failure, file));
}

/** What went wrong, naming the file as the caller likes (the agent's own path, say). */
export function describeFailure(failure: ConfinedFailure, file: string): string {
  switch (failure) {
    case 'not_found':
      return `${file} does not exist`;
    case 'outside':
      return `${file} is refused: it resolves (through a symlink) to a file outside the workspace`;
    case 'is_folder':
      return `${file} is a folder`;
    case 'not_regular':
      return `${file} is not a regular file`;
    case 'too_large':
      return `${file} is larger than ${MAX_EDITOR_FILE_BYTES} bytes; the text editor handles smaller files`;
    case 'denied':
      return `${file} cannot be opened (permission denied)`;
  }
}

/** The file's bytes, read through a descriptor whose real path was checked to be in the workspace. */
export async function readConfined(sandbox: SandboxRunner, file: string, timeoutMs: number): Promise<Buffer> {
  return Buffer.from((await runScript(sandbox, 'read', file, timeoutMs)).trim(), 'base64');
}

/** Writes the whole file (creating missing folders), only once the opened file is known to be in the workspace. */
export async function writeConfined(
  sandbox: SandboxRunner,
  file: string,
  content: string,
  timeoutMs: number,
): Promise<'created' | 'overwrote'> {
  const said = (await runScript(sandbox, 'write', file, timeoutMs, content)).trim();
  return said === 'created' ? 'created' : 'overwrote';
}

/** Removes the file's own entry (a link itself, never its target) in a folder checked to be in the workspace. */
export async function removeConfined(sandbox: SandboxRunner, file: string, timeoutMs: number): Promise<void> {
  await runScript(sandbox, 'remove', file, timeoutMs);
}

/** Names two levels deep under a folder checked to be in the workspace, relative to it, sorted. */
export async function listConfined(
  sandbox: SandboxRunner,
  dir: string,
  timeoutMs: number,
): Promise<string[]> {
  return (await runScript(sandbox, 'list', dir, timeoutMs)).split('\n').filter(Boolean);
}
