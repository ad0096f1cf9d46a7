import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { labelArgs, runLabels } from './cleanup.js';
import { DEFAULT_ENGINE, type DockerEngine, dockerCall } from './docker-cli.js';
import { inspectImage } from './images.js';

/**
 * Who the agent runs as inside a container. A harness running as a normal user
 * (uid 1001 on GitHub runners) maps the agent to its own uid:gid. A root
 * harness runs the agent as the image's non-root user when it has one (USER,
 * else the first passwd entry with uid 1000-59999). The workspace is copied
 * in owned by that user; what is copied out belongs to the harness's user.
 */
export interface SandboxUser {
  /** `uid:gid` for `docker exec -u`. */
  spec: string;
  uid: number;
  gid: number;
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export function parsePasswd(text: string): PasswdEntry[] {
  return text
    .split('\n')
    .map((line) => line.split(':'))
    .filter((f) => f.length >= 7)
    .map((f) => ({ name: f[0] ?? '', uid: Number(f[2]), gid: Number(f[3]), home: f[5] || '/' }));
}

/** Picks the sandbox user from the host uid/gid, the image's USER and its passwd. */
export function pickUser(
  host: { uid: number; gid: number },
  imageUser: string,
  passwd: PasswdEntry[],
): SandboxUser {
  const byUid = (uid: number) => passwd.find((e) => e.uid === uid);
  if (host.uid !== 0) {
    return { spec: `${host.uid}:${host.gid}`, ...host, home: byUid(host.uid)?.home ?? '/tmp' };
  }
  const [name = '', group] = imageUser.split(':');
  if (name && name !== 'root' && name !== '0') {
    const entry = /^\d+$/.test(name) ? byUid(Number(name)) : passwd.find((e) => e.name === name);
    const uid = entry?.uid ?? Number(name);
    if (Number.isInteger(uid)) {
      const gid = group && /^\d+$/.test(group) ? Number(group) : (entry?.gid ?? uid);
      return { spec: `${uid}:${gid}`, uid, gid, home: entry?.home ?? '/tmp' };
    }
  }
  const regular = passwd.find((e) => e.uid >= 1000 && e.uid < 60000);
  if (regular) return { spec: `${regular.uid}:${regular.gid}`, ...regular };
  return { spec: '0:0', uid: 0, gid: 0, home: '/root' };
}

const memo = new Map<string, { user: string; passwd: string }>();
const cacheFile = path.join(os.tmpdir(), 'factory-bench', 'image-users.json');

/** The image's USER and /etc/passwd, cached by image id (in memory and on disk). */
async function imageAccounts(image: string, engine: DockerEngine): Promise<{ user: string; passwd: string }> {
  const config = await inspectImage(image, engine);
  if (!config) throw new Error(`it is not on Docker engine ${engine.name}`);
  const { id, user } = config;
  const hit = memo.get(id);
  if (hit) return hit;
  let disk: Record<string, { user: string; passwd: string }> = {};
  try {
    disk = JSON.parse(readFileSync(cacheFile, 'utf8'));
  } catch {
    disk = {};
  }
  const cached = disk[id];
  if (cached) {
    memo.set(id, cached);
    return cached;
  }
  // Labelled like a run so that `sandbox cleanup` finds it should this process die right here.
  const labels = labelArgs(runLabels(`probe-${process.pid}`));
  // An explicit entrypoint and command: an image without CMD (a `docker import` base) cannot be created
  // without one, and the container is never started, so neither needs to exist in the image.
  const created = await dockerCall(
    ['create', ...labels, '--network', 'none', '--entrypoint', 'true', image],
    { timeoutMs: 60_000, engine },
  );
  const container = created.stdout.trim();
  let passwd = '';
  try {
    const r = await dockerCall(['cp', `${container}:/etc/passwd`, '-'], {
      allowFailure: true,
      binary: true,
      timeoutMs: 30_000,
      engine,
    });
    if (r.exitCode === 0) passwd = untarSingleFile(r.stdoutBuffer);
  } finally {
    await dockerCall(['rm', '-f', container], { allowFailure: true, timeoutMs: 30_000, engine });
  }
  const entry = { user, passwd };
  memo.set(id, entry);
  try {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(cacheFile, JSON.stringify({ ...disk, [id]: entry }));
  } catch {
    // The cache is an optimization only.
  }
  return entry;
}

/** The content of the first file in a tar stream (what `docker cp ... -` prints). */
export function untarSingleFile(tar: Buffer): string {
  const size = Number.parseInt(tar.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim(), 8);
  return tar.subarray(512, 512 + (Number.isFinite(size) ? size : 0)).toString('utf8');
}

export function hostIds(): { uid: number; gid: number } {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/**
 * The user a task names, found in the image: `image` (the image's USER, root
 * when it has none), a user name from its /etc/passwd, or `uid[:gid]`.
 * Throws when a named user is not in the image.
 */
export async function namedSandboxUser(
  image: string,
  name: string,
  engine: DockerEngine = DEFAULT_ENGINE,
): Promise<SandboxUser> {
  const accounts = await imageAccounts(image, engine);
  const passwd = parsePasswd(accounts.passwd);
  const wanted = name === 'image' ? accounts.user || 'root' : name;
  const [who = '', group] = wanted.split(':');
  const entry = /^\d+$/.test(who)
    ? passwd.find((e) => e.uid === Number(who))
    : passwd.find((e) => e.name === who);
  if (!entry && !/^\d+$/.test(who)) {
    if (who === 'root') return { spec: '0:0', uid: 0, gid: 0, home: '/root' };
    throw new Error(`user ${JSON.stringify(who)} is not in the image's /etc/passwd`);
  }
  const uid = entry?.uid ?? Number(who);
  const gid = group && /^\d+$/.test(group) ? Number(group) : (entry?.gid ?? uid);
  return { spec: `${uid}:${gid}`, uid, gid, home: entry?.home ?? (uid === 0 ? '/root' : '/') };
}

export async function sandboxUserFor(
  image: string,
  engine: DockerEngine = DEFAULT_ENGINE,
): Promise<SandboxUser> {
  const host = hostIds();
  if (host.uid !== 0) return pickUser(host, '', []);
  const accounts = await imageAccounts(image, engine);
  return pickUser(host, accounts.user, parsePasswd(accounts.passwd));
}
