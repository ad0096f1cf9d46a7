import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeToolAgent } from '../../src/agents/index.js';
import { formatJsonAction } from '../../src/agents/text-actions.js';
import { loadPricing } from '../../src/cost/index.js';
import { type ExchangeConfig, OpenAIChatModel } from '../../src/models/index.js';
import { agentContext, readTranscript } from '../helpers/agent-fakes.js';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { completion, startFakeOpenAI } from './openai-server.js';

const root = tempDir('fb-recplay-');
const KEY = 'sk-test-record-replay-0123456789abcdef';

/** Transcript lines without what differs between two runs of the same thing (times, temp paths). */
function comparable(file: string) {
  return readTranscript(file)
    .filter((e) => e.type === 'model_response' || e.type === 'tool_call' || e.type === 'tool_result')
    .map(({ t: _t, elapsed_ms: _e, duration_ms: _d, replayed: _r, ...rest }) => rest);
}

describe('record, then replay with the upstream stopped', () => {
  it('gives the built-in agent an identical run: same calls, results, usage and dollars', async () => {
    const server = await startFakeOpenAI([
      completion(
        { tool_calls: [{ name: 'bash', arguments: JSON.stringify({ command: 'echo 41 > n' }) }] },
        { prompt: 1000, completion: 50, cost: 0.00031 },
      ),
      completion(
        {
          tool_calls: [{ name: 'bash', arguments: JSON.stringify({ command: 'echo $(( $(cat n) + 1 ))' }) }],
        },
        { prompt: 2000, completion: 20, cached: 1000 },
      ),
      completion({ content: 'The answer is 42.' }, { prompt: 3000, completion: 10, cached: 2000 }),
    ]);
    const dir = path.join(mkdtempSync(path.join(root, 'ex-')), 'exchanges');
    // Both runs work in the same (fresh) folder: the system prompt names it, so it is part of the request.
    const workdir = path.join(mkdtempSync(path.join(root, 'ws-')), 'ws');
    const run = async (exchanges: ExchangeConfig, baseURL: string) => {
      rmSync(workdir, { recursive: true, force: true });
      const model = new OpenAIChatModel({ name: 'openai/gpt-4o-mini', apiKey: KEY, baseURL });
      const ctx = agentContext(mkdtempSync(path.join(root, 'r-')), model, {
        pricing: loadPricing(null),
        exchanges,
        workdir,
      });
      const outcome = await new NativeToolAgent().run(ctx);
      return { outcome, ctx };
    };
    const recorded = await run({ mode: 'record', dir }, server.baseURL);
    expect(server.received).toHaveLength(3);
    await server.close();
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(3);
    for (const f of readdirSync(dir)) expect(readFileSync(path.join(dir, f), 'utf8')).not.toContain(KEY);

    const replayed = await run({ mode: 'replay', dir }, server.baseURL);
    expect(replayed.outcome).toEqual(recorded.outcome);
    expect(replayed.outcome).toMatchObject({ stopReason: 'final_answer', finalAnswer: 'The answer is 42.' });
    expect(replayed.ctx.cost.usage).toEqual(recorded.ctx.cost.usage);
    expect(replayed.ctx.cost.totalUsd).toBe(recorded.ctx.cost.totalUsd);
    expect(comparable(replayed.ctx.transcriptPath)).toEqual(comparable(recorded.ctx.transcriptPath));
    const lines = readTranscript(replayed.ctx.transcriptPath).filter((e) => e.type === 'model_response');
    expect(lines.every((e) => e.replayed === true)).toBe(true);
    // The first call's dollars are the provider's own figure, replayed as recorded.
    expect(lines[0]?.cost_usd).toBe(0.00031);
  });

  it('ends the run with error:model_replay_miss when a request was never recorded', async () => {
    const dir = mkdtempSync(path.join(root, 'empty-'));
    const model = new OpenAIChatModel({
      name: 'openai/gpt-4o-mini',
      apiKey: KEY,
      baseURL: 'http://127.0.0.1:9/v1',
    });
    const ctx = agentContext(mkdtempSync(path.join(root, 'r-')), model, {
      exchanges: { mode: 'replay', dir },
    });
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome).toMatchObject({
      stopReason: 'error',
      killReason: 'error:model_replay_miss',
      error: { kind: 'model_replay_miss', message: expect.stringContaining(dir) },
    });
  });
});

