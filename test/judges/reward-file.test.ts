/**
 * `reward_file`: Harbor's verifier contract as a check. The reward a command writes is the score,
 * partial rewards included; a reward left from before the check never counts; no reward is a failure.
 */
import { describe, expect, it } from 'vitest';
import { type GradeContext, grade } from '../../src/judges/index.js';
import type { ExecRequest, ExecResult } from '../../src/sandbox/index.js';
import { SANDBOX_PATHS } from '../../src/sandbox/index.js';
import { FakeSandbox } from '../helpers/judge-fakes.js';
import { makeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const FILES = ['/logs/verifier/reward.txt', '/logs/verifier/reward.json'];

/** A sandbox whose `bash /tests/test.sh` writes `writes` (path -> text) and prints `stdout`. */
function context(
  writes: Record<string, string>,
  opts: {
    exitCode?: number;
    stdout?: string;
    check?: Record<string, unknown>;
    planted?: Record<string, string>;
  } = {},
): GradeContext & { sandbox: FakeSandbox } {
  const sandbox: FakeSandbox = new FakeSandbox((req: ExecRequest): Partial<ExecResult> | undefined => {
    const cmd = String(req.cmd);
    if (cmd.startsWith('rm -f')) for (const f of FILES) sandbox.files.delete(f);
    if (cmd === 'bash /tests/test.sh') {
      for (const [p, t] of Object.entries(writes)) sandbox.files.set(p, t);
      return { exitCode: opts.exitCode ?? 0, stdout: opts.stdout ?? '' };
    }
    return undefined;
  });
  for (const [p, t] of Object.entries(opts.planted ?? {})) sandbox.files.set(p, t);
  return {
    task: makeTask({
      checks: [
        { name: 'verifier', type: 'reward_file', command: 'bash /tests/test.sh', path: FILES, ...opts.check },
      ],
    }),
    sandbox,
    outputsDir: tempDir('fb-reward-out-'),
    graderDir: SANDBOX_PATHS.grader,
  };
}

describe('reward_file', () => {
  it('scores the reward: 1 passes, a partial reward keeps its score and says what failed', async () => {
    const full = await grade(context({ '/logs/verifier/reward.txt': '1\n' }));
    expect(full).toMatchObject({ score: 1, passed: true });
    expect(full.checks[0]?.explanation).toBe('reward 1 from /logs/verifier/reward.txt');
    const partial = await grade(
      context(
        { '/logs/verifier/reward.txt': '0.75\n' },
        { stdout: 'FAILED test_calibration.py::test_sensor[s4]\n' },
      ),
    );
    expect(partial).toMatchObject({ score: 0.75, passed: false });
    expect(partial.checks[0]).toMatchObject({ status: 'failed', score: 0.75 });
    expect(partial.checks[0]?.explanation).toBe(
      'reward 0.75 from /logs/verifier/reward.txt (`bash /tests/test.sh` exited 0: FAILED test_calibration.py::test_sensor[s4])',
    );
  });

  it("ignores the command's exit code: the reward is the score", async () => {
    expect(await grade(context({ '/logs/verifier/reward.txt': '1' }, { exitCode: 3 }))).toMatchObject({
      score: 1,
      passed: true,
    });
  });

  it('reads reward.json when there is no reward.txt, by key', async () => {
    const r = await grade(context({ '/logs/verifier/reward.json': '{"reward": 0.5, "style": 1}' }));
    expect(r).toMatchObject({ score: 0.5, passed: false });
    const keyed = await grade(
      context({ '/logs/verifier/reward.json': '{"style": 1}' }, { check: { key: 'style' } }),
    );
    expect(keyed).toMatchObject({ score: 1, passed: true });
    const missingKey = await grade(context({ '/logs/verifier/reward.json': '{"style": 1}' }));
    expect(missingKey.checks[0]?.explanation).toMatch(/key "reward" is missing \(keys: style\)/);
  });

  it('removes, as root, a reward planted before grading: it never counts', async () => {
    const ctx = context({}, { planted: { '/logs/verifier/reward.txt': '1' } });
    const r = await grade(ctx);
    expect(r).toMatchObject({ score: 0, passed: false });
    expect(r.checks[0]?.explanation).toMatch(/^no reward was written/);
    const rm = ctx.sandbox.execs.find((e) => String(e.cmd).startsWith('rm -f'));
    expect(rm?.user).toBe('0');
    expect(ctx.sandbox.execs.indexOf(rm as ExecRequest)).toBeLessThan(
      ctx.sandbox.execs.findIndex((e) => e.cmd === 'bash /tests/test.sh'),
    );
  });

  it('fails, not errors, on an unreadable reward; clamps one outside 0..1 and says so', async () => {
    const junk = await grade(context({ '/logs/verifier/reward.txt': 'great job' }));
    expect(junk.checks[0]).toMatchObject({ status: 'failed', score: 0 });
    expect(junk.checks[0]?.explanation).toMatch(/the reward is not a number/);
    const big = await grade(context({ '/logs/verifier/reward.txt': '1.5' }));
    expect(big.checks[0]?.explanation).toContain('reward 1.5 (outside 0..1, counted as 1)');
  });

  it('runs the command as the grader user with the grader environment', async () => {
    const ctx = context({ '/logs/verifier/reward.txt': '1' });
    ctx.task.manifest.grader.user = 'image';
    ctx.task.manifest.grader.env = { LEVEL: 'strict' };
    await grade(ctx);
    const ran = ctx.sandbox.execs.find((e) => e.cmd === 'bash /tests/test.sh');
    expect(ran?.user).toBe('image');
    expect(ran?.env).toMatchObject({ LEVEL: 'strict', FB_GRADER_DIR: SANDBOX_PATHS.grader });
  });
});
