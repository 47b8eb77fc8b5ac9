import { and, asc, eq, sql } from 'drizzle-orm';
import { markets } from '../../../db/schema/index.ts';
import { onCommit, type ServiceContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { assertEtagMatches, etagOf } from '../../http/etag.ts';
import { SEED_MARKETS } from './markets.seed.ts';

export type MarketRow = typeof markets.$inferSelect;

export interface MarketInput {
  name: string;
  status: 'active' | 'upcoming';
  languages: string[];
  defaultLanguage: string;
  fallbacks: Record<string, string[]>;
  timezone: string;
  currency: string;
  provider: { kind: 'sandbox' | 'meta' | 'gupshup'; account: string };
}

export function toMarketView(row: MarketRow) {
  return {
    code: row.code,
    name: row.name,
    status: row.status,
    languages: row.languages,
    defaultLanguage: row.defaultLanguage,
    fallbacks: row.fallbacks,
    timezone: row.timezone,
    currency: row.currency,
    provider: { kind: row.providerKind, account: row.providerAccount },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const marketEtag = (row: MarketRow) => etagOf(row.code, row.revision);

export async function seedMarkets(ctx: ServiceContext): Promise<void> {
  await ctx.db.insert(markets).values(SEED_MARKETS).onConflictDoNothing();
}

export async function listMarkets(ctx: ServiceContext): Promise<MarketRow[]> {
  return ctx.db.select().from(markets).orderBy(asc(markets.code));
}

export async function getMarket(ctx: ServiceContext, code: string): Promise<MarketRow> {
  const [row] = await ctx.db.select().from(markets).where(eq(markets.code, code));
  if (!row) throw new AppError('unknown-market', { params: { market: code } });
  return row;
}

/** Cross-field rules zod cannot see per field: the default and fallbacks must be market languages. */
function checkMarketLanguages(input: MarketInput): void {
  const errors = [];
  if (!input.languages.includes(input.defaultLanguage)) {
    errors.push({ path: '/defaultLanguage', message: 'must be one of the market languages' });
  }
  for (const [from, to] of Object.entries(input.fallbacks)) {
    if (!input.languages.includes(from))
      errors.push({ path: `/fallbacks/${from}`, message: 'not a market language' });
    for (const target of to) {
      if (!input.languages.includes(target) || target === from) {
        errors.push({
          path: `/fallbacks/${from}`,
          message: `fallback ${target} must be another market language`,
        });
      }
    }
  }
  if (errors.length) throw new AppError('validation-failed', { errors });
}

/** Creates or replaces a market. With If-Match the update only applies to the version the caller saw. */
export async function putMarket(
  ctx: ServiceContext,
  code: string,
  input: MarketInput,
  ifMatch: string[] | undefined,
): Promise<{ row: MarketRow; created: boolean }> {
  checkMarketLanguages(input);
  const values = {
    name: input.name,
    status: input.status,
    languages: input.languages,
    defaultLanguage: input.defaultLanguage,
    fallbacks: input.fallbacks,
    timezone: input.timezone,
    currency: input.currency,
    providerKind: input.provider.kind,
    providerAccount: input.provider.account,
  };
  const [existing] = await ctx.db.select().from(markets).where(eq(markets.code, code));
  if (existing) {
    if (ifMatch) assertEtagMatches(ifMatch, marketEtag(existing));
    const [row] = await ctx.db
      .update(markets)
      .set({ ...values, revision: sql`${markets.revision} + 1`, updatedAt: ctx.clock() })
      .where(and(eq(markets.code, code), ifMatch ? eq(markets.revision, existing.revision) : undefined))
      .returning();
    if (!row) throw new AppError('precondition-failed');
    await onCommit(ctx, () => ctx.changes.marketChanged(row));
    return { row, created: false };
  }
  const [row] = await ctx.db
    .insert(markets)
    .values({ code, ...values })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError('conflict', { params: { resource: code } });
  await onCommit(ctx, () => ctx.changes.marketChanged(row));
  return { row, created: true };
}
