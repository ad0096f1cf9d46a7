#!/usr/bin/env node
// Checks that the LikeC4 model in docs/architecture describes src/ as it is:
//  - every folder under src/ has one `subsystem` element (metadata folder 'src/<name>');
//  - a subsystem tagged #planned has no folder yet, and one without the tag has a folder;
//  - every import from one subsystem into another is a relationship in the model
//    (-[calls]-> when it imports values, -[usesTypes]-> when only types), and every such
//    relationship is an import; -[planned]-> relationships are for imports not written yet;
//  - the diagrams in img/ were rendered from this very model (img/model.sha256, written by
//    npm run arch:render, is the digest of the model's sources and the likec4 version).
// Usage: node scripts/check-architecture.mjs [--src DIR] [--model DIR] [--digest]
//   --digest prints the model's digest and exits (scripts/render-architecture.sh stores it).
// Exit codes: 0 the model matches, 1 it does not (one line per difference), 2 bad arguments.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const SOURCE_EXTENSIONS = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/;

/** The subsystem folders: every directory directly under `srcDir`, sorted. */
export function subsystemFolders(srcDir) {
  return readdirSync(srcDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (SOURCE_EXTENSIONS.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(full);
  }
  return files.sort();
}

// Comments may quote imports (JSDoc examples); they are not dependencies.
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** Whether an import/export clause brings in values (false: types only, elided at compile time). */
function clauseHasValues(keyword, typeKeyword, clause) {
  if (typeKeyword) return false;
  if (clause === undefined) return true; // `import './x.js'` runs the module
  const trimmed = clause.trim();
  if (keyword === 'export' && trimmed.startsWith('*')) return true;
  const braces = trimmed.match(/^\{([\s\S]*)\}$/);
  if (!braces) return true; // default or namespace import
  const names = braces[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return names.length === 0 || names.some((n) => !n.startsWith('type '));
}

/** The module specifiers a file imports or re-exports, each with whether values come with it. */
export function importsOf(text) {
  const code = stripComments(text);
  const found = [];
  const staticRe = /\b(import|export)\s+(type\s+)?(?:([^'";]*?)\s+from\s+)?['"]([^'"\n]+)['"]/g;
  for (const m of code.matchAll(staticRe)) {
    found.push({ specifier: m[4], values: clauseHasValues(m[1], m[2], m[3]) });
  }
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g)) {
    found.push({ specifier: m[1], values: true });
  }
  return found;
}

/**
 * Imports between subsystems: a map from `from->to` to the edge, which records
 * whether any import brings values and where each import is.
 */
export function importEdges(srcDir) {
  const root = path.resolve(srcDir);
  const edges = new Map();
  const bypasses = [];
  for (const from of subsystemFolders(root)) {
    for (const file of sourceFiles(path.join(root, from))) {
      for (const imp of importsOf(readFileSync(file, 'utf8'))) {
        if (!imp.specifier.startsWith('.')) continue;
        const target = path.relative(root, path.resolve(path.dirname(file), imp.specifier));
        const [to, ...rest] = target.split(path.sep);
        if (!to || to === '..' || to === from || rest.length === 0) continue;
        const site = path.relative(path.dirname(root), file);
        if (rest.join('/') !== 'index.js' && rest.join('/') !== 'index.ts') {
          bypasses.push(`${site} imports ${imp.specifier}, not src/${to}/index.ts`);
        }
        const key = `${from}->${to}`;
        const edge = edges.get(key) ?? { from, to, values: false, sites: [] };
        edge.values ||= imp.values;
        edge.sites.push(site);
        edges.set(key, edge);
      }
    }
  }
  return { edges, bypasses };
}

/** Subsystem elements and the relationships between them, read with LikeC4's own parser. */
export async function readModel(modelDir) {
  const { LikeC4 } = await import('likec4');
  const likec4 = await LikeC4.fromWorkspace(modelDir, { printErrors: false, logger: false });
  const errors = likec4.getErrors();
  if (errors.length > 0) {
    const first = errors[0];
    const line = typeof first.line === 'number' ? `:${first.line + 1}` : '';
    const where = first.sourceFsPath ? `${path.relative(process.cwd(), first.sourceFsPath)}${line}: ` : '';
    throw new Error(
      `${modelDir} is not a valid LikeC4 model (${errors.length} errors; first: ${where}${first.message}); run npm run arch:validate`,
    );
  }
  const model = await likec4.computedModel();
  const subsystems = [];
  for (const element of model.elements()) {
    if (element.kind !== 'subsystem') continue;
    subsystems.push({
      id: element.id,
      folder: element.getMetadata('folder') ?? null,
      planned: element.tags.includes('planned'),
    });
  }
  const ids = new Set(subsystems.map((s) => s.id));
  const relationships = [];
  for (const r of model.relationships()) {
    if (!ids.has(r.source.id) || !ids.has(r.target.id)) continue;
    relationships.push({
      source: r.source.id,
      target: r.target.id,
      kind: r.kind ?? null,
      planned: r.kind === 'planned' || r.tags.includes('planned'),
      title: r.title ?? '',
    });
  }
  return { subsystems, relationships };
}

export const DIGEST_FILE = 'img/model.sha256';

const RENDERERS = ['render-architecture.sh', 'architecture/use-system-chromium.mjs'].map((f) =>
  path.join(import.meta.dirname, f),
);

/** What the diagrams depend on: the model's source files, the likec4 version and the render scripts. */
export function modelDigest(modelDir) {
  const hash = createHash('sha256');
  const likec4 = createRequire(import.meta.url)('likec4/package.json');
  hash.update(`likec4 ${likec4.version}\n`);
  for (const file of RENDERERS) hash.update(readFileSync(file));
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .flatMap((d) => {
        const full = path.join(dir, d.name);
        if (d.isDirectory()) return d.name === 'img' && dir === modelDir ? [] : walk(full);
        return /\.(c4|likec4)$|likec4\.config\.json$/.test(d.name) ? [full] : [];
      });
  for (const file of walk(modelDir)) {
    hash.update(`${path.relative(modelDir, file).split(path.sep).join('/')}\n`);
    hash.update(readFileSync(file));
    hash.update('\n');
  }
  return hash.digest('hex');
}

/** A problem when the committed diagrams were rendered from another version of the model. */
export function staleDiagrams(modelDir) {
  const file = path.join(modelDir, DIGEST_FILE);
  const recorded = existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
  if (recorded === modelDigest(modelDir)) return null;
  return `the diagrams in ${path.join(modelDir, 'img')} were not rendered from this model: run npm run arch:render (needs Chromium) and commit img/`;
}

/** Every difference between src/ and the model, one line each (empty: they match). */
export function compare(folders, edges, model, modelFile = 'docs/architecture/model.c4') {
  const problems = [];
  const byFolder = new Map();
  for (const s of model.subsystems) {
    const name = s.folder?.match(/^src\/([^/]+)$/)?.[1];
    if (!name) {
      problems.push(`subsystem ${s.id} needs metadata { folder 'src/<name>' } naming its folder`);
      continue;
    }
    if (byFolder.has(name)) {
      problems.push(`src/${name} has two elements: ${byFolder.get(name).id} and ${s.id}`);
      continue;
    }
    byFolder.set(name, s);
  }
  const existing = new Set(folders);
  for (const folder of folders) {
    const s = byFolder.get(folder);
    if (!s) {
      problems.push(
        `src/${folder} has no element in the architecture model: add \`${folder} = subsystem '${folder}' { metadata { folder 'src/${folder}' } }\` to the harness in ${modelFile}`,
      );
    } else if (s.planned) {
      problems.push(`src/${folder} exists now: remove the #planned tag from ${s.id} in ${modelFile}`);
    }
  }
  for (const [name, s] of byFolder) {
    if (!existing.has(name) && !s.planned) {
      problems.push(`${s.id} names src/${name}, which does not exist: tag it #planned or remove it`);
    }
  }

  const idOf = (folder) => byFolder.get(folder)?.id;
  const folderOf = new Map([...byFolder].map(([name, s]) => [s.id, name]));
  for (const edge of edges.values()) {
    const source = idOf(edge.from);
    const target = idOf(edge.to);
    if (!source || !target) continue; // the missing element is reported above
    const kind = edge.values ? 'calls' : 'usesTypes';
    const between = model.relationships.filter((r) => r.source === source && r.target === target);
    const real = between.filter((r) => !r.planned);
    const where = `(${edge.sites[0]}${edge.sites.length > 1 ? ` and ${edge.sites.length - 1} more` : ''})`;
    if (real.length === 0) {
      const hint = between.length > 0 ? `replace its -[planned]-> with` : 'add';
      problems.push(
        `src/${edge.from} imports src/${edge.to} ${where} but the model has no ${kind} relationship: ${hint} \`${edge.from} -[${kind}]-> ${edge.to} { description 'what it imports' }\` in ${modelFile}`,
      );
    } else if (!real.some((r) => r.kind === kind)) {
      const why = edge.values ? 'it imports values' : 'it imports only types';
      problems.push(`${edge.from} -> ${edge.to} should be -[${kind}]-> in ${modelFile}: ${why} ${where}`);
    }
  }
  for (const r of model.relationships) {
    const from = folderOf.get(r.source);
    const to = folderOf.get(r.target);
    if (!from || !to || r.planned) continue;
    if (r.kind !== 'calls' && r.kind !== 'usesTypes') {
      problems.push(
        `${from} -> ${to} needs a kind between subsystems: -[calls]->, -[usesTypes]-> or -[planned]-> (${modelFile})`,
      );
    } else if (!edges.has(`${from}->${to}`)) {
      problems.push(
        `the model says ${from} -[${r.kind}]-> ${to}, but src/${from} does not import src/${to}: remove it, or make it -[planned]->`,
      );
    }
  }
  return problems;
}

async function main() {
  let args;
  try {
    args = parseArgs({
      options: {
        src: { type: 'string', default: 'src' },
        model: { type: 'string', default: 'docs/architecture' },
        digest: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    console.error(`check-architecture: ${err.message}`);
    return 2;
  }
  if (args.help) {
    console.log('Usage: node scripts/check-architecture.mjs [--src DIR] [--model DIR] [--digest]');
    return 0;
  }
  for (const [flag, dir] of [
    ['--src', args.src],
    ['--model', args.model],
  ]) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      console.error(`check-architecture: ${flag} ${dir} is not a folder`);
      return 2;
    }
  }
  if (args.digest) {
    console.log(modelDigest(args.model));
    return 0;
  }
  const folders = subsystemFolders(args.src);
  const { edges, bypasses } = importEdges(args.src);
  let model;
  try {
    model = await readModel(args.model);
  } catch (err) {
    console.error(`check-architecture: ${err.message}`);
    return 1;
  }
  for (const b of bypasses) console.error(`check-architecture: warning: ${b}`);
  const problems = compare(folders, edges, model, path.join(args.model, 'model.c4'));
  const stale = staleDiagrams(args.model);
  if (stale) problems.push(stale);
  for (const p of problems) console.error(`check-architecture: ${p}`);
  if (problems.length > 0) {
    console.error(`check-architecture: ${problems.length} differences between src/ and ${args.model}`);
    return 1;
  }
  const planned = model.subsystems.filter((s) => s.planned).length;
  console.log(
    `check-architecture: ${folders.length} subsystem folders and ${edges.size} imports between them match ${args.model} (${planned} subsystems planned); its diagrams are current`,
  );
  return 0;
}

// Run only as a script, so that tests can import the functions above.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main();
}
