import { loadConfig } from '../src/config.ts';
import { openPglite, openPostgres } from './database.ts';

/**
 * `npm run db:migrate`: applies the checked-in migrations to DATABASE_URL (or the PGlite DATA_DIR)
 * and says what it did: how many it applied, or that the database was already up to date.
 */
const config = loadConfig();
const database = config.DATABASE_URL
  ? openPostgres(config.DATABASE_URL, { max: 1 })
  : await openPglite({ dataDir: config.DATA_DIR });
try {
  const before = await database.appliedMigrations();
  await database.migrate();
  const after = await database.appliedMigrations();
  process.stdout.write(
    after > before
      ? `Migrations: ${after - before} applied, ${after} in total.\n`
      : `Migrations: already up to date (${after} applied).\n`,
  );
} finally {
  await database.close();
}
