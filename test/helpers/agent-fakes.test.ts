import { describe, expect, it } from 'vitest';
import { HostSandbox } from './agent-fakes.js';
import { tempDir } from './tmp.js';

describe('HostSandbox (the test fake)', () => {
  it('survives commands that exit without reading their stdin (no unhandled EPIPE)', async () => {
    const sandbox = new HostSandbox(tempDir('fb-host-sandbox-'));
    // 1 MiB cannot fit in a pipe's buffer: the write is still going when `exit 3` closes the pipe.
    const stdin = 'x'.repeat(1 << 20);
    for (let i = 0; i < 5; i++) {
      const r = await sandbox.exec({ cmd: 'exit 3', stdin });
      expect(r.exitCode).toBe(3);
    }
    const echoed = await sandbox.exec({ cmd: 'wc -c', stdin });
    expect(echoed.stdout.trim()).toBe(String(1 << 20));
  });
});
