import { defineConfig } from 'vitest/config';

// Two tiers run by `npm test`: `server` (pure rules and integration tests on a real database, one fresh
// database per file) and `e2e` (Playwright journeys in Chromium against the real server).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          root: '.',
          include: ['src/**/*.test.ts', 'test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          root: '.',
          include: ['test/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
