import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import { events, statusDeliveries, versions } from '../../../db/schema/index.ts';
import { onCommit, type ServiceContext, withTransaction } from '../../context.ts';
import { isFinal, mapProviderStatus, type VersionStatus } from '../../domain/lifecycle.ts';
import { decodeIntegerCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';

export type VersionRow = typeof versions.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type EventSource = EventRow['source'];

export interface StatusChange {
  toStatus: VersionStatus;
  source: EventSource;
  actor?: string | null;
  reason?: string | null;
  reasonText?: string | null;
  occurredAt?: Date;
  raw?: unknown;
}

/**
 * Our own transitions (submit, appeal, worker outcomes): one event and the new status, in the
 * caller's transaction. The caller has already checked the transition is allowed.
 */
export async function recordStatusChange(
  ctx: ServiceContext,
  version: VersionRow,
  change: StatusChange,
  extra: Partial<
    Pick<VersionRow, 'providerTemplateId' | 'providerCategory' | 'lastError' | 'submittedAt'>
  > = {},
): Promise<VersionRow> {
  const occurredAt = change.occurredAt ?? ctx.clock();
  const [updated] = await ctx.db
    .update(versions)
    .set({
      ...extra,
      status: change.toStatus,
      statusAt: occurredAt,
      revision: version.revision + 1,
      updatedAt: ctx.clock(),
    })
    .where(eq(versions.id, version.id))
    .returning();
  await ctx.db.insert(events).values({
    ...eventIdentity(version),
    fromStatus: version.status,
    toStatus: change.toStatus,
    reason: change.reason ?? null,
    reasonText: change.reasonText ?? null,
    source: change.source,
    actor: change.actor ?? null,
    occurredAt,
    receivedAt: ctx.clock(),
    raw: change.raw ?? null,
  });
  await onCommit(ctx, () => ctx.changes.variantChanged(version));
  return updated ?? version;
}

function eventIdentity(version: VersionRow) {
  return {
    versionId: version.id,
    templateKey: version.templateKey,
    market: version.market,
    language: version.language,
    version: version.version,
  };
}

export interface ProviderStatusEvent {
  /** Which version: found by id or by the provider's template name and language code. */
  versionId?: string;
  provider?: string;
  providerAccount?: string;
  providerTemplateName?: string;
  providerLanguageCode?: string;
  /** The provider's status word as received (APPROVED, rejected, FLAGGED…). */
  providerStatus: string;
  reason?: string | null;
  reasonText?: string | null;
  source: EventSource;
  actor?: string | null;
  occurredAt: Date;
  raw?: unknown;
  /** Same key, same delivery: a webhook delivered ten times makes one event. */
  dedupeKey: string;
  providerTemplateId?: string;
  providerCategory?: string;
}

export type IngestOutcome =
  | { outcome: 'unknown-version' }
  | { outcome: 'duplicate' }
  | { outcome: 'applied' | 'stale' | 'unmapped' | 'unchanged'; event?: EventRow; version: VersionRow };

/**
 * The one way a provider's status enters Vetted (webhooks, polling, the sandbox). Duplicates are
 * dropped by dedupe key; an event older than the version's current state is kept in the history
 * but changes nothing; an unknown status is kept raw and never treated as approval.
 */
export async function ingestProviderStatus(
  ctx: ServiceContext,
  input: ProviderStatusEvent,
): Promise<IngestOutcome> {
  return withTransaction(ctx, async (tx) => {
    const where = input.versionId
      ? eq(versions.id, input.versionId)
      : and(
          eq(versions.provider, input.provider ?? ''),
          eq(versions.providerAccount, input.providerAccount ?? ''),
          eq(versions.providerTemplateName, input.providerTemplateName ?? ''),
          eq(versions.providerLanguageCode, input.providerLanguageCode ?? ''),
        );
    // The row lock serialises concurrent deliveries for one version.
    const [version] = await tx.db.select().from(versions).where(where).for('update');
    if (!version) return { outcome: 'unknown-version' };
    const [firstDelivery] = await tx.db
      .insert(statusDeliveries)
      .values({ dedupeKey: input.dedupeKey, receivedAt: tx.clock() })
      .onConflictDoNothing()
      .returning();
    if (!firstDelivery) return { outcome: 'duplicate' };

    const mapped = mapProviderStatus(input.providerStatus);
    if (mapped === version.status && input.occurredAt >= version.statusAt) {
      return { outcome: 'unchanged', version };
    }
    const effect: 'applied' | 'stale' | 'unmapped' =
      mapped === null
        ? 'unmapped'
        : input.occurredAt < version.statusAt || isFinal(version.status) || version.status === 'draft'
          ? 'stale'
          : 'applied';
    const [event] = await tx.db
      .insert(events)
      .values({
        ...eventIdentity(version),
        fromStatus: version.status,
        toStatus: mapped ?? version.status,
        providerStatus: input.providerStatus,
        effect,
        reason: input.reason ?? null,
        reasonText: input.reasonText ?? null,
        source: input.source,
        actor: input.actor ?? null,
        occurredAt: input.occurredAt,
        receivedAt: tx.clock(),
        raw: input.raw ?? null,
        dedupeKey: input.dedupeKey,
      })
      .onConflictDoNothing()
      .returning();
    if (!event) return { outcome: 'duplicate' };
    if (effect !== 'applied' || mapped === null) return { outcome: effect, event, version };

    const [updated] = await tx.db
      .update(versions)
      .set({
        status: mapped,
        statusAt: input.occurredAt,
        revision: version.revision + 1,
        updatedAt: tx.clock(),
        ...(input.providerTemplateId ? { providerTemplateId: input.providerTemplateId } : {}),
        ...(input.providerCategory ? { providerCategory: input.providerCategory } : {}),
      })
      .where(eq(versions.id, version.id))
      .returning();
    await onCommit(tx, () => tx.changes.variantChanged(version));
    return { outcome: 'applied', event, version: updated ?? version };
  });
}

export function toEventView(row: EventRow) {
  return {
    id: String(row.id),
    template: row.templateKey,
    market: row.market,
    language: row.language,
    version: row.version,
    fromStatus: row.fromStatus,
    toStatus: row.toStatus,
    effect: row.effect,
    ...(row.providerStatus ? { providerStatus: row.providerStatus } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.reasonText ? { reasonText: row.reasonText } : {}),
    source: row.source,
    ...(row.actor ? { actor: row.actor } : {}),
    occurredAt: row.occurredAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    ...(row.raw !== null && row.raw !== undefined ? { raw: row.raw } : {}),
  };
}

/** History, oldest first, for one version or a whole template (limited to the key's scope). */
export async function listEvents(
  ctx: ServiceContext,
  filter: { versionId: string } | { templateKey: string; principal: Principal },
  limit: number,
  cursor: string | undefined,
): Promise<Page<EventRow>> {
  const after = cursor ? decodeIntegerCursor(cursor) : undefined;
  const scope =
    'versionId' in filter
      ? [eq(events.versionId, filter.versionId)]
      : [
          eq(events.templateKey, filter.templateKey),
          filter.principal.markets ? inArray(events.market, filter.principal.markets) : undefined,
          filter.principal.languages ? inArray(events.language, filter.principal.languages) : undefined,
        ];
  const rows = await ctx.db
    .select()
    .from(events)
    .where(and(...scope, after !== undefined ? gt(events.id, after) : undefined))
    .orderBy(asc(events.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(String(last.id)) : null };
}