describe('--record, --replay and --request-timeout on the CLI', () => {
  const runsDir = tempDir('fb-recplay-runs-');
  const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
  beforeAll(() => {
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
  });
  afterAll(() => {
    for (const [name, value] of [
      ['OPENAI_API_KEY', saved.key],
      ['OPENAI_BASE_URL', saved.url],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('documents the options on run, suite run and validate', async () => {
    for (const command of [['run'], ['suite', 'run'], ['validate']]) {
      const { code, stdout } = await runCli([...command, '--help']);
      expect(code).toBe(0);
      for (const flag of ['--record <dir>', '--replay <dir>', '--request-timeout <s>'])
        expect(stdout).toContain(flag);
    }
  });

  it('refuses both at once, a missing replay folder and a bad timeout, with exit 2', async () => {
    const run = (...args: string[]) =>
      runCli(['run', '--task', 'tasks/hello_repo_fix', '--model', 'oracle', '--runs-dir', runsDir, ...args]);
    const both = await run('--record', root, '--replay', root);
    expect(both).toMatchObject({ code: 2 });
    expect(both.stderr).toMatch(/either --record or --replay, not both/);
    const missing = await run('--replay', path.join(root, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/--replay .*nope: no such folder/);
    const timeout = await run('--request-timeout', '0');
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toMatch(/--request-timeout.*seconds from 1/);
    const validate = await runCli([
      'validate',
      '--task',
      'tasks/hello_repo_fix',
      '--replay',
      path.join(root, 'nope'),
    ]);
    expect(validate.code).toBe(2);
  });

  it.runIf(HAS_DOCKER)(
    'records a run, then replays it with no server and no key: the same result, cost and transcript',
    async () => {
      const fix = "sed -i 's|// len(words)|/ len(words)|' textstats/stats.py";
      const server = await startFakeOpenAI([
        completion({ content: formatJsonAction('bash', { command: fix }) }, { prompt: 1000, completion: 50 }),
        completion(
          { content: formatJsonAction('submit', { answer: 'fixed' }) },
          { prompt: 2000, completion: 20, cost: 0.0004 },
        ),
      ]);
      const exchanges = path.join(mkdtempSync(path.join(root, 'cli-')), 'rec');
      const common = [
        'run',
        '--task',
        'tasks/hello_repo_fix',
        '--model',
        'openai/gpt-4o-mini',
        '--runs-dir',
        runsDir,
      ];
      process.env.OPENAI_API_KEY = KEY;
      let recorded: Record<string, unknown>;
      try {
        const rec = await runCli([...common, '--base-url', server.baseURL, '--record', exchanges, '--json']);
        expect(rec.code).toBe(0);
        recorded = JSON.parse(rec.stdout);
      } finally {
        delete process.env.OPENAI_API_KEY;
        await server.close();
      }
      expect(server.received).toHaveLength(2);

      const play = await runCli([...common, '--replay', exchanges, '--request-timeout', '5', '--json']);
      expect(play.code).toBe(0);
      const replayed = JSON.parse(play.stdout);
      for (const field of [
        'status',
        'passed',
        'score',
        'tokens',
        'cost_usd',
        'turns',
        'tool_calls',
        'kill_reason',
        'stop_reason',
      ])
        expect(replayed[field]).toEqual(recorded[field]);
      expect(replayed.cost_usd).toBe((1000 * 0.15 + 50 * 0.6) / 1e6 + 0.0004);
      const transcriptOf = (r: Record<string, unknown>) =>
        path.join(runsDir, String(r.run_id), 'transcript.jsonl');
      expect(comparable(transcriptOf(replayed))).toEqual(comparable(transcriptOf(recorded)));

      // A replay that finds nothing: the run says so, names the folder, and is still graded.
      const empty = mkdtempSync(path.join(root, 'none-'));
      const miss = await runCli([...common, '--replay', empty, '--json']);
      expect(miss.code).toBe(1);
      const missed = JSON.parse(miss.stdout);
      expect(missed).toMatchObject({
        status: 'completed',
        passed: false,
        kill_reason: 'error:model_replay_miss',
        error: { kind: 'model_replay_miss', message: expect.stringContaining(empty) },
      });
    },
    180_000,
  );
});
