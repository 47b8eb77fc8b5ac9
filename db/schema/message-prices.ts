import { date, numeric, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import type { TemplateCategory } from '../../src/domain/content.ts';
import { revision, timestamps } from './columns.ts';

/**
 * What one delivered template message costs, per market and category, as data an admin keeps up
 * to date. Money is a decimal string (numeric), never a float.
 */
export const messagePrices = pgTable(
  'message_prices',
  {
    market: text('market').notNull(),
    category: text('category').$type<TemplateCategory>().notNull(),
    currency: text('currency').notNull(),
    pricePerMessage: numeric('price_per_message').notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    /** Where the figure comes from: a rate card's name and address, a contract, a note. */
    source: text('source').notNull(),
    revision,
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.market, t.category] })],
);
