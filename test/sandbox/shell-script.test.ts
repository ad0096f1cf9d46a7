/**
 * What the harness writes to a persistent shell, checked without Docker: the
 * script for a request, a command's framing, and the trailer it reads back.
 * The scripts run in a local bash where running them is the point.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  buildScript,
  frameCommand,
  openingScript,
  PRELUDE,
  parseEndTrailer,
  stderrEndMarker,
  stdoutEndMarker,
} from '../../src/sandbox/shell-script.js';

const bash = (script: string, input?: Buffer | string) =>
  spawnSync('bash', ['--noprofile', '--norc', '-c', script], { input, encoding: 'utf8' });

describe('buildScript', () => {
  it('changes to the working directory, exports the environment, then runs the command', () => {
    const script = buildScript(
      { cmd: 'echo "$A|$B|$(pwd)"', env: { A: "it's", B: '$HOME `x`' }, cwd: '/' },
      '/w',
    );
    expect(bash(script).stdout).toBe("it's|$HOME `x`|/\n");
  });

  it('runs an argv without a shell word splitting or expanding it', () => {
    const script = buildScript({ cmd: ['printf', '%s\\n', 'a b', '$(id)', "'q'"] }, '/tmp');
    expect(script.split('\n')[0]).toBe("cd -- '/tmp' || exit 125");
    expect(bash(script).stdout).toBe("a b\n$(id)\n'q'\n");
  });

  it('exits 125 when the working directory does not exist', () => {
    expect(bash(buildScript({ cmd: 'echo never' }, '/no/such/dir')).status).toBe(125);
  });

  it('refuses an environment variable name a shell would misread', () => {
    expect(() => buildScript({ cmd: 'true', env: { 'A;rm -rf /': 'x' } }, '/')).toThrow(
      /invalid environment/,
    );
  });
});

describe('frameCommand', () => {
  const nonce = 'n'.repeat(32);
  const delimiter = 'd'.repeat(24);

  it('sends the script as a quoted here-document, so nothing in it is expanded on the way', () => {
    const framed = frameCommand({ script: 'echo $HOME `id`', timeoutMs: 1_500 }, nonce, delimiter).toString();
    expect(framed).toBe(
      `IFS= read -r -d '' __fb_c <<'fbc-${delimiter}'\necho $HOME \`id\`\nfbc-${delimiter}\n` +
        `__fb_run 1.500 /dev/null\n__fb_end $? ${nonce}\n`,
    );
  });

  it('sends the end nonce only after the line that starts the command', () => {
    const framed = frameCommand(
      { script: 'true', timeoutMs: 1000, stdin: 'in' },
      nonce,
      delimiter,
    ).toString();
    expect(framed.indexOf(nonce)).toBeGreaterThan(framed.indexOf('__fb_run'));
    expect(framed.split(nonce)).toHaveLength(2);
  });

  it('passes stdin as its exact bytes, counted for head -c', () => {
    const stdin = Buffer.from([0, 10, 255, 39, 10]);
    const framed = frameCommand({ script: 'od', timeoutMs: 1000, stdin }, nonce, delimiter);
    const line = `head -c 5 > "$__fb_tmp/stdin"\n`;
    const at = framed.indexOf(line);
    expect(at).toBeGreaterThan(0);
    expect(framed.subarray(at + line.length, at + line.length + 5).equals(stdin)).toBe(true);
    expect(framed.subarray(at + line.length + 5).toString()).toBe(
      `__fb_run 1.000 "$__fb_tmp/stdin"\n__fb_end $? ${nonce}\n`,
    );
  });

  it('never asks for a timeout under 0.1 s', () => {
    expect(frameCommand({ script: 'true', timeoutMs: 0 }, nonce, delimiter).toString()).toContain(
      '__fb_run 0.100 /dev/null',
    );
  });

  it('runs in a shell with the prelude: output, stdin, exit code and end markers', () => {
    const framed = Buffer.concat([
      Buffer.from(openingScript('r3ady')),
      frameCommand(
        { script: 'cat; echo err >&2; exit 3', timeoutMs: 5_000, stdin: 'fed\n' },
        nonce,
        delimiter,
      ),
    ]);
    const shell = spawnSync('bash', ['--noprofile', '--norc'], { input: framed, encoding: 'utf8' });
    const ready = /^fbr-r3ady (\d+) \S+\n/;
    expect(shell.stdout).toMatch(ready);
    const out = shell.stdout.replace(ready, '');
    expect(out).toMatch(new RegExp(`^fed\\n${stdoutEndMarker(nonce)} 3 ok \\S+\\n$`));
    expect(shell.stderr).toBe(`err\n${stderrEndMarker(nonce)}\n`);
  });

  it('defines the helpers a framed command calls', () => {
    for (const fn of ['__fb_run', '__fb_end', '__fb_oom', '__fb_watch']) expect(PRELUDE).toContain(`${fn}()`);
  });
});

describe('parseEndTrailer', () => {
  it('reads the exit code, the verdict and the OOM-kill count', () => {
    expect(parseEndTrailer(' 0 ok 0')).toEqual({ exitCode: 0, timedOut: false, oomKills: 0 });
    expect(parseEndTrailer(' 137 timeout 2')).toEqual({ exitCode: 137, timedOut: true, oomKills: 2 });
  });

  it('knows no OOM count when the cgroup gave none', () => {
    expect(parseEndTrailer(' 1 ok -').oomKills).toBeNull();
    expect(parseEndTrailer(' 1 ok').oomKills).toBeNull();
  });
});
