import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { revision, timestamps } from './columns.ts';

export const markets = pgTable('markets', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  status: text('status', { enum: ['active', 'upcoming'] }).notNull(),
  languages: jsonb('languages').$type<string[]>().notNull(),
  defaultLanguage: text('default_language').notNull(),
  fallbacks: jsonb('fallbacks').$type<Record<string, string[]>>().notNull().default({}),
  timezone: text('timezone').notNull(),
  currency: text('currency').notNull(),
  providerKind: text('provider_kind', { enum: ['sandbox', 'meta', 'gupshup'] }).notNull(),
  providerAccount: text('provider_account').notNull(),
  revision,
  ...timestamps,
});
