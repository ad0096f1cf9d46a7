import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactFilesUnder, registerSecret } from '../../src/runs/index.js';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER } from '../helpers/docker.js';
import { writeSuite, writeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';
import { startFakeOpenAI } from '../models/openai-server.js';

// A key no built-in key shape matches: only its registration can redact it.
const KEY = 'planted-Zq7v4XkR2m9T1wLpB8dN';

/** Every file under `dir` (runs.sqlite included) whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

describe.runIf(HAS_DOCKER)('a provider 401 that echoes the key', () => {
  const root = tempDir('fb-secrets-');
  let server: Awaited<ReturnType<typeof startFakeOpenAI>>;
  const saved = process.env.OPENAI_API_KEY;

  beforeAll(async () => {
    server = await startFakeOpenAI([
      {
        status: 401,
        json: {
          error: {
            message: `Incorrect API key provided: ${KEY}. You can find your API key at https://example.invalid.`,
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          },
        },
      },
    ]);
    process.env.OPENAI_API_KEY = KEY;
  });
  afterAll(async () => {
    await server.close();
    if (saved === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved;
  });

  const model = ['--model', 'openai/gpt-4o-mini'];
  const cases: Array<{ name: string; args: (runsDir: string) => string[] }> = [
    { name: 'run', args: (runsDir) => ['run', '--task', writeTask(root, 'leak_run'), '--runs-dir', runsDir] },
    {
      name: 'run --json',
      args: (runsDir) => ['run', '--task', writeTask(root, 'leak_json'), '--runs-dir', runsDir, '--json'],
    },
    {
      name: 'suite run',
      args: (runsDir) => {
        writeTask(root, 'leak_suite');
        const suite = writeSuite(
          path.join(root, 'suites', 'leak.yaml'),
          'id: leak\ntasks:\n  - ../leak_suite\n',
        );
        return ['suite', 'run', suite, '--runs-dir', runsDir];
      },
    },
  ];
  for (const c of cases) {
    it(`${c.name}: the key is in no byte under runs/ nor on stdout or stderr`, async () => {
      const runsDir = path.join(root, c.name.replace(/\W+/g, '-'));
      const asked = server.received.length;
      const r = await runCli([...c.args(runsDir), ...model, '--base-url', server.baseURL]);
      // The provider was asked with the key, and its answer (echoing it) reached the run.
      expect(server.received.length).toBeGreaterThan(asked);
      expect(server.received.at(-1)?.authorization).toBe(`Bearer ${KEY}`);
      expect(r.code).not.toBe(2);
      expect(r.stdout).not.toContain(KEY);
      expect(r.stderr).not.toContain(KEY);
      expect(filesContaining(runsDir, KEY)).toEqual([]);
      // The echoed message is kept, with the key cut out.
      const recorded = filesContaining(runsDir, 'Incorrect API key provided: [REDACTED]');
      expect(recorded.map((f) => path.basename(f))).toEqual(
        expect.arrayContaining(['result.json', 'transcript.jsonl', 'runs.sqlite']),
      );
    });
  }
});

describe('redaction on error paths and of copied files', () => {
  const root = tempDir('fb-secrets-files-');

  it('an error message that names a secret prints it redacted (exit 2)', async () => {
    const saved = process.env.FB_TEST_API_KEY;
    process.env.FB_TEST_API_KEY = KEY;
    try {
      const r = await runCli(['pricing', 'show', '--file', path.join(root, `${KEY}.yaml`)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('[REDACTED].yaml');
      expect(r.stderr + r.stdout).not.toContain(KEY);
    } finally {
      if (saved === undefined) delete process.env.FB_TEST_API_KEY;
      else process.env.FB_TEST_API_KEY = saved;
    }
  });

  it('redactFilesUnder replaces registered secrets in files, byte for byte, and leaves the rest alone', () => {
    registerSecret(KEY);
    const dir = path.join(root, 'workspace_final');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'sub', 'leak.txt'), `token=${KEY}\nagain ${KEY}\n`);
    const binary = Buffer.concat([Buffer.from([0, 255, 1]), Buffer.from(KEY), Buffer.from([7])]);
    writeFileSync(path.join(dir, 'model.bin'), binary);
    writeFileSync(path.join(dir, 'clean.txt'), 'nothing here\n');
    const before = statSync(path.join(dir, 'clean.txt')).mtimeMs;
    const changed = redactFilesUnder(dir).map((f) => path.relative(dir, f));
    expect(changed.sort()).toEqual(['model.bin', path.join('sub', 'leak.txt')]);
    expect(readFileSync(path.join(dir, 'sub', 'leak.txt'), 'utf8')).toBe(
      'token=[REDACTED]\nagain [REDACTED]\n',
    );
    expect(readFileSync(path.join(dir, 'model.bin'))).toEqual(
      Buffer.concat([Buffer.from([0, 255, 1]), Buffer.from('[REDACTED]'), Buffer.from([7])]),
    );
    expect(statSync(path.join(dir, 'clean.txt')).mtimeMs).toBe(before);
  });
});
