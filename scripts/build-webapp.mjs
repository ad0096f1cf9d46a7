#!/usr/bin/env node
// Bundles the report's browser app (src/webapp) into one classic script and one stylesheet that
// report.html inlines: <out>/app.js, <out>/app.css and <out>/licenses.txt of the bundled libraries.
// Deterministic (no timestamps, no absolute paths), so dist/ can be checked against a fresh build.
// Usage: node scripts/build-webapp.mjs [outDir]   (default: build/webapp)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The libraries inside app.js, with their license files. */
const BUNDLED = [
  ['preact', 'LICENSE'],
  ['htm', 'LICENSE'],
  ['uplot', 'LICENSE'],
  ['marked', 'LICENSE'],
];

export async function buildWebapp(outDir = path.join(root, 'build/webapp')) {
  const result = await build({
    entryPoints: { app: path.join(root, 'src/webapp/main.ts') },
    absWorkingDir: root,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    outdir: 'out',
    logLevel: 'warning',
    banner: {
      js: `/* factory-bench report app; bundles ${BUNDLED.map(([n]) => n).join(', ')} (licenses.txt) */`,
    },
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('app.js'))?.text;
  const css = result.outputFiles.find((f) => f.path.endsWith('app.css'))?.text;
  if (!js || !css) throw new Error('build-webapp: esbuild produced no app.js or app.css');
  // Inlined into a page: the closing tags must not appear inside.
  if (/<\/script/i.test(js)) throw new Error('build-webapp: app.js contains "</script"');
  if (/<\/style/i.test(css)) throw new Error('build-webapp: app.css contains "</style"');
  const licenses = BUNDLED.map(([name, file]) => {
    const version = JSON.parse(
      readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8'),
    ).version;
    const text = readFileSync(path.join(root, 'node_modules', name, file), 'utf8').trim();
    return `${name} ${version}\n\n${text}\n`;
  }).join(`\n${'-'.repeat(72)}\n\n`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'app.js'), js);
  writeFileSync(path.join(outDir, 'app.css'), css);
  writeFileSync(path.join(outDir, 'licenses.txt'), licenses);
  return { js: js.length, css: css.length };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.resolve(process.argv[2] ?? path.join(root, 'build/webapp'));
  const sizes = await buildWebapp(out);
  console.error(
    `built the report app into ${path.relative(root, out) || '.'}: app.js ${sizes.js} B, app.css ${sizes.css} B`,
  );
}
