#!/usr/bin/env node
// Fails when the committed dist/ differs from a fresh bundle of the sources, or when two fresh
// bundles differ from each other (a build that is not deterministic cannot be checked).
// Run after `npm ci`: compiles with tsc into build/, bundles twice into temporary folders, compares.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const committed = path.join(root, 'dist');

function step(args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`check:dist: ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(3);
  }
}

function files(dir, rel = '') {
  if (!existsSync(path.join(dir, rel))) return [];
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const r = path.posix.join(rel, name);
    return statSync(path.join(dir, r)).isDirectory() ? files(dir, r) : [r];
  });
}

/** Relative paths that are missing on one side or whose bytes differ. */
function differences(a, b) {
  const all = [...new Set([...files(a), ...files(b)])].sort();
  return all.filter((f) => {
    const pa = path.join(a, f);
    const pb = path.join(b, f);
    return !existsSync(pa) || !existsSync(pb) || !readFileSync(pa).equals(readFileSync(pb));
  });
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fb-dist-'));
try {
  step([path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  step(['scripts/package-action.mjs', path.join(tmp, 'a')]);
  step(['scripts/package-action.mjs', path.join(tmp, 'b')]);
  const unstable = differences(path.join(tmp, 'a'), path.join(tmp, 'b'));
  if (unstable.length > 0) {
    console.error(
      `check:dist: two builds of the same sources differ (${unstable.join(', ')}): the bundle is not deterministic`,
    );
    process.exit(1);
  }
  const stale = differences(committed, path.join(tmp, 'a'));
  if (stale.length > 0) {
    console.error(
      `check:dist: dist/ differs from a fresh build in ${stale.join(', ')}; run \`npm run package\` and commit dist/`,
    );
    process.exit(1);
  }
  console.error(
    `check:dist: dist/ matches a fresh build (${files(committed).length} files, build is deterministic)`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
