import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SandboxError } from '../../src/sandbox/index.js';
import { Toolbox, type ToolContext } from '../../src/tools/index.js';
import { HostSandbox } from '../helpers/agent-fakes.js';

/** A host sandbox whose commands (the text editor's file access is one) fail the way a real one can. */
class FailingExec extends HostSandbox {
  constructor(private readonly failure: Error) {
    super(mkdtempSync(path.join(os.tmpdir(), 'fb-toolerr-')));
  }
  override async exec(): Promise<never> {
    throw this.failure;
  }
}

describe('tool failures reach the model as typed errors, never as exceptions', () => {
  it.each([
    [new SandboxError('cannot read /workspace/a: Permission denied', 'path'), 'permission'],
    [new Error('cat: /workspace/a: No such file or directory'), 'not_found'],
    [new Error('docker exec failed: container is gone'), 'failed'],
  ])('%s -> %s', async (failure, kind) => {
    const sandbox = new FailingExec(failure);
    await sandbox.writeFile(path.join(sandbox.workdir, 'a'), 'x\n');
    const ctx: ToolContext = { sandbox, timeoutMs: 5000, maxOutputBytes: 1000 };
    const r = await new Toolbox(['text_editor']).call('text_editor', { command: 'view', path: 'a' }, ctx);
    expect(r).toEqual({ output: '', error: { kind, message: failure.message } });
  });
});
