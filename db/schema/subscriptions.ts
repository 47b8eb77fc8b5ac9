import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { NotificationEvent } from '../../src/domain/notifications.ts';

/**
 * Outbound notification subscriptions. `markets`/`languages` are the scope of the admin key that
 * created it (null: not limited): only events in that scope reach it. The secret signs every
 * delivery, so it is kept as given (it must be recoverable) and never returned or logged.
 */
export const subscriptions = pgTable('subscriptions', {
  id: uuid('id').primaryKey().defaultRandom(),
  url: text('url').notNull(),
  events: jsonb('events').$type<NotificationEvent[]>().notNull(),
  format: text('format', { enum: ['json', 'chat'] }).notNull(),
  secret: text('secret').notNull(),
  markets: jsonb('markets').$type<string[]>(),
  languages: jsonb('languages').$type<string[]>(),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  /** Set when the receiver answered 410 Gone: nothing more is sent to it. */
  disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
});

/** One row per event (the outbox): written in the transaction of the change it reports. */
export const notificationEvents = pgTable('notification_events', {
  id: uuid('id').primaryKey().defaultRandom(),
  type: text('type').$type<NotificationEvent>().notNull(),
  market: text('market').notNull(),
  language: text('language').notNull(),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/** One delivery per subscription and event; its id stays the same across retries. */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    eventId: uuid('event_id')
      .notNull()
      .references(() => notificationEvents.id),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, mode: 'date' }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notification_deliveries_event_idx').on(t.eventId, t.subscriptionId),
    index('notification_deliveries_subscription_idx').on(t.subscriptionId, t.createdAt),
  ],
);
