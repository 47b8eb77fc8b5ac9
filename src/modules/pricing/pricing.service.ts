import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { markets, messagePrices } from '../../../db/schema/index.ts';
import { type ServiceContext, withTransaction } from '../../context.ts';
import type { TemplateCategory } from '../../domain/content.ts';
import { normalisePrice } from '../../domain/money.ts';
import { AppError } from '../../errors.ts';
import { assertEtagMatches } from '../../http/etag.ts';
import type { Principal } from '../../http/principal.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { assertMayManageMarket } from '../markets/markets.service.ts';

export type PriceRow = typeof messagePrices.$inferSelect;

export interface PriceInput {
  market: string;
  category: TemplateCategory;
  currency: string;
  pricePerMessage: string;
  validFrom: string;
  source: string;
}

export function toPriceView(row: PriceRow) {
  return {
    market: row.market,
    category: row.category,
    currency: row.currency,
    pricePerMessage: normalisePrice(row.pricePerMessage),
    validFrom: row.validFrom,
    source: row.source,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The table as a key sees it changes whenever one of its rows does: a strong ETag over their revisions. */
export function pricingEtag(rows: PriceRow[]): string {
  const digest = createHash('sha256')
    .update(rows.map((row) => `${row.market}/${row.category}/${row.revision}`).join('\n'))
    .digest('base64url')
    .slice(0, 22);
  return `"pricing.${digest}"`;
}

/** Prices in the key's markets (a key limited to languages only sees every market's), by market and category. */
export async function listPrices(
  ctx: ServiceContext,
  principal: Principal,
  filter: { market?: string | undefined; category?: TemplateCategory | undefined } = {},
): Promise<PriceRow[]> {
  return ctx.db
    .select()
    .from(messagePrices)
    .where(
      and(
        principal.markets ? inArray(messagePrices.market, principal.markets) : undefined,
        filter.market ? eq(messagePrices.market, filter.market) : undefined,
        filter.category ? eq(messagePrices.category, filter.category) : undefined,
      ),
    )
    .orderBy(asc(messagePrices.market), asc(messagePrices.category));
}

/** Every price, keyed by market and category, for costing served variants. */
export async function priceBook(ctx: ServiceContext): Promise<Map<string, PriceRow>> {
  const rows = await ctx.db.select().from(messagePrices);
  return new Map(rows.map((row) => [priceKey(row.market, row.category), row]));
}

export const priceKey = (market: string, category: string) => `${market}/${category}`;

const sameEntry = (row: PriceRow, input: PriceInput) =>
  row.currency === input.currency &&
  normalisePrice(row.pricePerMessage) === normalisePrice(input.pricePerMessage) &&
  row.validFrom === input.validFrom &&
  row.source === input.source;

/**
 * Sets the price of each market and category named, like a market admin changes a market: only in
 * the key's markets (others answer as unknown) and only markets whose languages it all covers.
 * Entries equal to what is stored change nothing; each change is audited. With `ifMatch`, the
 * table as the key sees it must not have changed since it was read.
 */
export async function putPrices(
  ctx: ServiceContext,
  principal: Principal,
  items: PriceInput[],
  ifMatch: string[] | undefined,
): Promise<PriceRow[]> {
  return withTransaction(ctx, async (tx) => {
    const codes = [...new Set(items.map((item) => item.market))].sort();
    const marketRows = await tx.db.select().from(markets).where(inArray(markets.code, codes));
    for (const code of codes) {
      const market = marketRows.find((row) => row.code === code);
      assertMayManageMarket(principal, code, market, []);
      if (!market) throw new AppError('unknown-market', { params: { market: code } });
    }
    if (ifMatch) {
      // Locked, so two PUTs with the same ETag cannot both pass the check.
      await tx.db.execute(sql`lock table ${messagePrices} in share row exclusive mode`);
      assertEtagMatches(ifMatch, pricingEtag(await listPrices(tx, principal)));
    }
    const current = await tx.db.select().from(messagePrices).where(inArray(messagePrices.market, codes));
    for (const item of items) {
      const before = current.find((row) => row.market === item.market && row.category === item.category);
      if (before && sameEntry(before, item)) continue;
      const values = {
        currency: item.currency,
        pricePerMessage: normalisePrice(item.pricePerMessage),
        validFrom: item.validFrom,
        source: item.source,
        updatedAt: tx.clock(),
      };
      const [after] = await tx.db
        .insert(messagePrices)
        .values({ market: item.market, category: item.category, ...values, createdAt: tx.clock() })
        .onConflictDoUpdate({
          target: [messagePrices.market, messagePrices.category],
          set: { ...values, revision: sql`${messagePrices.revision} + 1` },
        })
        .returning();
      await recordAudit(tx, {
        action: 'pricing.put',
        object: { type: 'price', id: priceKey(item.market, item.category) },
        markets: [item.market],
        languages: null,
        before: before ? toPriceView(before) : null,
        after: after ? toPriceView(after) : null,
      });
    }
    return listPrices(tx, principal);
  });
}
