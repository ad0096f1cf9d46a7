import { describe, expect, it } from 'vitest';
import { withoutSqliteWarning } from '../../src/runs/sqlite.js';

describe('loading node:sqlite', () => {
  it("drops Node 22's SQLite ExperimentalWarning while it loads, and lets every other warning through", async () => {
    const seen: string[] = [];
    const onWarning = (w: Error) => seen.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const value = withoutSqliteWarning(() => {
        // What Node 22.13+ emits the first time node:sqlite is required.
        process.emitWarning(
          'SQLite is an experimental feature and might change at any time',
          'ExperimentalWarning',
        );
        process.emitWarning('something else is experimental', 'ExperimentalWarning');
        process.emitWarning('SQLite said something', { type: 'DeprecationWarning', code: 'DEP_TEST' });
        return 42;
      });
      expect(value).toBe(42);
      // Outside the load nothing is filtered.
      process.emitWarning(
        'SQLite is an experimental feature and might change at any time',
        'ExperimentalWarning',
      );
      // Warnings are delivered on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toEqual([
        'ExperimentalWarning: something else is experimental',
        'DeprecationWarning: SQLite said something',
        'ExperimentalWarning: SQLite is an experimental feature and might change at any time',
      ]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('restores process.emitWarning even when the load throws', () => {
    const before = process.emitWarning;
    expect(() =>
      withoutSqliteWarning(() => {
        throw new Error('no sqlite');
      }),
    ).toThrow('no sqlite');
    expect(process.emitWarning).toBe(before);
  });
});
