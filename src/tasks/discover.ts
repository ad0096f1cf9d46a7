import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** A task folder: one with our task.yaml, or Harbor's task.toml (Terminal-Bench 2). */
export function isTaskFolder(dir: string): boolean {
  return existsSync(path.join(dir, 'task.yaml')) || existsSync(path.join(dir, 'task.toml'));
}

/** Task folders (those holding a task.yaml or a Harbor task.toml) directly under `root`, sorted by name. */
export function discoverTaskDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && isTaskFolder(path.join(root, e.name)))
    .map((e) => path.join(root, e.name))
    .sort();
}
