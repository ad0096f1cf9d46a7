import { cpSync } from 'node:fs';
import path from 'node:path';

/**
 * Copies the repository's shared image build contexts (`images/`) into
 * `root`, so that copies of tasks anywhere under it resolve
 * `environment.shared_image` as the originals do.
 */
export function copySharedImages(root: string): void {
  cpSync(path.resolve('images'), path.join(root, 'images'), { recursive: true });
}
