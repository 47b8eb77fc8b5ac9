import { and, asc, eq, sql } from 'drizzle-orm';
import { markets, versions } from '../../../db/schema/index.ts';
import { onCommit, type ServiceContext, withTransaction } from '../../context.ts';
import { AppError, type FieldError, fieldError } from '../../errors.ts';
import { assertEtagMatches, etagOf } from '../../http/etag.ts';
import { inScope, type Principal } from '../../http/principal.ts';
import { zodFieldErrors } from '../../http/problem.ts';
import { missingProviderSettings } from '../../providers/provider-config.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { MarketInputSchema } from './markets.schemas.ts';
import { SEED_MARKETS } from './markets.seed.ts';

export type MarketRow = typeof markets.$inferSelect;

export interface MarketInput {
  /** Read-only fields of the representation GET returns: accepted back when they agree. */
  code?: string;
  createdAt?: string;
  updatedAt?: string;
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
  const errors: FieldError[] = [];
  if (!input.languages.includes(input.defaultLanguage)) {
    errors.push(fieldError('/defaultLanguage', 'market.default-language'));
  }
  for (const [from, to] of Object.entries(input.fallbacks)) {
    if (!input.languages.includes(from))
      errors.push(fieldError(`/fallbacks/${from}`, 'market.fallback-from'));
    for (const target of to) {
      if (!input.languages.includes(target) || target === from) {
        errors.push(fieldError(`/fallbacks/${from}`, 'market.fallback-to', { target }));
      }
    }
  }
  if (errors.length) throw new AppError('validation-failed', { errors });
}

/** A market can only be bound to a provider account whose secrets the configuration holds. */
function checkProviderConfigured(ctx: ServiceContext, provider: MarketInput['provider']): void {
  const missing = missingProviderSettings(ctx.config, provider.kind, provider.account);
  if (missing.length) {
    throw new AppError('validation-failed', {
      errors: [
        fieldError('/provider', 'market.provider-not-configured', {
          kind: provider.kind,
          account: provider.account,
          settings: missing.join(', '),
        }),
      ],
    });
  }
}

/** Markets bound to a provider account the configuration cannot serve, with what is missing. */
export async function misconfiguredMarkets(
  ctx: ServiceContext,
): Promise<Array<{ market: string; provider: string; account: string; missing: string[] }>> {
  const rows = await listMarkets(ctx);
  return rows
    .map((row) => ({
      market: row.code,
      provider: row.providerKind,
      account: row.providerAccount,
      missing: missingProviderSettings(ctx.config, row.providerKind, row.providerAccount),
    }))
    .filter((entry) => entry.missing.length > 0);
}

/**
 * The representation GET returns can be sent back: its read-only fields are ignored when they
 * agree with the path and the stored market, and refused when they contradict them (a copied
 * `code` would otherwise silently create or change another market than the one in the body).
 */
function checkReadOnlyFields(code: string, input: MarketInput, existing: MarketRow | undefined): void {
  const stored = existing ? toMarketView(existing) : undefined;
  const errors: FieldError[] = [];
  if (input.code !== undefined && input.code !== code) {
    errors.push(fieldError('/code', 'market.read-only-code', { market: code }));
  }
  for (const field of ['createdAt', 'updatedAt'] as const) {
    const given = input[field];
    if (given === undefined || given === stored?.[field]) continue;
    errors.push(
      stored
        ? fieldError(`/${field}`, 'market.read-only-stored', { value: stored[field] })
        : fieldError(`/${field}`, 'market.read-only-new'),
    );
  }
  if (errors.length) throw new AppError('validation-failed', { errors });
}

/** RFC 7396: objects merge key by key, `null` removes a key, anything else replaces. */
function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/**
 * Merge-patches a market (If-Match required) on behalf of a key; the merged market is validated
 * like a PUT body, so a patch cannot produce a market PUT would refuse.
 */
