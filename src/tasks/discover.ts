import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Task folders (those holding a task.yaml) directly under `root`, sorted by name. */
export function discoverTaskDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(root, e.name, 'task.yaml')))
    .map((e) => path.join(root, e.name))
    .sort();
}
