import { loadConfig } from '../src/config.ts';
import { openPglite, openPostgres } from './database.ts';

/** `npm run db:migrate`: applies the checked-in migrations to DATABASE_URL (or the PGlite DATA_DIR). */
const config = loadConfig();
const database = config.DATABASE_URL
  ? openPostgres(config.DATABASE_URL, { max: 1 })
  : await openPglite({ dataDir: config.DATA_DIR });
await database.migrate();
process.stdout.write(`Applied migrations: ${await database.appliedMigrations()} in total.\n`);
await database.close();
