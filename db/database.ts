import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema>;
/** Either the database or an open transaction: service functions accept both so calls compose. */
export type DbOrTx = Db | Tx;

export const MIGRATIONS_FOLDER = new URL('./migrations', import.meta.url).pathname;
/** Arbitrary constant: serialises migrations of instances starting together on one PostgreSQL. */
const MIGRATION_LOCK_ID = 7_466_101;

interface DatabaseBase {
  db: Db;
  /** Runs the checked-in migrations; safe to call from several instances at once. */
  migrate(): Promise<void>;
  /** Number of migrations recorded as applied. */
  appliedMigrations(): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface PgliteDatabase extends DatabaseBase {
  kind: 'pglite';
  pglite: PGlite;
}

export interface PostgresDatabase extends DatabaseBase {
  kind: 'postgres';
  url: string;
  notify(channel: string, payload: string): Promise<void>;
  /**
   * LISTENs on `channel` over a connection of its own. When that connection closes, notifications
   * sent meanwhile are lost: `onLost` says so, and `resubscribe` listens again (on a new connection).
   */
  listen(
    channel: string,
    handlers: { onNotify(payload: string): void; onLost(): void },
  ): Promise<ChannelListener>;
}

export interface ChannelListener {
  resubscribe(): Promise<void>;
  close(): Promise<void>;
}

export type Database = PgliteDatabase | PostgresDatabase;

export async function openPglite(
  options: { dataDir?: string; loadDataDir?: Blob } = {},
): Promise<PgliteDatabase> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    pglite,
    db,
    migrate: () => migratePglite(drizzlePglite(pglite, { schema }), { migrationsFolder: MIGRATIONS_FOLDER }),
    appliedMigrations: () => countMigrations(db),
    ping: async () => {
      await pglite.query('select 1');
    },
    close: () => pglite.close(),
  };
}

export function openPostgres(url: string, options: { max?: number } = {}): PostgresDatabase {
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    url,
    db,
    migrate: async () => {
      // One dedicated connection so the session-level advisory lock covers the whole migration.
      const lockClient = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migratePostgres(drizzlePostgres(lockClient), { migrationsFolder: MIGRATIONS_FOLDER });
        await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
      } finally {
        await lockClient.end();
      }
    },
    appliedMigrations: () => countMigrations(db),
    notify: async (channel, payload) => {
      await client.notify(channel, payload);
    },
    listen: async (channel, { onNotify, onLost }) => {
      let closing = false;
      // postgres.js honours `onnotify` (its listen() is built on it) but does not declare it.
      const notifications: object = {
        onnotify: (from: string, payload: string) => {
          if (from === channel) onNotify(payload);
        },
      };
      // postgres.js's own listen() re-subscribes silently: a lost connection must be seen, since
      // whatever was announced meanwhile has to be caught up with.
      const listener = postgres(url, {
        max: 1,
        max_lifetime: null,
        idle_timeout: 0,
        onnotice: () => {},
        onclose: () => {
          if (!closing) onLost();
        },
        ...notifications,
      });
      const subscribe = async () => {
        await listener.unsafe(`listen "${channel.replaceAll('"', '""')}"`);
      };
      await subscribe();
      return {
        resubscribe: subscribe,
        close: async () => {
          closing = true;
          await listener.end({ timeout: 5 });
        },
      };
    },
    ping: async () => {
      await client`select 1`;
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** The rows of a raw query: postgres.js answers an array, PGlite an object holding `rows`. */
export async function queryRows(db: DbOrTx, query: SQL): Promise<unknown[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result;
  const rows = (result as { rows?: unknown }).rows;
  return Array.isArray(rows) ? rows : [];
}

async function countMigrations(db: Db): Promise<number> {
  // A database never migrated has no journal table yet: none applied, not an error.
  const [journal] = await queryRows(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!(journal as { present?: boolean } | undefined)?.present) return 0;
  const [first] = await queryRows(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return (first as { n?: number } | undefined)?.n ?? 0;
}