export async function patchMarketAs(
  ctx: ServiceContext,
  principal: Principal,
  code: string,
  patch: Record<string, unknown>,
  ifMatch: string[],
): Promise<MarketRow> {
  return withTransaction(ctx, async (tx) => {
    const [existing] = await tx.db.select().from(markets).where(eq(markets.code, code));
    if (!existing) throw new AppError('unknown-market', { params: { market: code } });
    // Scope first, so a key that may not manage the market learns nothing from its ETag.
    assertMayManageMarket(principal, code, existing, []);
    assertEtagMatches(ifMatch, marketEtag(existing));
    const parsed = MarketInputSchema.safeParse(applyMergePatch(toMarketView(existing), patch));
    if (!parsed.success) throw new AppError('validation-failed', { errors: zodFieldErrors(parsed.error) });
    const input = parsed.data;
    assertMayManageMarket(principal, code, existing, input.languages);
    checkReadOnlyFields(code, input, existing);
    const { row } = await putMarket(tx, code, input, ifMatch);
    await recordAudit(tx, {
      action: 'market.patch',
      object: { type: 'market', id: code },
      markets: [code],
      languages: [...new Set([...existing.languages, ...row.languages])],
      before: toMarketView(existing),
      after: toMarketView(row),
    });
    return row;
  });
}

/**
 * Deletes a market nothing was ever written for (a mistyped PUT); a market with template versions
 * keeps its history, so it cannot be deleted. The row is locked first so a version being created at
 * the same time waits for the answer instead of failing on its foreign key.
 */
export async function deleteMarketAs(
  ctx: ServiceContext,
  principal: Principal,
  code: string,
  ifMatch: string[],
): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const [existing] = await tx.db.select().from(markets).where(eq(markets.code, code)).for('update');
    if (!existing) throw new AppError('unknown-market', { params: { market: code } });
    assertMayManageMarket(principal, code, existing, []);
    assertEtagMatches(ifMatch, marketEtag(existing));
    const [version] = await tx.db
      .select({ id: versions.id })
      .from(versions)
      .where(eq(versions.market, code))
      .limit(1);
    if (version) {
      throw new AppError('conflict', { params: { context: 'market-has-versions', market: code } });
    }
    await tx.db.delete(markets).where(eq(markets.code, code));
    await recordAudit(tx, {
      action: 'market.delete',
      object: { type: 'market', id: code },
      markets: [code],
      languages: existing.languages,
      before: toMarketView(existing),
      after: null,
    });
    await onCommit(tx, () => tx.changes.marketRemoved(code));
  });
}

/**
 * A key manages only markets in its scope (others answer as missing) and, when limited to
 * languages, only markets whose languages it all has; creating a market needs an unscoped key.
 */
export function assertMayManageMarket(
  principal: Principal,
  code: string,
  existing: MarketRow | undefined,
  languages: string[],
): void {
  if (!inScope(principal, code)) throw new AppError('unknown-market', { params: { market: code } });
  const touched = [...languages, ...(existing?.languages ?? [])];
  const scoped = principal.markets !== null || principal.languages !== null;
  if ((!existing && scoped) || !touched.every((language) => inScope(principal, code, language))) {
    throw new AppError('forbidden', { params: { context: 'market', market: code } });
  }
}

/** `putMarket` on behalf of a key: within its scope, audited in the same transaction. */
export async function putMarketAs(
  ctx: ServiceContext,
  principal: Principal,
  code: string,
  input: MarketInput,
  ifMatch: string[] | undefined,
): Promise<{ row: MarketRow; created: boolean }> {
  return withTransaction(ctx, async (tx) => {
    const [existing] = await tx.db.select().from(markets).where(eq(markets.code, code));
    assertMayManageMarket(principal, code, existing, input.languages);
    checkReadOnlyFields(code, input, existing);
    const result = await putMarket(tx, code, input, ifMatch);
    await recordAudit(tx, {
      action: 'market.put',
      object: { type: 'market', id: code },
      markets: [code],
      languages: [...new Set([...(existing?.languages ?? []), ...result.row.languages])],
      before: existing ? toMarketView(existing) : null,
      after: toMarketView(result.row),
    });
    return result;
  });
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
  const rebinding =
    existing?.providerKind !== input.provider.kind || existing.providerAccount !== input.provider.account;
  if (rebinding) checkProviderConfigured(ctx, input.provider);
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
