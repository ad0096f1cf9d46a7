import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ComposeRunner,
  DockerRunner,
  SandboxError,
  type SandboxRunner,
  type SandboxSpec,
} from '../../src/sandbox/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { fixtureService, sandboxSpec } from './fixtures.js';

const root = tempDir('fb-conf-');
const IMAGE = 'debian:bookworm-slim';

function specFor(name: string, overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  return sandboxSpec(root, `conf-${name}`, { env: { CONF_VAR: 'from-spec' }, ...overrides });
}

interface RunnerCase {
  name: string;
  /** Only the plain Docker runner has no network interface at all; Compose has its internal network. */
  networkNone?: boolean;
  make(spec: SandboxSpec): SandboxRunner;
}

const RUNNERS: RunnerCase[] = [
  { name: 'docker', networkNone: true, make: (spec) => new DockerRunner(spec) },
  {
    name: 'compose',
    make: (spec) => new ComposeRunner({ ...spec, kind: 'compose', services: [fixtureService('web', 'web')] }),
  },
];

async function errorOf(promise: Promise<unknown>): Promise<SandboxError | null> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SandboxError) return err;
    throw err;
  }
  return null;
}

describe.runIf(HAS_DOCKER).each(RUNNERS)('$name runner conformance', (rc) => {
  const spec = specFor(rc.name);
  let sandbox: SandboxRunner;

  beforeAll(async () => {
    sandbox = rc.make(spec);
    await sandbox.start();
  });
  afterAll(async () => {
    await sandbox?.stop();
    expect(leftoversFor(spec.runId)).toEqual([]);
  });

  it('reports exit codes and keeps stdout and stderr apart', async () => {
    const r = await sandbox.exec({ cmd: 'echo out; echo err >&2; exit 7' });
    expect(r).toMatchObject({ exitCode: 7, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    expect((await sandbox.exec({ cmd: ['printf', '%s|', 'a b', "it's"] })).stdout).toBe("a b|it's|");
  });

  it('passes stdin, env and cwd', async () => {
    expect((await sandbox.exec({ cmd: 'tr a-z A-Z', stdin: 'hello\nworld' })).stdout).toBe('HELLO\nWORLD');
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 0]);
    expect((await sandbox.exec({ cmd: 'od -An -tx1 | tr -s " \\n" " "', stdin: bytes })).stdout.trim()).toBe(
      '00 01 02 ff 0a 0d 00',
    );
    const r = await sandbox.exec({
      cmd: 'echo "$CONF_VAR $EXTRA" && pwd',
      env: { EXTRA: "x'y" },
      cwd: '/tmp',
    });
    expect(r.stdout).toBe("from-spec x'y\n/tmp\n");
    expect((await sandbox.exec({ cmd: 'pwd' })).stdout.trim()).toBe(sandbox.workdir);
  });

  it('does not let output fake the end of a command or its exit code', async () => {
    const r = await sandbox.exec({
      cmd: "printf 'fbo-0123456789abcdef0123456789abcdef 0\\nfbe-x\\n'; printf 'fbe-0123 0\\n' >&2; exit 5",
    });
    expect(r.exitCode).toBe(5);
    expect(r.stdout).toContain('fbo-0123456789abcdef0123456789abcdef 0');
    expect(r.stderr).toContain('fbe-0123 0');
  });

  it('times out a command and kills the processes it started', async () => {
    const r = await sandbox.exec({
      cmd: 'sleep 300 & echo $! > bg.pid; sh -c "sleep 300"; echo never',
      timeoutMs: 1_000,
    });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).not.toContain('never');
    // Killed processes may linger briefly as zombies until they are reaped; those count as gone.
    const check = await sandbox.exec({
      cmd: `p=$(cat bg.pid); for i in $(seq 50); do
        state=$(awk '{print $3}' /proc/$p/stat 2>/dev/null)
        if [ -z "$state" ] || [ "$state" = Z ]; then echo gone; exit; fi; sleep 0.1
      done; echo alive`,
    });
    expect(check.stdout.trim()).toBe('gone');
    // A command that exits 124 by itself is not a timeout.
    expect((await sandbox.exec({ cmd: 'exit 124', timeoutMs: 5_000 })).timedOut).toBe(false);
  });

  it('caps output, keeping head and tail and saying how much was cut', async () => {
    const r = await sandbox.exec({
      cmd: 'printf "HEAD"; head -c 200000 /dev/zero | tr "\\0" a; printf "TAIL"; echo e >&2',
      maxOutputBytes: 1_000,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.startsWith('HEAD')).toBe(true);
    expect(r.stdout.endsWith('TAIL')).toBe(true);
    expect(r.truncatedBytes).toEqual({ stdout: 200008 - 1_000, stderr: 0 });
    expect(r.stdout).toContain(`[... ${200008 - 1_000} bytes cut from the middle of this output ...]`);
    expect(r.stderr).toBe('e\n');
  });

  it('survives commands that exit, exec or close their input, and reopens a killed shell', async () => {
    expect((await sandbox.exec({ cmd: 'exit 3' })).exitCode).toBe(3);
    expect((await sandbox.exec({ cmd: 'exec true' })).exitCode).toBe(0);
    expect((await sandbox.exec({ cmd: 'exec 0<&- 1>&- 2>&-; true' })).exitCode).toBe(0);
    const killed = await sandbox.exec({ cmd: 'kill -9 $$; sleep 5' });
    expect(killed.exitCode).not.toBe(0);
    expect(killed.stderr).toMatch(/shell/);
    const after = await sandbox.exec({ cmd: 'echo back' });
    expect(after).toMatchObject({ exitCode: 0, stdout: 'back\n' });
  });

  it('newSession runs later commands in a new shell and ends the old one', async () => {
    // The pids of a command's ancestors: the persistent shell running it is among them.
    const ancestors = async (): Promise<string[]> => {
      const r = await sandbox.exec({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
        cmd: 'p=$BASHPID; while [ "$p" -gt 1 ] 2>/dev/null; do read -r s < /proc/$p/stat || break; s=${s##*) }; set -- $s; p=$2; echo $p; done',
      });
      return r.stdout.trim().split('\n');
    };
    const before = await ancestors();
    await sandbox.newSession();
    const after = await ancestors();
    const gone = before.filter((p) => !after.includes(p));
    expect(gone.length).toBeGreaterThan(0);
    let alive = '';
    for (let i = 0; i < 20; i++) {
      alive = (
        await sandbox.exec({ cmd: `for p in ${gone.join(' ')}; do [ -e /proc/$p ] && echo $p; done; true` })
      ).stdout;
      if (!alive) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(alive).toBe('');
  });

  it('refuses a service it does not have, and runs in its own under the name agent', async () => {
    expect((await errorOf(sandbox.exec({ service: 'nope', cmd: 'true' })))?.message).toMatch(
      /no service named nope/,
    );
    expect((await sandbox.exec({ service: 'agent', cmd: 'pwd' })).stdout.trim()).toBe(sandbox.workdir);
  });

  it('keeps late output of background jobs out of the next command', async () => {
    const first = await sandbox.exec({ cmd: '(sleep 0.2; echo LATE; echo LATE >&2) & echo now' });
    expect(first.stdout).toBe('now\n');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await sandbox.exec({ cmd: 'echo next' })).toMatchObject({ stdout: 'next\n', stderr: '' });
  });

  it('runs concurrent commands', async () => {
    const [a, b] = await Promise.all([
      sandbox.exec({ cmd: 'sleep 0.3; echo a' }),
      sandbox.exec({ cmd: 'echo b' }),
    ]);
    expect(a.stdout).toBe('a\n');
    expect(b.stdout).toBe('b\n');
  });

  it('round-trips text and binary files', async () => {
    const binary = Buffer.from(Array.from({ length: 256 * 64 }, (_, i) => i % 256));
    await sandbox.writeFile(`${sandbox.workdir}/deep/dir/data.bin`, binary);
    expect(Buffer.compare(await sandbox.readFile(`${sandbox.workdir}/deep/dir/data.bin`), binary)).toBe(0);
    await sandbox.writeFile(`${sandbox.workdir}/note.txt`, 'héllo\nwörld\n');
    expect((await sandbox.readFile(`${sandbox.workdir}/note.txt`)).toString('utf8')).toBe('héllo\nwörld\n');
    await sandbox.writeFile(`${sandbox.workdir}/empty.txt`, '');
    expect((await sandbox.readFile(`${sandbox.workdir}/empty.txt`)).length).toBe(0);
    expect((await errorOf(sandbox.readFile(`${sandbox.workdir}/missing.txt`)))?.kind).toBe('path');
  });

  it('resolvePath maps workspace paths and follows symlinks inside the sandbox', async () => {
    const setup = await sandbox.exec({
      cmd: 'mkdir -p sub && ln -sfn sub in-link && ln -sfn /etc out-link && ln -sfn /etc/nope dangling && ln -sfn ../.. sub/up',
    });
    expect(setup.exitCode).toBe(0);
    expect(await sandbox.resolvePath('sub/new.txt')).toBe(`${sandbox.workdir}/sub/new.txt`);
    expect(await sandbox.resolvePath(`${sandbox.workdir}/in-link/x`)).toBe(`${sandbox.workdir}/sub/x`);
    expect(await sandbox.resolvePath('/workspace/in-link/x')).toBe(`${sandbox.workdir}/sub/x`);
    expect(await sandbox.resolvePath('.')).toBe(sandbox.workdir);
  });

  it.each(['../etc/passwd', '/etc/passwd', 'out-link/passwd', 'dangling', 'sub/up/etc', 'a/../../x'])(
    'resolvePath refuses %j',
    async (p) => {
      expect((await errorOf(sandbox.resolvePath(p)))?.kind).toBe('path');
    },
  );

  // Properties that only some runners have are registered for those runners only (not skipped for others).
  it('reaches nothing outside the sandbox', async () => {
    const r = await sandbox.exec({
      cmd: `for target in 1.1.1.1/80 deb.debian.org/80 registry.npmjs.org/443; do
        # Name lookups on an internal network may hang rather than fail: that is unreachable too.
        timeout 5 bash -c "exec 3<>/dev/tcp/$target" 2>/dev/null && echo "reached $target" || echo unreachable
      done`,
      timeoutMs: 30_000,
    });
    expect(r.stdout.trim().split('\n')).toEqual(['unreachable', 'unreachable', 'unreachable']);
  });

  if (rc.networkNone)
    it('has no network interface but loopback', async () => {
      expect((await sandbox.exec({ cmd: 'ls /sys/class/net' })).stdout.trim()).toBe('lo');
    });
});

describe.runIf(HAS_DOCKER)('failures clean up', () => {
  it('a container that cannot start leaves nothing behind and is an environment error', async () => {
    const spec = specFor('broken', { image: IMAGE, env: {} });
    // An image without the requested working directory's shell: force a failure with an unknown user.
    const runner = new DockerRunner({ ...spec, image: 'factory-bench/no-such-image:none' });
    const err = await errorOf(runner.start());
    expect(err?.kind).toBe('start');
    expect(leftoversFor(spec.runId)).toEqual([]);
  });
});
