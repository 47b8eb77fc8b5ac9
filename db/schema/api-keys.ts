import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const ROLES = ['admin', 'editor', 'translator', 'sender', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  markets: jsonb('markets').$type<string[]>(),
  languages: jsonb('languages').$type<string[]>(),
  /** null: the role's default from configuration. */
  rateLimitPerSecond: integer('rate_limit_per_second'),
  prefix: text('prefix').notNull(),
  /** SHA-256 of the whole key, hex; the key itself is never stored. */
  hash: text('hash').notNull().unique(),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
});
