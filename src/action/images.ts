import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { slug } from '../runs/index.js';
import { type ImageUse, imageActivity, loadImageArchive, saveImageArchive } from '../sandbox/index.js';
import type { GithubContext } from './github-context.js';
import { cachePath } from './history.js';
import type { Shard } from './inputs.js';

/**
 * The suite's Docker images travel between workflow runs through the Actions
 * cache, so a pull request whose tasks did not change builds nothing. One
 * `docker save` of every image the runs used (task, service, agent-install
 * and harness images; not those a task names from a registry), uncompressed:
 * the cache compresses its archive itself (zstd). Keyed by a hash of the
 * image tags, which carry their build contexts' hashes; restored by prefix,
 * newest first, from the pull request's ref and then the base branch. Saved
 * only on the default branch, and only when the run used an image the
 * restored archive did not hold.
 */

export interface ImageCacheKeys {
  /** Every saved archive of this suite (and shard) starts with it. */
  restorePrefix: string;
}

export function imageCacheKeys(prefix: string, suiteId: string, shard: Shard | null): ImageCacheKeys {
  const share = shard ? `-shard${shard.index}of${shard.total}` : '';
  return { restorePrefix: `${prefix}-images-${slug(suiteId)}${share}-` };
}

/** The key an archive of exactly these images is saved under. */
export function imageCacheKey(keys: ImageCacheKeys, tags: readonly string[]): string {
  const fingerprint = createHash('sha256')
    .update([...new Set(tags)].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
  return `${keys.restorePrefix}${fingerprint}`;
}

export interface ImageRestore {
  matchedKey: string | null;
  /** The images the restored archive held. */
  tags: string[];
  /** Of those, the ones loaded (the engine lacked them). */
  loaded: string[];
  seconds: number;
  note: string;
}

type Log = (message: string) => void;

const none = (note: string, seconds = 0): ImageRestore => ({
  matchedKey: null,
  tags: [],
  loaded: [],
  seconds,
  note,
});

export async function restoreImages(
  dir: string,
  workspace: string,
  keys: ImageCacheKeys,
  warn: Log,
): Promise<ImageRestore> {
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  const cache = await import('@actions/cache');
  if (!cache.isFeatureAvailable()) return none('the Actions cache service is not available here');
  try {
    // No archive is ever saved under the bare prefix: this always matches by prefix, newest first.
    const matched = await cache.restoreCache([cachePath(dir, workspace)], keys.restorePrefix, [
      keys.restorePrefix,
    ]);
    if (!matched) return none(`no archive in the cache yet (prefix ${keys.restorePrefix})`, elapsed());
    const loaded = await loadImageArchive(dir);
    const tags = loaded.manifest.images.map((i) => i.tag);
    return {
      matchedKey: matched,
      tags,
      loaded: loaded.loaded,
      seconds: elapsed(),
      note: `restored ${tags.length} image(s) from cache ${matched} (${loaded.loaded.length} loaded, ${loaded.present.length} here already) in ${elapsed().toFixed(1)} s`,
    };
  } catch (err) {
    // A broken cache must not fail the evaluation: the images get built instead.
    warn(`restoring images failed: ${err instanceof Error ? err.message : String(err)}`);
    return none('restoring images failed; they are built instead', elapsed());
  } finally {
    // The images are in the engine now; the archive would only take disk space.
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ImageSave {
  saved: boolean;
  key: string | null;
  bytes: number;
  seconds: number;
  note: string;
}

const notSaved = (note: string): ImageSave => ({ saved: false, key: null, bytes: 0, seconds: 0, note });

/** The images worth carrying: every one the runs used but those a task names from a registry. */
export function imagesToCache(uses: readonly ImageUse[] = imageActivity()): string[] {
  return uses.filter((u) => u.origin !== 'named').map((u) => u.tag);
}

export async function saveImages(
  dir: string,
  workspace: string,
  keys: ImageCacheKeys,
  ctx: GithubContext,
  restored: ImageRestore,
  warn: Log,
): Promise<ImageSave> {
  if (!ctx.onDefaultBranch)
    return notSaved(
      ctx.pullRequest
        ? 'pull requests restore images but never save them'
        : `images are saved only from the default branch${ctx.defaultBranch ? ` (${ctx.defaultBranch})` : ''}`,
    );
  const tags = imagesToCache();
  if (tags.length === 0) return notSaved('no images to save');
  const have = new Set(restored.tags);
  if (tags.every((t) => have.has(t))) return notSaved('every image came from the cache');
  const cache = await import('@actions/cache');
  if (!cache.isFeatureAvailable()) return notSaved('the Actions cache service is not available here');
  const key = imageCacheKey(keys, tags);
  const started = Date.now();
  try {
    const archive = await saveImageArchive(dir, tags, { compression: 'none' });
    const id = await cache.saveCache([cachePath(dir, workspace)], key);
    const seconds = (Date.now() - started) / 1000;
    const bytes = archive.manifest.bytes;
    return id === -1
      ? { ...notSaved(`the cache did not accept ${key}`), seconds }
      : {
          saved: true,
          key,
          bytes,
          seconds,
          note: `saved ${tags.length} image(s) (${(bytes / 1e6).toFixed(0)} MB before the cache's compression) to cache ${key} in ${seconds.toFixed(1)} s`,
        };
  } catch (err) {
    warn(`saving images failed: ${err instanceof Error ? err.message : String(err)}`);
    return notSaved('saving images failed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The job summary's line: restored / built / saved, with their seconds. */
export function describeImageCache(
  restored: ImageRestore,
  saved: ImageSave,
  uses: readonly ImageUse[] = imageActivity(),
): string {
  const built = uses.filter((u) => u.origin === 'built');
  const buildSeconds = built.reduce((s, u) => s + u.buildSeconds, 0);
  const parts = [
    restored.matchedKey
      ? `restored ${restored.tags.length} from the cache (\`${restored.matchedKey}\`: ${restored.loaded.length} loaded, ${restored.seconds.toFixed(1)} s)`
      : `restored none: ${restored.note.replace(/ \(prefix [^)]*\)$/, '')}`,
    built.length > 0
      ? `built ${built.length} (${buildSeconds.toFixed(1)} s: ${built.map((u) => `\`${u.tag}\``).join(', ')})`
      : 'built 0',
    saved.saved
      ? `saved ${imagesToCache(uses).length} to \`${saved.key}\` (${(saved.bytes / 1e6).toFixed(0)} MB before compression, ${saved.seconds.toFixed(1)} s)`
      : `not saved: ${saved.note}`,
  ];
  return `**Docker images:** ${parts.join(' · ')}.`;
}
