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
    // No harness a test starts sweeps the shared engine's leftovers of dead harnesses (other tests stage
    // such leftovers on purpose); test/sandbox/orphans.docker.test.ts turns the sweep on where it tests it.
    env: { FACTORY_BENCH_SWEEP_ORPHANS: '0' },
  },
});
