import { defineConfig } from 'vitest/config';

// End-to-end files start real servers, agents and instance processes; on a 2-core
// machine they run one file at a time so their deadlines stay honest.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
