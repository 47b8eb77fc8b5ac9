import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { versions } from './versions.ts';

/** Append-only history of every status change of every version. */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    versionId: uuid('version_id')
      .notNull()
      .references(() => versions.id),
    templateKey: text('template_key').notNull(),
    market: text('market').notNull(),
    language: text('language').notNull(),
    version: integer('version').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    /** The provider's status word as received, kept even when we cannot map it. */
    providerStatus: text('provider_status'),
    /**
     * applied: it set the status; stale: older than the current state; unmapped: a provider status we
     * do not know; noted: a fact that changes no status (category, quality, FLAGGED); verify: an
     * impossible or tied transition, settled by reading the status from the provider.
     */
    effect: text('effect', { enum: ['applied', 'stale', 'unmapped', 'noted', 'verify'] })
      .notNull()
      .default('applied'),
    reason: text('reason'),
    reasonText: text('reason_text'),
    source: text('source', { enum: ['api', 'webhook', 'poll', 'sandbox'] }).notNull(),
    actor: text('actor'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    raw: jsonb('raw'),
    dedupeKey: text('dedupe_key').unique(),
  },
  (t) => [
    index('events_version_idx').on(t.versionId, t.id),
    index('events_template_idx').on(t.templateKey, t.id),
    index('events_to_status_idx').on(t.toStatus, t.occurredAt),
  ],
);
