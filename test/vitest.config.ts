import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Three suites: unit (pure logic), integration (real DuckDB, real S3 server), e2e (Chromium via browser mode).
export default defineConfig({
  root: resolve(import.meta.dirname, '..'),
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000 } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.e2e.test.ts'], testTimeout: 180_000, hookTimeout: 180_000, fileParallelism: false } },
    ],
  },
});
