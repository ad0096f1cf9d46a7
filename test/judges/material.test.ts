import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { condenseTranscript, describeChanges } from '../../src/judges/material.js';
import { judgePrompt, verdictKey } from '../../src/judges/rubric.js';
import { tempDir } from '../helpers/tmp.js';

function tree(files: Record<string, string | Buffer>): string {
  const dir = tempDir('fb-material-');
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

describe('what the judge reads', () => {
  it('lists added, changed and deleted files with contents, ignoring caches a grader may leave', () => {
    const seed = tree({ 'a.py': 'x = 1\n', 'b.py': 'same\n', 'gone.txt': 'bye\n' });
    const final = tree({
      'a.py': 'x = 2\n',
      'b.py': 'same\n',
      'new/c.py': 'print(3)\n',
      'model.bin': Buffer.from([0, 1, 2, 3]),
      'pkg/__pycache__/a.cpython-311.pyc': Buffer.from([0, 9]),
      '.pytest_cache/v/lastfailed': '{}',
    });
    const text = describeChanges(seed, final);
    expect(text).toContain('## changed: a.py\n```\nx = 2\n');
    expect(text).toContain('## added: new/c.py');
    expect(text).toContain('## added: model.bin (binary, 4 bytes)');
    expect(text).toContain('## deleted: gone.txt');
    expect(text).not.toContain('b.py');
    expect(text).not.toMatch(/pycache|pytest_cache/);
  });

  it('condenses the transcript to the agent, so grading events do not change the judge prompt', () => {
    const agent = [
      { type: 'agent_start', t: '1', messages: [] },
      {
        type: 'model_response',
        t: '2',
        message: { content: 'Looking.', tool_calls: [{ name: 'bash', arguments: '{"command":"ls"}' }] },
      },
      { type: 'tool_result', t: '3', name: 'bash', content: 'a.py' },
      { type: 'agent_end', t: '4', stop_reason: 'final_answer', kill_reason: null },
    ];
    const grading = [
      { type: 'grading_start', t: '5', killed_processes: 2 },
      { type: 'graded', t: '6', score: 1 },
      { type: 'regrade_start', t: '7' },
      // A judge's own call, written by the gateway: a re-grade must not read it as the agent's.
      { type: 'model_response', t: '8', source: 'judge', message: { content: '{"score": 9}' } },
    ];
    const jsonl = (events: object[]) => events.map((e) => JSON.stringify(e)).join('\n');
    const before = condenseTranscript(jsonl(agent));
    expect(before).toBe(
      '[assistant] Looking.\n[tool call bash] {"command":"ls"}\n[tool result bash] a.py\n[agent stopped: final_answer]',
    );
    const after = condenseTranscript(`${jsonl(agent)}\n${jsonl(grading)}\nnot json`);
    expect(after).toBe(before);
    const prompt = (transcript: string) =>
      judgePrompt('Rubric.', { min: 0, max: 10 }, { instructions: 'Do it.', transcript, changes: '' });
    expect(verdictKey('m', prompt(after))).toBe(verdictKey('m', prompt(before)));
    expect(verdictKey('other', prompt(before))).not.toBe(verdictKey('m', prompt(before)));
  });
});
