import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One copy of graphql (its ESM and CJS entries would otherwise both load under vitest).
    alias: { graphql: 'graphql/index.js' },
  },
  test: {
    globalSetup: ['test/support/global-setup.ts', 'test/support/build-dashboard.ts'],
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'workers/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files run in parallel, each in its own database.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
