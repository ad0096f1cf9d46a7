import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The launcher runs the compiled CLI (build/, made by `npm ci` through `prepare`).
describe.runIf(existsSync('build/src/cli/main.js'))('bin/factory-bench.js', () => {
  it('exits quietly when the reader closes the pipe early', () => {
    // `true` exits before the CLI has started, so its first write meets a closed pipe.
    const r = spawnSync(
      'bash',
      ['-o', 'pipefail', '-c', `"${process.execPath}" bin/factory-bench.js --help | true`],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.status).toBe(0);
  });

  it('prints usage errors as one line with exit code 2', () => {
    const r = spawnSync(process.execPath, ['bin/factory-bench.js', 'run', '--task'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error: option '--task <dir>' argument missing/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
