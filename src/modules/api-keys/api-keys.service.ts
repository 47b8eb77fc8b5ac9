import { and, count, desc, eq, inArray, isNull, lt, type SQL, sql } from 'drizzle-orm';
import { apiKeys, type Role } from '../../../db/schema/index.ts';
import { onCommit, type ServiceContext, withTransaction } from '../../context.ts';
import { AppError, fieldError } from '../../errors.ts';
import { decodeDateCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import { isWithin, type KeyScope, rolesWithin } from '../../http/principal.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { generateKey, hashKey } from './api-key-store.ts';

export interface NewApiKey {
  name: string;
  role: Role;
  markets?: string[] | undefined;
  languages?: string[] | undefined;
  rateLimitPerSecond?: number | undefined;
}

type KeyRow = typeof apiKeys.$inferSelect;

export function toApiKeyView(row: KeyRow) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    ...(row.markets ? { markets: row.markets } : {}),
    ...(row.languages ? { languages: row.languages } : {}),
    ...(row.rateLimitPerSecond !== null ? { rateLimitPerSecond: row.rateLimitPerSecond } : {}),
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    ...(row.revokedAt ? { revokedAt: row.revokedAt.toISOString() } : {}),
  };
}

function keyAudit(row: KeyRow) {
  return { object: { type: 'api-key' as const, id: row.id }, markets: row.markets, languages: row.languages };
}

/** The keys `principal` may see and manage: no higher role, markets and languages within its own. */
function keysWithin(principal: KeyScope): SQL[] {
  const conditions: SQL[] = [inArray(apiKeys.role, rolesWithin(principal))];
  if (principal.markets)
    conditions.push(sql`${apiKeys.markets} <@ ${JSON.stringify(principal.markets)}::jsonb`);
  if (principal.languages)
    conditions.push(sql`${apiKeys.languages} <@ ${JSON.stringify(principal.languages)}::jsonb`);
  return conditions;
}

/** `creator` null: Vetted itself, at first start. */
export async function createApiKey(
  ctx: ServiceContext,
  input: NewApiKey,
  creator: (KeyScope & { keyId: string }) | null,
) {
  // A translator without languages could write every language: the contract says it always names them.
  if (input.role === 'translator' && !input.languages) {
    throw new AppError('validation-failed', {
      errors: [fieldError('/languages', 'translator-languages')],
    });
  }
  const scope: KeyScope = {
    role: input.role,
    markets: input.markets ?? null,
    languages: input.languages ?? null,
  };
  if (creator && !isWithin(creator, scope)) throw new AppError('forbidden', { params: { context: 'key' } });
  const { key, prefix, hash } = generateKey();
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(apiKeys)
      .values({
        ...scope,
        name: input.name,
        rateLimitPerSecond: input.rateLimitPerSecond ?? null,
        prefix,
        hash,
        createdBy: creator?.keyId ?? null,
      })
      .returning();
    if (!row) throw new AppError('internal');
    const view = toApiKeyView(row);
    await recordAudit(tx, { action: 'api-key.create', ...keyAudit(row), before: null, after: view });
    await onCommit(tx, () => tx.apiKeys.remember(row));
    return { ...view, key };
  });
}

export async function listApiKeys(
  ctx: ServiceContext,
  principal: KeyScope,
  limit: number,
  cursor?: string,
): Promise<Page<ReturnType<typeof toApiKeyView>>> {
  const after = cursor ? decodeDateCursor(cursor) : undefined;
  const rows = await ctx.db
    .select()
    .from(apiKeys)
    .where(and(...keysWithin(principal), after ? lt(apiKeys.createdAt, after) : undefined))
    .orderBy(desc(apiKeys.createdAt))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(toApiKeyView),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt.toISOString()) : null,
  };
}

const isUnscopedAdmin = (row: KeyScope) => row.role === 'admin' && !row.markets && !row.languages;

/**
 * Revokes a key no wider than the caller's (others answer 404, as if missing). The last active
 * unscoped admin key stays: without it nobody could manage markets or unscoped keys.
 */
export async function revokeApiKey(ctx: ServiceContext, principal: KeyScope, id: string): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const [current] = await tx.db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt), ...keysWithin(principal)));
    if (!current) throw new AppError('not-found', { params: { resource: `/v1/api-keys/${id}` } });
    if (isUnscopedAdmin(current)) {
      // Locking every unscoped admin key serialises concurrent revocations of the last two.
      const admins = await tx.db
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(
          and(
            eq(apiKeys.role, 'admin'),
            isNull(apiKeys.markets),
            isNull(apiKeys.languages),
            isNull(apiKeys.revokedAt),
          ),
        )
        .for('update');
      if (admins.length <= 1) {
        throw new AppError('conflict', { params: { resource: `/v1/api-keys/${id}`, context: 'last-admin' } });
      }
    }
    const [row] = await tx.db
      .update(apiKeys)
      .set({ revokedAt: tx.clock() })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) throw new AppError('not-found', { params: { resource: `/v1/api-keys/${id}` } });
    await recordAudit(tx, {
      action: 'api-key.revoke',
      ...keyAudit(row),
      before: toApiKeyView(current),
      after: toApiKeyView(row),
    });
    await onCommit(tx, () => tx.changes.apiKeyRevoked(row.hash));
  });
}

/**
 * With ADMIN_API_KEY, that key is always an active, unscoped admin after start: created when
 * missing, restored when revoked, so whoever holds the configuration can always get back in.
 * Without it, when no key exists at all, a new admin key is made and returned to be printed once.
 */
export async function ensureBootstrapAdmin(ctx: ServiceContext, configuredKey: string | undefined) {
  if (!configuredKey) {
    const [{ n } = { n: 0 }] = await ctx.db.select({ n: count() }).from(apiKeys);
    if (n > 0) return undefined;
    return createApiKey(ctx, { name: 'bootstrap admin', role: 'admin' }, null);
  }
  const hash = hashKey(configuredKey);
  await withTransaction(ctx, async (tx) => {
    const [existing] = await tx.db.select().from(apiKeys).where(eq(apiKeys.hash, hash));
    if (existing && !existing.revokedAt && isUnscopedAdmin(existing)) return;
    const admin = { role: 'admin' as const, markets: null, languages: null, revokedAt: null };
    const [row] = existing
      ? await tx.db.update(apiKeys).set(admin).where(eq(apiKeys.id, existing.id)).returning()
      : await tx.db
          .insert(apiKeys)
          .values({
            ...admin,
            name: 'bootstrap admin (ADMIN_API_KEY)',
            // A configured key may be short: show only enough of it to recognise it.
            prefix: `${configuredKey.slice(0, 4)}…`,
            hash,
          })
          .returning();
    if (!row) throw new AppError('internal');
    await recordAudit(tx, {
      action: existing ? 'api-key.restore' : 'api-key.create',
      ...keyAudit(row),
      before: existing ? toApiKeyView(existing) : null,
      after: toApiKeyView(row),
    });
    await onCommit(tx, () => tx.apiKeys.remember(row));
  });
  return undefined;
}
