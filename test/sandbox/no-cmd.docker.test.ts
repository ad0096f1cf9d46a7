import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTask } from '../../src/orchestrator/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A task whose base image has no CMD (a `docker import` base, as
 * scripts/build-base-image.sh makes one without `--change`) and whose own
 * ENTRYPOINT ends at once whatever it is given: the image probe and the
 * sandbox give their own command, so the run goes as on any image with bash.
 */

const scratch = tempDir('fb-no-cmd-');
const nonce = randomBytes(6).toString('hex');
const base = `factory-bench-test/no-cmd-base:${nonce}`;
const label = `factory-bench.test=no-cmd-${nonce}`;
const docker = (args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();

function writeTask(name: string, dockerfileTail: string): string {
  const dir = path.join(scratch, name);
  for (const sub of ['workspace', 'solution', 'environment'])
    mkdirSync(path.join(dir, sub), { recursive: true });
  writeFileSync(path.join(dir, 'workspace', 'README'), 'write result.txt\n');
  writeFileSync(path.join(dir, 'solution', 'solve.sh'), 'echo done > result.txt\n');
  writeFileSync(path.join(dir, 'environment', 'Dockerfile'), `FROM ${base}\n${dockerfileTail}\n`);
  writeFileSync(
    path.join(dir, 'task.yaml'),
    [
      `id: ${name}_${nonce}`,
      'title: A base image without CMD',
      'difficulty: smoke',
      'domain: test',
      'instructions: write result.txt',
      'environment:',
      '  dockerfile: environment',
      'budget:',
      '  max_wall_seconds: 120',
      'grader:',
      '  checks:',
      '    - name: written',
      '      type: command_exit_zero',
      '      command: grep -qx done result.txt',
      '',
    ].join('\n'),
  );
  return dir;
}

describe.runIf(HAS_DOCKER)('an image without a CMD', () => {
  beforeAll(() => {
    // The Debian base flattened through export/import: no CMD, no ENTRYPOINT.
    const container = docker(['create', '--label', label, 'debian:bookworm-slim', 'true']);
    try {
      execFileSync(
        'sh',
        ['-c', `docker export ${container} | docker import --change 'LABEL ${label}' - ${base}`],
        {
          stdio: 'pipe',
        },
      );
    } finally {
      docker(['rm', '-f', container]);
    }
  }, 120_000);
  afterAll(() => {
    const built = ['no_cmd', 'exiting_entrypoint'].flatMap((name) =>
      docker(['images', '--format', '{{.Repository}}:{{.Tag}}', `factory-bench/${name}_${nonce}`])
        .split('\n')
        .filter(Boolean),
    );
    execFileSync('docker', ['rmi', '-f', ...built, base], { stdio: 'ignore' });
  });

  it('is what the fixture says: `docker create` without a command refuses it', () => {
    expect(
      docker(['image', 'inspect', '--format', '{{json .Config.Cmd}} {{json .Config.Entrypoint}}', base]),
    ).toBe('null null');
    expect(() => execFileSync('docker', ['create', '--label', label, base], { stdio: 'pipe' })).toThrow(
      /No command specified/,
    );
  });

  it.each([
    ['no_cmd', 'RUN true', 'adds nothing: no CMD, no ENTRYPOINT (the image probe needs its own command)'],
    [
      'exiting_entrypoint',
      'ENTRYPOINT ["/bin/false"]',
      'has an ENTRYPOINT that ends at once (the sandbox replaces it)',
    ],
  ])(
    'a task whose Dockerfile on it %s: %s, runs and is graded',
    async (name, tail) => {
      const { result } = await runTask({
        task: writeTask(name, tail),
        model: 'oracle',
        runsRoot: path.join(scratch, 'runs'),
      });
      expect(result.error).toBeNull();
      expect(result.status).toBe('completed');
      expect(result.passed).toBe(true);
      expect(leftoversFor(result.run_id)).toEqual([]);
    },
    300_000,
  );
});
