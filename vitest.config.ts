import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Docker-backed tests share one engine on a 2-core machine; keep the fan-out modest.
    maxWorkers: 2,
    pool: 'forks',
  },
});
