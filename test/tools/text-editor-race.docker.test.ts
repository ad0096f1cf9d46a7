import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRunner } from '../../src/sandbox/index.js';
import { Toolbox, type ToolContext, type ToolResult } from '../../src/tools/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { sandboxSpec } from '../sandbox/fixtures.js';

const root = tempDir('fb-editor-race-');
const SECRET = 'OUTSIDE-SECRET-7c1f';
const TRIES = 60;

/**
 * A background job swaps a real folder (and a real file) in the workspace
 * for a symlink to one outside and back, as fast as it can, while the agent's text editor
 * reads and writes through them. The editor checks the file it opened, so it
 * may be refused, but never reads or changes anything outside.
 */
describe.runIf(HAS_DOCKER)('text_editor under a symlink-swapping background job', () => {
  const spec = sandboxSpec(root, 'editor-race', { resources: { cpus: 1, memory_mb: 256, pids: 128 } });
  const sandbox = new DockerRunner(spec);
  const box = new Toolbox(['text_editor']);
  let ctx: ToolContext;
  const sh = async (cmd: string) => {
    const r = await sandbox.exec({ cmd, timeoutMs: 30_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    await sandbox.start();
    ctx = { sandbox, timeoutMs: 20_000, maxOutputBytes: 16 * 1024 };
    await sh(
      [
        'mkdir -p /tmp/outside /workspace/d',
        `printf '${SECRET}\\n' > /tmp/outside/f.txt`,
        "printf 'inside one\\n' > /workspace/d/f.txt && printf 'inside two\\n' > /workspace/fl",
        // d/ flips between a real folder and a link to one outside; fl between a real file and a link out.
        'cd /workspace && ln -s /tmp/outside .l && ln -s /tmp/outside/f.txt .fl',
        "setsid -f bash -c 'cd /workspace; while [ ! -e /tmp/stop ]; do " +
          'mv -T d .r; mv -T .l d; mv -T d .l; mv -T .r d; ' +
          "mv -T fl .fr; mv -T .fl fl; mv -T fl .fl; mv -T .fr fl; done' " +
          '>/dev/null 2>&1',
      ].join(' && '),
    );
  });
  afterAll(async () => {
    await sandbox.stop();
    expect(leftoversFor(spec.runId)).toEqual([]);
  });

  it(`never reads or writes outside the workspace in ${TRIES * 5} racing calls`, async () => {
    const outcomes = { ok: 0, refused: 0, other: 0 };
    const leaks: string[] = [];
    const note = (r: ToolResult, what: string) => {
      if (`${r.output}${r.error?.message ?? ''}`.includes(SECRET)) leaks.push(what);
      if (!r.error) outcomes.ok++;
      else if (r.error.kind === 'permission') outcomes.refused++;
      else outcomes.other++;
    };
    for (let i = 0; i < TRIES; i++) {
      note(await box.call('text_editor', { command: 'view', path: 'd/f.txt' }, ctx), `view d/f.txt #${i}`);
      note(await box.call('text_editor', { command: 'view', path: 'fl' }, ctx), `view fl #${i}`);
      note(
        await box.call(
          'text_editor',
          { command: 'create', path: 'fl', file_text: `overwritten ${i}\n` },
          ctx,
        ),
        `create fl #${i}`,
      );
      note(
        await box.call('text_editor', { command: 'create', path: `d/new-${i}.txt`, file_text: 'new\n' }, ctx),
        `create d/new-${i}.txt`,
      );
      note(
        await box.call(
          'text_editor',
          { command: 'insert', path: 'd/f.txt', insert_line: 0, new_str: `#${i}` },
          ctx,
        ),
        `insert d/f.txt #${i}`,
      );
    }
    await sh('touch /tmp/stop && sleep 0.5');
    // Nothing outside changed: the file holds exactly what it held, and no file was added next to it.
    expect(await sh('cat /tmp/outside/f.txt')).toBe(`${SECRET}\n`);
    expect(await sh('ls -A /tmp/outside')).toBe('f.txt\n');
    expect(leaks).toEqual([]);
    // The race was real: some calls went through, some were refused when the link pointed out.
    expect(outcomes.ok).toBeGreaterThan(TRIES / 2);
    expect(outcomes.refused).toBeGreaterThan(0);
    console.info(`text_editor race: ${JSON.stringify(outcomes)} of ${TRIES * 5} calls, 0 leaks`);
  }, 600_000);
});
