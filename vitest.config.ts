import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{core,drivers,electron,renderer,sync,scripts}/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Hang guards, not speed limits: the heavy tests (1,000 checkouts through a faulty
    // network, property runs against PGlite) take several times longer on a busy machine.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Server tests start PGlite instances; keep parallelism within 2 cores.
    maxWorkers: 2,
  },
});
