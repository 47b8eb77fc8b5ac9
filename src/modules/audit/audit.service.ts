import { and, desc, eq, isNotNull, lt, type SQL, sql } from 'drizzle-orm';
import { auditEntries } from '../../../db/schema/index.ts';
import type { ServiceContext } from '../../context.ts';
import { decodeIntegerCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';

export type AuditAction =
  | 'market.put'
  | 'market.patch'
  | 'market.delete'
  | 'template.create'
  | 'template.update'
  | 'template.archive'
  | 'version.create'
  | 'version.update'
  | 'version.delete'
  | 'version.submit'
  | 'version.appeal'
  | 'sandbox.decide'
  | 'api-key.create'
  | 'api-key.revoke'
  | 'api-key.restore'
  | 'subscription.create'
  | 'subscription.delete'
  | 'pricing.put';

export interface AuditChange {
  action: AuditAction;
  object: { type: 'market' | 'template' | 'version' | 'api-key' | 'price' | 'subscription'; id: string };
  /** The object's markets and languages (null: not limited to any), so scoped admins see what is theirs. */
  markets: string[] | null;
  languages: string[] | null;
  before: unknown;
  after: unknown;
}

/**
 * Appends one entry in the caller's transaction: the change and its entry commit or roll back
 * together. Callers pass views of the object, never key hashes or secrets.
 */
export async function recordAudit(ctx: ServiceContext, change: AuditChange): Promise<void> {
  await ctx.db.insert(auditEntries).values({
    at: ctx.clock(),
    actorKeyId: ctx.actor?.keyId ?? null,
    actorName: ctx.actor?.name ?? null,
    action: change.action,
    objectType: change.object.type,
    objectId: change.object.id,
    markets: change.markets,
    languages: change.languages,
    before: change.before ?? null,
    after: change.after ?? null,
    requestId: ctx.actor?.requestId ?? null,
  });
}

type AuditRow = typeof auditEntries.$inferSelect;

export function toAuditView(row: AuditRow) {
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    actor: row.actorKeyId ? { keyId: row.actorKeyId, name: row.actorName ?? '' } : null,
    action: row.action,
    object: { type: row.objectType, id: row.objectId },
    markets: row.markets,
    languages: row.languages,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.requestId,
  };
}

export interface AuditFilter {
  objectType?: string | undefined;
  objectId?: string | undefined;
  actor?: string | undefined;
}

/** An entry is visible to a scoped admin when its object is no wider than the admin's own scope. */
function visibleTo(principal: Principal): SQL[] {
  const conditions: SQL[] = [];
  if (principal.markets) {
    conditions.push(isNotNull(auditEntries.markets));
    conditions.push(sql`${auditEntries.markets} <@ ${JSON.stringify(principal.markets)}::jsonb`);
  }
  if (principal.languages) {
    conditions.push(isNotNull(auditEntries.languages));
    conditions.push(sql`${auditEntries.languages} <@ ${JSON.stringify(principal.languages)}::jsonb`);
  }
  return conditions;
}

/** Newest first. */
export async function listAudit(
  ctx: ServiceContext,
  principal: Principal,
  filter: AuditFilter,
  limit: number,
  cursor: string | undefined,
): Promise<Page<ReturnType<typeof toAuditView>>> {
  const before = cursor ? decodeIntegerCursor(cursor, Number.MAX_SAFE_INTEGER) : undefined;
  const rows = await ctx.db
    .select()
    .from(auditEntries)
    .where(
      and(
        ...visibleTo(principal),
        filter.objectType ? eq(auditEntries.objectType, filter.objectType) : undefined,
        filter.objectId ? eq(auditEntries.objectId, filter.objectId) : undefined,
        filter.actor ? eq(auditEntries.actorKeyId, filter.actor) : undefined,
        before !== undefined ? lt(auditEntries.id, before) : undefined,
      ),
    )
    .orderBy(desc(auditEntries.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(toAuditView),
    nextCursor: rows.length > limit && last ? encodeCursor(String(last.id)) : null,
  };
}
