import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/check-architecture.mjs');

function check(args: string[] = []): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of src/ and of the model that a test may break. */
function copies(): { src: string; model: string } {
  const dir = tempDir('fb-arch-');
  const src = path.join(dir, 'src');
  const model = path.join(dir, 'model');
  cpSync(path.join(ROOT, 'src'), src, { recursive: true });
  cpSync(path.join(ROOT, 'docs/architecture'), model, { recursive: true });
  return { src, model };
}

describe('scripts/check-architecture.mjs', () => {
  it('finds every subsystem folder of src/ and every import between them in the model', () => {
    const r = check();
    const folders = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true }).filter((d) =>
      d.isDirectory(),
    );
    expect(r.stderr).not.toMatch(/has no element|differences/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${folders.length} subsystem folders`);
    expect(r.stdout).toContain('its diagrams are current');
  });

  it('fails, naming the folder, when a subsystem folder has no element in the model', () => {
    const { src, model } = copies();
    mkdirSync(path.join(src, 'fake_subsystem'));
    writeFileSync(path.join(src, 'fake_subsystem/index.ts'), 'export const fake = 1;\n');
    const r = check(['--src', src, '--model', model]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('src/fake_subsystem has no element in the architecture model');
  });

  it('fails when an import between subsystems is missing from the model', () => {
    const { src, model } = copies();
    appendFileSync(
      path.join(src, 'budgets/enforcer.ts'),
      "import { grade } from '../judges/index.js';\nexport const gradeAgain = grade;\n",
    );
    const r = check(['--src', src, '--model', model]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('src/budgets imports src/judges');
    expect(r.stderr).toContain('budgets -[calls]-> judges');
  });

  it('fails when the model claims an import that src/ does not have', () => {
    const { src, model } = copies();
    appendFileSync(path.join(model, 'model.c4'), "\nmodel {\n  budgets -[calls]-> judges 'never'\n}\n");
    const r = check(['--src', src, '--model', model]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('src/budgets does not import src/judges');
  });

  it('fails when the model changed but its diagrams were not rendered again', () => {
    const { src, model } = copies();
    expect(check(['--src', src, '--model', model]).code).toBe(0);
    appendFileSync(
      path.join(model, 'views/context.c4'),
      '\nviews {\n  view extra {\n    include *\n  }\n}\n',
    );
    const r = check(['--src', src, '--model', model]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('were not rendered from this model: run npm run arch:render');
  });

  it('refuses an invalid model with one line that says so', () => {
    const { src, model } = copies();
    appendFileSync(path.join(model, 'model.c4'), '\nmodel { broken = nosuchkind }\n');
    const r = check(['--src', src, '--model', model]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not a valid LikeC4 model .*nosuchkind/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('import classification', () => {
  it('tells type-only imports from value imports', async () => {
    // @ts-expect-error: a plain .mjs script without type declarations
    const { importsOf } = await import('../../scripts/check-architecture.mjs');
    const found = importsOf(
      [
        "import type { A } from '../a/index.js';",
        "import { type B, type C } from '../b/index.js';",
        "import { type D, e } from '../d/index.js';",
        "import f from '../f/index.js';",
        "export * from '../g/index.js';",
        "export type { H } from '../h/index.js';",
        "const i = await import('../i/index.js');",
        "// import { j } from '../j/index.js';",
      ].join('\n'),
    );
    expect(found).toEqual([
      { specifier: '../a/index.js', values: false },
      { specifier: '../b/index.js', values: false },
      { specifier: '../d/index.js', values: true },
      { specifier: '../f/index.js', values: true },
      { specifier: '../g/index.js', values: true },
      { specifier: '../h/index.js', values: false },
      { specifier: '../i/index.js', values: true },
    ]);
  });
});
