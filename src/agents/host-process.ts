import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CappedCollector } from '../sandbox/index.js';

/**
 * An agent process on the host (`runs_in: host`): started in its own process
 * group with an explicit environment (never the harness's own, which may hold
 * API keys), its instructions on stdin, its output captured within a cap.
 */

/**
 * Variables a host agent (and its install) inherits from the harness: the
 * basics, and how this machine reaches the network (proxies, extra
 * certificate authorities). Everything else, API keys included, stays out.
 */
const HOST_PASSED_ENV = [
  'PATH',
  'HOME',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'USER',
  'LOGNAME',
  'TERM',
  'TZ',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'PIP_CERT',
];

export function hostAgentEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of HOST_PASSED_ENV) {
    const v = process.env[key];
    if (v !== undefined) env[key] = v;
  }
  // `node` in the agent's command is the harness's own Node.
  env.PATH = [path.dirname(process.execPath), env.PATH].filter(Boolean).join(path.delimiter);
  return { ...env, ...extra };
}

export interface ProcessEnd {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface HostAgentProcess {
  pid: number;
  ended: Promise<ProcessEnd>;
  /** SIGTERM to the whole tree, SIGKILL after `graceMs` for whatever is left. */
  stop(graceMs: number): Promise<void>;
}

export function startHostProcess(o: {
  command: string;
  cwd: string;
  env: Record<string, string>;
  stdin: string;
  maxOutputBytes: number;
}): HostAgentProcess {
  // --norc: Node's stdio is a socket pair, which bash would take for a remote shell and read ~/.bashrc.
  const child: ChildProcess = spawn('bash', ['--norc', '--noprofile', '-c', o.command], {
    cwd: o.cwd,
    env: o.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out = new CappedCollector(o.maxOutputBytes);
  const err = new CappedCollector(o.maxOutputBytes);
  child.stdout?.on('data', (d: Buffer) => out.push(d));
  child.stderr?.on('data', (d: Buffer) => err.push(d));
  child.stdin?.on('error', () => {});
  child.stdin?.end(o.stdin);
  const ended = new Promise<ProcessEnd>((resolve) => {
    child.once('error', (e) =>
      resolve({ exitCode: 127, signal: null, stdout: '', stderr: `cannot start the agent: ${e.message}` }),
    );
    child.once('close', (code, signal) =>
      resolve({ exitCode: code, signal, stdout: out.finish().text, stderr: err.finish().text }),
    );
  });
  const pid = child.pid ?? -1;
  return {
    pid,
    ended,
    stop: async (graceMs) => {
      if (pid <= 0) return;
      const tree = descendants(pid);
      signalAll(pid, tree, 'SIGTERM');
      const done = await Promise.race([
        ended.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), graceMs)),
      ]);
      // Children that left the group (setsid) are found by parentage; the group takes the rest.
      signalAll(pid, [...tree, ...descendants(pid)], 'SIGKILL');
      if (!done) await Promise.race([ended, new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}

function signalAll(pid: number, tree: number[], signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {}
  for (const p of tree) {
    try {
      process.kill(p, signal);
    } catch {}
  }
}

/** Every process below `root`, by parent pid from /proc (Linux); empty elsewhere. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {}
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}
