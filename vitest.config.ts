import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{core,drivers,electron,renderer,sync,scripts}/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Server tests start PGlite instances; keep parallelism within 2 cores.
    maxWorkers: 2,
  },
});
