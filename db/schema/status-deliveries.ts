import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every provider status delivery seen, by its dedupe key, including those that changed nothing,
 * so a redelivery is recognised whenever it comes. Kept at least as long as providers retry (Meta: 7 days).
 */
export const statusDeliveries = pgTable('status_deliveries', {
  dedupeKey: text('dedupe_key').primaryKey(),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
