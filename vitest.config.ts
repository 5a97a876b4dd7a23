import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Two tiers run by `npm test`: `server` (pure rules and integration tests on a real database, one fresh
// database per file) and `e2e` (Playwright journeys in Chromium against the real server).
// A third, `cluster` (test/cluster: faults on several API nodes behind nginx), runs in `.ci/run` only.
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
          // At least two files at a time: Vitest's default (CPUs − 1) is one on the 2-CPU CI machine.
          maxWorkers: Math.max(2, availableParallelism() - 1),
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
          // Two journey files at a time (docs/testing.md): each has its own server (port 0, fresh PGlite,
          // own DATA_DIR) and Chromium. After the server tier (its own group: a different worker count);
          // dist/web is checked once, in globalSetup, so no file rebuilds it under another one.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          globalSetup: ['test/e2e/global-setup.ts'],
        },
      },
      {
        // Fault tests on a real cluster (nginx, API node processes, PostgreSQL, own NATS and Redis):
        // `npm run test:cluster` and `.ci/run`, not `npm test`, which needs nothing installed.
        test: {
          name: 'cluster',
          root: '.',
          include: ['test/cluster/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
