import { and, count, desc, eq, isNull, lt } from 'drizzle-orm';
import { apiKeys, type Role } from '../../../db/schema/index.ts';
import type { ServiceContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { decodeDateCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import { generateKey, hashKey } from './api-key-store.ts';

export interface NewApiKey {
  name: string;
  role: Role;
  markets?: string[] | undefined;
  languages?: string[] | undefined;
}

type KeyRow = typeof apiKeys.$inferSelect;

export function toApiKeyView(row: KeyRow) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    ...(row.markets ? { markets: row.markets } : {}),
    ...(row.languages ? { languages: row.languages } : {}),
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    ...(row.revokedAt ? { revokedAt: row.revokedAt.toISOString() } : {}),
  };
}

export async function createApiKey(ctx: ServiceContext, input: NewApiKey, createdBy: string | null) {
  const { key, prefix, hash } = generateKey();
  const [row] = await ctx.db
    .insert(apiKeys)
    .values({
      name: input.name,
      role: input.role,
      markets: input.markets ?? null,
      languages: input.languages ?? null,
      prefix,
      hash,
      createdBy,
    })
    .returning();
  if (!row) throw new AppError('internal');
  ctx.apiKeys.remember(row);
  return { ...toApiKeyView(row), key };
}

export async function listApiKeys(
  ctx: ServiceContext,
  limit: number,
  cursor?: string,
): Promise<Page<ReturnType<typeof toApiKeyView>>> {
  const after = cursor ? decodeDateCursor(cursor) : undefined;
  const rows = await ctx.db
    .select()
    .from(apiKeys)
    .where(after ? lt(apiKeys.createdAt, after) : undefined)
    .orderBy(desc(apiKeys.createdAt))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(toApiKeyView),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt.toISOString()) : null,
  };
}

export async function revokeApiKey(ctx: ServiceContext, id: string): Promise<void> {
  const [row] = await ctx.db
    .update(apiKeys)
    .set({ revokedAt: ctx.clock() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  if (!row) throw new AppError('not-found', { params: { resource: `/v1/api-keys/${id}` } });
  await ctx.changes.apiKeyRevoked(row.hash);
}

/**
 * First start: with ADMIN_API_KEY the bootstrap admin key is that one; otherwise, when no key
 * exists at all, a new admin key is made and returned so the caller can print it once.
 */
export async function ensureBootstrapAdmin(ctx: ServiceContext, configuredKey: string | undefined) {
  if (configuredKey) {
    const hash = hashKey(configuredKey);
    const [existing] = await ctx.db.select().from(apiKeys).where(eq(apiKeys.hash, hash));
    if (existing) return undefined;
    const [row] = await ctx.db
      .insert(apiKeys)
      .values({
        name: 'bootstrap admin (ADMIN_API_KEY)',
        role: 'admin',
        // A configured key may be short: show only enough of it to recognise it.
        prefix: `${configuredKey.slice(0, 4)}…`,
        hash,
      })
      .returning();
    if (row) ctx.apiKeys.remember(row);
    return undefined;
  }
  const [{ n } = { n: 0 }] = await ctx.db.select({ n: count() }).from(apiKeys);
  if (n > 0) return undefined;
  return createApiKey(ctx, { name: 'bootstrap admin', role: 'admin' }, null);
}
