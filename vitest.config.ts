import { defineConfig } from 'vitest/config';

// Two groups, one after the other. Unit and in-process tests (src/, and test/ outside e2e
// and fuzz) run two files at a time: they poll with deadlines, own their temp dirs, ports
// and PostgreSQL schemas, and half of a file's time is loading it. End-to-end files start
// real servers, agents and instance processes; on a 2-core machine they run one file at a
// time, after every unit file, so their deadlines stay honest.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/fuzz/**'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
