import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Task, taskManifestSchema } from '../../src/tasks/index.js';

export const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');

/** A task whose environment is given inline; service builds are relative to test/sandbox/fixtures. */
export function taskWith(id: string, environment: Record<string, unknown>, scratch: string): Task {
  const manifest = taskManifestSchema.parse({
    id,
    title: id,
    difficulty: 'smoke',
    domain: 'test',
    instructions: 'none',
    environment: { image: 'debian:bookworm-slim', ...environment },
    grader: { checks: [{ name: 'noop', type: 'file_present', path: 'x' }] },
  });
  const workspace = path.join(scratch, `${id}-seed`);
  mkdirSync(workspace, { recursive: true });
  return {
    dir: FIXTURES,
    manifestPath: path.join(FIXTURES, 'task.yaml'),
    manifest,
    paths: { workspace, solution: path.join(scratch, 'solution'), buildContext: null, fixtures: null },
  };
}
