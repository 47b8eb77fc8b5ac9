import { defineConfig } from 'vitest/config';

const postgresUrl = process.env.TEST_DATABASE_URL;

const base = {
  include: ['test/**/*.test.ts'],
  globalSetup: ['test/support/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

/** Every test file runs on PGlite; with TEST_DATABASE_URL set, the database tests run on PostgreSQL too. */
export default defineConfig({
  test: {
    projects: [
      { test: { ...base, name: 'pglite', env: { TEST_DB_KIND: 'pglite' } } },
      ...(postgresUrl
        ? [
            {
              test: {
                ...base,
                name: 'postgres',
                exclude: [
                  'test/domain/**',
                  'test/providers/**',
                  'test/jobs/**',
                  'test/context.test.ts',
                  'test/server.test.ts',
                  // Browser tests: the console's pages are the same on either database.
                  'test/ui/**',
                ],
                env: { TEST_DB_KIND: 'postgres', TEST_DATABASE_URL: postgresUrl },
              },
            },
          ]
        : []),
    ],
  },
});
