import { z } from '@hono/zod-openapi';
import { TEMPLATE_CATEGORIES } from '../../domain/content.ts';
import { PRICE_PATTERN } from '../../domain/money.ts';
import { safeText } from '../../http/safe-input.ts';
import { MarketCode } from '../markets/markets.schemas.ts';

export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code')
  .openapi({ example: 'USD' });

/** Money as a decimal string: a JSON number would pass through a binary float on the way. */
export const Price = z
  .string()
  .regex(PRICE_PATTERN, 'a decimal string such as "0.0109" (at most 6 decimals)')
  .openapi({ example: '0.0109', description: 'Decimal string; never a JSON number' });

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const validFrom = z
  .string()
  .regex(ISO_DATE, 'a date such as 2026-01-01')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'a date that exists')
  .openapi({ example: '2026-01-01', description: 'The day the price applies from (YYYY-MM-DD)' });

const priceFields = {
  market: MarketCode,
  category: z.enum(TEMPLATE_CATEGORIES),
  currency: Currency,
  pricePerMessage: Price,
  validFrom,
  source: safeText('line')
    .trim()
    .min(1, 'say where the price comes from (a rate card, a contract)')
    .max(500)
    .openapi({ description: 'Where the price comes from: rate card and its address, contract, note' }),
};

export const PriceSchema = z.object({ ...priceFields, updatedAt: z.string() }).openapi('MessagePrice', {
  description: 'What one delivered template message of this category costs in this market',
});

export const PriceTableSchema = z.object({ items: z.array(PriceSchema) }).openapi('PriceTable');

/** What PUT takes: the entries to set; `updatedAt` may come back as GET gave it and is ignored. */
export const PriceTableInputSchema = z
  .object({
    items: z
      .array(
        z
          .object({
            ...priceFields,
            updatedAt: z.string().optional().openapi({ description: 'Read-only, ignored' }),
          })
          .strict(),
      )
      .min(1)
      .max(200)
      .refine(
        (items) => new Set(items.map((item) => `${item.market}/${item.category}`)).size === items.length,
        'each market and category at most once',
      ),
  })
  .strict()
  .openapi('PriceTableInput');

export const PriceQuery = z.object({
  market: MarketCode.optional(),
  category: z.enum(TEMPLATE_CATEGORIES).optional(),
});
