import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** One `Idempotency-Key` per API key: the request it was first used for and, once known, its answer. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    principal: text('principal').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    /** Null while the first request is still running. */
    status: integer('status'),
    body: jsonb('body'),
    /** The answer's header fields a replay repeats (ETag, Location). */
    headers: jsonb('headers').$type<Record<string, string>>(),
    /** A running request's claim lapses then, so a crash between claim and answer does not hold the key forever. */
    claimedUntil: timestamp('claimed_until', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.principal, t.key] }),
    index('idempotency_keys_created_at_idx').on(t.createdAt),
  ],
);
