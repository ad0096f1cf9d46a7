import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlJsStatic } from 'sql.js';

let loaded: Promise<SqlJsStatic> | null = null;

/**
 * Loads sql.js from beside the bundle (`dist/sql-wasm.cjs` + `.wasm`, where
 * webpack must not touch it) or, from the CLI, from node_modules.
 */
export function loadSqlJs(): Promise<SqlJsStatic> {
  if (!loaded) {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const require = createRequire(import.meta.url);
    const bundled = path.join(here, 'sql-wasm.cjs');
    const jsPath = existsSync(bundled) ? bundled : require.resolve('sql.js/dist/sql-wasm.js');
    const wasmDir = path.dirname(jsPath);
    const init = require(jsPath) as (config: { locateFile: (f: string) => string }) => Promise<SqlJsStatic>;
    loaded = init({ locateFile: (file) => path.join(wasmDir, file) });
  }
  return loaded;
}
