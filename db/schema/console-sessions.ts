import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { apiKeys } from './api-keys.ts';

/**
 * Web console sessions: a random id in an HttpOnly cookie stands for an API key. Kept in the
 * database so a session outlives a restart and works on every instance; only the id's SHA-256 is
 * stored, like the keys themselves. A session of a revoked key is never honoured.
 */
export const consoleSessions = pgTable(
  'console_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    keyId: uuid('key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    /** Every console form carries it, besides the Origin check (double defence against CSRF). */
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('console_sessions_expires_at_idx').on(t.expiresAt)],
);
