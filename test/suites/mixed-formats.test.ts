/**
 * A suite mixes Harbor folders and our own tasks: each is run alike, and the report says where each
 * came from, its metadata, and what its sandbox allowed (capabilities, internet, processes kept),
 * narrowed by the suite's or the CLI's capability setting.
 */
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSuite } from '../../src/suites/index.js';
import { fakeRunner } from '../helpers/fake-runner.js';
import { writeSuite, writeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-mixed-');

describe('a suite of Harbor folders and our own tasks', () => {
  it('records format, metadata and sandbox settings per task, and the report shows them', async () => {
    const tasks = path.join(root, 'tasks');
    cpSync(path.resolve('examples/harbor/kv-server'), path.join(tasks, 'kv-server'), { recursive: true });
    cpSync(path.resolve('examples/harbor/web-users'), path.join(tasks, 'web-users'), { recursive: true });
    writeTask(tasks, 'own_task');
    const file = writeSuite(
      path.join(root, 'suites', 'mixed.yaml'),
      'id: mixed\ndefaults:\n  capabilities: [CHOWN, SETUID, SETGID]\ntasks:\n  - tasks/*\n',
    );
    const fake = fakeRunner(() => 'pass');
    const out = await runSuite({
      suite: file,
      model: 'scripted',
      runsRoot: path.join(root, 'runs'),
      runTask: fake.run,
    });
    const byId = new Map(out.summary.tasks.map((t) => [t.task_id, t]));
    expect(byId.get('kv-server')).toMatchObject({
      format: 'harbor',
      domain: 'software-engineering',
      metadata: { tags: ['http', 'server', 'background-process'], author_name: 'factory-bench' },
      isolation: { capabilities: ['CHOWN', 'SETGID', 'SETUID'], internet: false, processes_kept: true },
    });
    expect(byId.get('own_task')).toMatchObject({
      format: 'factory-bench',
      isolation: { capabilities: [], internet: false, processes_kept: false },
    });
    const report = readFileSync(out.reportPath, 'utf8');
    expect(report).toContain('## Task sources and sandboxes');
    const sources = report.split('## Task sources and sandboxes')[1] ?? '';
    const row = (id: string) => sources.split('\n').find((l) => l.startsWith(`| ${id} `)) ?? '';
    expect(row('kv-server')).toMatch(
      /\| harbor \| .*tags: http, server, background-process.* \| CHOWN, SETGID, SETUID \| none \| kept \|/,
    );
    expect(row('web-users')).toMatch(/\| harbor \| .*category: system-administration/);
    expect(row('own_task')).toMatch(/\| factory-bench \| - \| none \| none \| killed \|/);
    // The narrowing reached every run.
    expect(new Set(fake.calls.map((c) => JSON.stringify(c.maxCapabilities)))).toEqual(
      new Set([JSON.stringify(['CHOWN', 'SETUID', 'SETGID'])]),
    );
  });
});
