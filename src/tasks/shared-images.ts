import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { sharedImagePattern } from './schema.js';

/** The folder, next to `tasks/`, that holds one Docker build context per shared image. */
export const SHARED_IMAGES_DIR = 'images';

export type SharedImageLookup = { ok: true; context: string } | { ok: false; message: string };

const inside = (child: string, parent: string): boolean => child.startsWith(parent + path.sep);

/**
 * Finds the build context of shared image `name` for the task in `taskDir`:
 * `images/<name>/` (with a Dockerfile) in the nearest folder above the task
 * that has one. The name is checked against a strict pattern, and a context
 * or Dockerfile that is a symlink leading out of its `images/` folder is
 * refused, so a manifest can only ever pick one of the repository's images.
 */
export function resolveSharedImage(taskDir: string, name: string): SharedImageLookup {
  if (!sharedImagePattern.test(name))
    return { ok: false, message: `${JSON.stringify(name)} is not a shared image name (a-z, 0-9, _ and -)` };
  const start = path.dirname(path.resolve(taskDir));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const images = path.join(dir, SHARED_IMAGES_DIR);
    const context = path.join(images, name);
    const dockerfile = path.join(context, 'Dockerfile');
    if (existsSync(dockerfile)) {
      const realImages = realpathSync(images);
      const realContext = realpathSync(context);
      const realDockerfile = realpathSync(dockerfile);
      if (!inside(realImages, realpathSync(dir)) || !inside(realContext, realImages))
        return { ok: false, message: `${context} is a symlink leading out of ${dir}; refused` };
      if (!inside(realDockerfile, realContext) || !statSync(realDockerfile).isFile())
        return { ok: false, message: `${dockerfile} is not a regular file inside ${context}; refused` };
      return { ok: true, context: realContext };
    }
    if (path.dirname(dir) === dir) break;
  }
  return {
    ok: false,
    message: `no shared image ${JSON.stringify(name)}: no ${SHARED_IMAGES_DIR}/${name}/Dockerfile in any folder above ${path.resolve(taskDir)}`,
  };
}
