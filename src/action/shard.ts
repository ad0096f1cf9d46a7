import type { Shard } from './inputs.js';

/**
 * A deterministic share of the suite's tasks: tasks sorted by id and dealt
 * round-robin, so every shard of a matrix gets a balanced, disjoint share and
 * together they cover the suite exactly once.
 */
export function selectShard<T>(items: T[], idOf: (item: T) => string, shard: Shard | null): T[] {
  if (!shard) return items;
  const sorted = [...items].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
  return sorted.filter((_, i) => i % shard.total === shard.index - 1);
}
