import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Append-only: who changed what, before and after. Written in the transaction of the change, so
 * an entry exists exactly when the change does. `markets`/`languages` are the scope of the object
 * (null: not limited), which decides which scoped admins may read the entry.
 */
export const auditEntries = pgTable(
  'audit_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** null: Vetted itself (start-up restoring ADMIN_API_KEY). */
    actorKeyId: text('actor_key_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id').notNull(),
    markets: jsonb('markets').$type<string[]>(),
    languages: jsonb('languages').$type<string[]>(),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
  },
  (t) => [
    index('audit_entries_object_idx').on(t.objectType, t.objectId, t.id),
    index('audit_entries_actor_idx').on(t.actorKeyId, t.id),
  ],
);
