import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgent } from '../../src/agents/index.js';
import { runTask } from '../../src/orchestrator/index.js';
import { registerSecret } from '../../src/runs/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { completion, type ReceivedRequest, startFakeOpenAI } from '../models/openai-server.js';

/**
 * The python-minimal example agent in the task's sandbox, through the real
 * model gateway and real Docker, against a scripted OpenAI-compatible server.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const AGENT = loadAgent(path.join(ROOT, 'examples/agents/python-minimal'));
const runsRoot = tempDir('fb-ext-sandbox-');
// A key the harness holds for the provider: it must never get into the sandbox or any file a run writes.
const PLANTED = 'sk-planted-Q7w9e8r7t6y5u4i3o2p1';
const [KEY_HEAD, KEY_TAIL] = [PLANTED.slice(0, 12), PLANTED.slice(12)];

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) hits.push(...filesContaining(p, needle));
    else if (e.isFile() && statSync(p).size < 50_000_000 && readFileSync(p).includes(needle)) hits.push(p);
  }
  return hits;
}

function bash(command: string) {
  return { tool_calls: [{ name: 'bash', arguments: JSON.stringify({ command }) }] };
}

function lastToolOutput(r: ReceivedRequest | undefined): string {
  const msgs = r?.body.messages ?? [];
  return String(msgs.filter((m) => m.role === 'tool').at(-1)?.content ?? '');
}

describe.runIf(HAS_DOCKER)('an agent folder that runs in the sandbox', () => {
  let listener: net.Server;
  let hostPort = 0;
  const sockets = new Set<net.Socket>();
  const previousKey = process.env.OPENAI_API_KEY;

  beforeAll(async () => {
    process.env.OPENAI_API_KEY = PLANTED;
    registerSecret(PLANTED);
    // A host service on every interface: what a container on a Docker network could reach, but the agent must not.
    listener = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.end('host service\n');
    });
    await new Promise<void>((resolve) => listener.listen(0, '0.0.0.0', resolve));
    hostPort = (listener.address() as AddressInfo).port;
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    listener?.close();
    if (previousKey === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = previousKey;
  });

  it('fixes hello_repo_fix through the gateway; the key is nowhere inside, and nothing but the gateway is reachable', async () => {
    // Run from inside the sandbox by the agent itself, as the model asks.
    const probe = [
      `K="${KEY_HEAD}""${KEY_TAIL}"`,
      'read=0; for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do',
      '  if tr "\\0" "\\n" < "$f" > /tmp/.p 2>/dev/null; then read=$((read + 1)); grep -qF "$K" /tmp/.p && echo "LEAK $f"; fi',
      'done; echo "proc files read: $read"',
      'grep -rlsF "$K" / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev | sed "s/^/LEAK file /"',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion run in the sandbox
      'echo "key var: ${OPENAI_API_KEY%%-*}"; echo "base: $OPENAI_BASE_URL"',
      `python3 - <<'PY'
import socket
targets = [("172.17.0.1", ${hostPort}), ("8.8.8.8", 53), ("127.0.0.1", 22), ("1.1.1.1", 443)]
try:
    targets.append((open("/proc/net/route").read().split()[13], ${hostPort}))
except Exception:
    pass
for host, port in targets:
    try:
        socket.create_connection((host, port), timeout=3).close()
        print("REACHED", host, port)
    except OSError as e:
        print("unreachable", host, port, type(e).__name__)
try:
    socket.getaddrinfo("deb.debian.org", 80)
    print("REACHED dns")
except OSError:
    print("no dns")
PY`,
    ].join('\n');
    const server = await startFakeOpenAI([
      completion(bash(probe), { prompt: 120, completion: 30, cost: 0.00125 }),
      completion(
        bash("sed -i 's|// len(words)|/ len(words)|' textstats/stats.py && python3 -m pytest -q tests"),
        { prompt: 400, completion: 40, cost: 0.0021 },
      ),
      completion(
        { content: 'Fixed: the mean used integer division.' },
        { prompt: 600, completion: 12, cost: 0.0004 },
      ),
    ]);
    try {
      const { result, runDir } = await runTask({
        task: path.join(ROOT, 'tasks/hello_repo_fix'),
        model: 'openai/gpt-4o-mini',
        modelConfig: { baseUrl: server.baseURL },
        agent: AGENT,
        runsRoot,
      });
      expect(result.error).toBeNull();
      expect(result).toMatchObject({ status: 'completed', passed: true, score: 1, stop_reason: 'exited' });
      expect(result.kill_reason).toBeNull();
      expect(result.agent).toEqual({
        kind: 'external',
        name: 'python-minimal',
        hash: AGENT.kind === 'external' ? AGENT.hash : '',
        runs_in: 'sandbox',
      });
      expect(result.turns).toBe(3);
      expect(result.tokens).toMatchObject({ input: 1120, output: 82, total: 1202 });
      // The provider's own figures, summed exactly.
      expect(result.cost_usd).toBeCloseTo(0.00125 + 0.0021 + 0.0004, 12);

      // The harness called the provider with the real key; the agent only ever had the run token.
      expect(server.received).toHaveLength(3);
      for (const r of server.received) expect(r.authorization).toBe(`Bearer ${PLANTED}`);
      const probeOut = lastToolOutput(server.received[1]);
      expect(probeOut).not.toContain('LEAK');
      expect(Number(/proc files read: (\d+)/.exec(probeOut)?.[1])).toBeGreaterThan(3);
      expect(probeOut).toContain('key var: fbgw');
      expect(probeOut).toContain('base: http://127.0.0.1:8080/v1');
      expect(probeOut).not.toContain('REACHED');
      expect(probeOut.match(/unreachable/g)?.length).toBeGreaterThanOrEqual(4);
      expect(probeOut).toContain('no dns');

      const events = readFileSync(path.join(runDir, 'transcript.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const responses = events.filter((e) => e.type === 'model_response');
      expect(responses.map((e) => e.cost_usd)).toEqual([0.00125, 0.0021, 0.0004]);
      expect(responses.every((e) => e.cost_source === 'provider')).toBe(true);
      expect(events.find((e) => e.type === 'agent_process_end')).toMatchObject({
        exit_code: 0,
        model_calls: 3,
      });
      expect(readFileSync(path.join(runDir, 'logs/agent.stdout.log'), 'utf8')).toContain('Fixed: the mean');
      expect(filesContaining(runsRoot, PLANTED)).toEqual([]);
      expect(leftoversFor(result.run_id)).toEqual([]);
    } finally {
      await server.close();
    }
  }, 600_000);

  it('works the same on the Compose runner: the forwarder is a service, the key still nowhere inside', async () => {
    const server = await startFakeOpenAI([
      completion(
        bash('echo "base=$OPENAI_BASE_URL" && cat /proc/1/environ | tr "\\0" "\\n" | grep -c OPENAI || true'),
        {
          prompt: 50,
          completion: 5,
        },
      ),
      completion(bash("sed -i 's|// len(words)|/ len(words)|' textstats/stats.py"), {
        prompt: 60,
        completion: 6,
      }),
      completion({ content: 'done' }, { prompt: 70, completion: 2 }),
    ]);
    const previous = process.env.MLE_EVAL_SANDBOX;
    process.env.MLE_EVAL_SANDBOX = 'compose';
    try {
      const { result } = await runTask({
        task: path.join(ROOT, 'tasks/hello_repo_fix'),
        model: 'openai/gpt-4o-mini',
        modelConfig: { baseUrl: server.baseURL },
        agent: AGENT,
        runsRoot,
      });
      expect(result).toMatchObject({ status: 'completed', passed: true, sandbox: 'compose', turns: 3 });
      const out = lastToolOutput(server.received[1]);
      expect(out).toContain('base=http://fb-gateway:8080/v1');
      expect(out).not.toContain(PLANTED);
      expect(filesContaining(runsRoot, PLANTED)).toEqual([]);
      expect(leftoversFor(result.run_id)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.MLE_EVAL_SANDBOX;
      else process.env.MLE_EVAL_SANDBOX = previous;
      await server.close();
    }
  }, 600_000);

  it('a host service is reachable from an ordinary container (so the check above means something)', async () => {
    const { stdout } = await promisify(execFile)(
      'docker',
      [
        'run',
        '--rm',
        'debian:bookworm-slim',
        'timeout',
        '20',
        'bash',
        '-c',
        `exec 3<>/dev/tcp/172.17.0.1/${hostPort} && head -1 <&3`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(stdout).toContain('host service');
  });
});
