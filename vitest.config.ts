import { defineConfig } from 'vitest/config';

const areas = ['apps', 'packages', 'modules', 'flows', 'bench'];

export default defineConfig({
  test: {
    include: areas.flatMap((a) => [`${a}/**/*.test.ts`, `${a}/**/*.test.tsx`]),
    exclude: ['**/node_modules/**', '**/dist/**', '**/.git/**'],
    reporters: ['default', './packages/testkit/src/summary-reporter.ts'],
    pool: 'forks',
    // The machine has 2 cores.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    // expect.poll gives up after 1 s by default: browser tests wait on IndexedDB and the till's
    // sync under a loaded 2-core CI box. A poll still returns as soon as it holds.
    expect: { poll: { timeout: 10_000 } },
    // One throwaway PostgreSQL for the whole run: inject('pg') / testPostgres() / freshPgDatabase().
    globalSetup: ['./packages/testkit/src/global-setup.ts'],
  },
});
