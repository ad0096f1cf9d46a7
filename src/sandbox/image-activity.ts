/**
 * Which images this process's sandboxes used, and which of those it had to
 * build and for how long: what a CI job saves for the next one (see the
 * action's image cache and `factory-bench images save`).
 */

export type ImageOrigin = 'built' | 'reused' | 'named';

export interface ImageUse {
  tag: string;
  /** Built here, found already present, or named by the task (`environment.image`, pulled if missing). */
  origin: ImageOrigin;
  /** Seconds the build took (0 unless built). */
  buildSeconds: number;
}

const uses = new Map<string, ImageUse>();

/** Notes that an image was used; a build wins over a reuse of the same tag. */
export function recordImageUse(tag: string, origin: ImageOrigin, buildSeconds = 0): void {
  const known = uses.get(tag);
  if (known?.origin === 'built') return;
  uses.set(tag, { tag, origin, buildSeconds });
}

/** Every image used since the process started (or the last reset), in first-use order. */
export function imageActivity(): ImageUse[] {
  return [...uses.values()];
}

export function resetImageActivity(): void {
  uses.clear();
}
