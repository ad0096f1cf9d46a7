#!/usr/bin/env node
// Bundles the GitHub Action: build/src/action/main.js (from `tsc`) -> <out>/index.js as one ES module
// with ncc, and build/src/action/post.js -> <out>/post/index.js (the post step); plus the report's
// browser app in webapp/ (report.html inlines it; see src/report/html.ts). runs.sqlite goes through
// Node's built-in node:sqlite, which the bundle leaves to the runtime.
// Usage: node scripts/package-action.mjs [outDir]   (default: dist)
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWebapp } from './build-webapp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const require = createRequire(import.meta.url);
const ncc = require('@vercel/ncc');

/** Bundles one entry point into `dir` (index.js and the chunks and assets ncc emits beside it). */
async function bundle(entry, dir) {
  const { code, assets } = await ncc(entry, {
    minify: false,
    sourceMap: false,
    license: 'licenses.txt',
    quiet: true,
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.js'), code);
  for (const [name, asset] of Object.entries(assets ?? {})) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, asset.source);
  }
}

rmSync(outDir, { recursive: true, force: true });
await bundle(path.join(root, 'build/src/action/main.js'), outDir);
// The post step (runs.post): small, so that a cancelled job's cleanup starts fast.
await bundle(path.join(root, 'build/src/action/post.js'), path.join(outDir, 'post'));
await buildWebapp(path.join(outDir, 'webapp'));
console.error(
  `packaged the action into ${path.relative(root, outDir) || '.'}: ${readdirSync(outDir).sort().join(', ')}`,
);
