import { defineConfig } from 'vitest/config';

/** Two forks (two cores); each test file starts its own time-skipping server (see test/helpers.ts). */
export const TEST_WORKERS = 2;

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: TEST_WORKERS,
    globalSetup: ['./test/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    reporters: ['default'],
  },
});
