import { jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** The sandbox provider's own store: what a real provider would keep on its side. */
export const sandboxTemplates = pgTable(
  'sandbox_templates',
  {
    account: text('account').notNull(),
    name: text('name').notNull(),
    languageCode: text('language_code').notNull(),
    id: text('id').notNull().unique(),
    category: text('category').notNull(),
    components: jsonb('components').notNull(),
    status: text('status').notNull(),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.account, t.name, t.languageCode] })],
);
