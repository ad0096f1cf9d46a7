import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withoutActionSecrets } from '../../src/action/secrets.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('child processes never inherit the action environment', () => {
  const names = [
    'ACTIONS_RUNTIME_TOKEN',
    'INPUT_API-KEY',
    'INPUT_GITHUB-TOKEN',
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  ];
  afterEach(() => {
    for (const n of names) delete process.env[n];
  });

  it('while the suite runs, a process started with the full environment sees no runner token or input', async () => {
    for (const n of names) process.env[n] = `secret-${n}`;
    const seen = await withoutActionSecrets(async () => {
      const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.env))'], {
        encoding: 'utf8',
      });
      return JSON.parse(r.stdout) as Record<string, string>;
    });
    for (const n of names) expect(seen[n]).toBeUndefined();
    expect(seen.PATH).toBe(process.env.PATH);
    // The artifact and cache clients get them back afterwards.
    for (const n of names) expect(process.env[n]).toBe(`secret-${n}`);
  });

  it('every child process started from src/ gets an explicit environment', () => {
    // Trusted binaries that run no task code and pass nothing on; the action also keeps its
    // secrets out of process.env while the suite runs (withoutActionSecrets).
    const allowed = new Set(["src/cli/commands/suite.ts: execFileSync('git'"]);
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(path.join(ROOT, 'src'));
    const offenders: string[] = [];
    let calls = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (!/from 'node:child_process'|from 'execa'/.test(text)) continue;
      const rel = path.relative(ROOT, file).split(path.sep).join('/');
      for (const m of text.matchAll(
        /\b(spawn|spawnSync|execFile|execFileSync|execSync|exec|execa|execaSync)\(([^,)]*)/g,
      )) {
        const before = text.slice(Math.max(0, (m.index ?? 0) - 40), m.index);
        if (/(function|import|type)\s*\{?[^;]*$/.test(before) && !before.includes('=')) continue;
        calls++;
        const site = `${rel}: ${m[1]}(${(m[2] ?? '').trim()}`;
        // The options object follows within the call.
        const call = text.slice(m.index, (m.index ?? 0) + 700);
        const explicit = /\benv\s*[:,]/.test(call) || /extendEnv:\s*false/.test(call);
        if (!explicit && !allowed.has(site)) offenders.push(site);
      }
    }
    expect(calls).toBeGreaterThan(2);
    expect(offenders, 'pass env: minimalEnv() (src/sandbox) to every child process').toEqual([]);
  });
});
