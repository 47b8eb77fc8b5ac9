import { and, asc, desc, eq, gt, inArray } from 'drizzle-orm';
import { events, statusDeliveries, versions } from '../../../db/schema/index.ts';
import { onCommit, type ServiceContext, withTransaction } from '../../context.ts';
import {
  canTransition,
  mapProviderStatus,
  NOTED_PROVIDER_STATUSES,
  normaliseProviderStatus,
  type VersionStatus,
} from '../../domain/lifecycle.ts';
import { decodeIntegerCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import { QUEUES, type VerifyStatusJob } from '../../jobs/queue.ts';
import { notifyEvent } from '../notifications/outbox.service.ts';

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
  const [event] = await ctx.db
    .insert(events)
    .values({
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
    })
    .returning();
  if (event) await notifyEvent(ctx, event, updated ?? version);
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

export interface ProviderLocator {
  /** Which version: by our id, else the provider's template id, else its name and language code. */
  versionId?: string | undefined;
  provider?: string | undefined;
  providerAccount?: string | undefined;
  providerTemplateId?: string | undefined;
  providerTemplateName?: string | undefined;
  providerLanguageCode?: string | undefined;
}

interface DeliveryBase extends ProviderLocator {
  source: EventSource;
  actor?: string | null | undefined;
  occurredAt: Date;
  raw?: unknown;
  /** Same key, same delivery: a webhook delivered ten times makes one event. */
  dedupeKey: string;
}

export interface ProviderStatusEvent extends DeliveryBase {
  /** The provider's status word as received (APPROVED, rejected, FLAGGED…). */
  providerStatus: string;
  reason?: string | null | undefined;
  reasonText?: string | null | undefined;
  providerCategory?: string | undefined;
  qualityScore?: string | null | undefined;
  /**
   * A status just read from the provider (reconciliation, a doubtful event's check): the provider's
   * truth, applied even where our transition table has no such step.
   */
  authoritative?: boolean;
}

export type IngestOutcome =
  | { outcome: 'unknown-version' }
  | { outcome: 'duplicate' }
  | {
      outcome: 'applied' | 'stale' | 'unmapped' | 'unchanged' | 'noted' | 'verify';
      event?: EventRow;
      version: VersionRow;
    };

type Effect = EventRow['effect'];

function locate(input: ProviderLocator) {
  if (input.versionId) return eq(versions.id, input.versionId);
  const provider = eq(versions.provider, input.provider ?? '');
  if (input.providerTemplateId)
    return and(provider, eq(versions.providerTemplateId, input.providerTemplateId));
  return and(
    provider,
    input.providerAccount ? eq(versions.providerAccount, input.providerAccount) : undefined,
    eq(versions.providerTemplateName, input.providerTemplateName ?? ''),
    eq(versions.providerLanguageCode, input.providerLanguageCode ?? ''),
  );
}

/** The version a provider's locator names, without a lock (a read before calling the provider). */
export async function findProviderVersion(
  ctx: ServiceContext,
  locator: ProviderLocator,
): Promise<VersionRow | undefined> {
  const [version] = await ctx.db.select().from(versions).where(locate(locator));
  return version;
}

/**
 * Finds and locks the version a delivery is about, and claims the delivery's dedupe key, in the
 * caller's transaction. A provider id we have not stored yet (its create answer is still on the
 * way) falls back to the name and language.
 */
async function claimDelivery(
  tx: ServiceContext,
  input: DeliveryBase,
): Promise<VersionRow | 'unknown-version' | 'duplicate'> {
  // The row lock serialises concurrent deliveries for one version.
  let [version] = await tx.db.select().from(versions).where(locate(input)).for('update');
  if (!version && input.providerTemplateId && input.providerTemplateName) {
    [version] = await tx.db
      .select()
      .from(versions)
      .where(locate({ ...input, providerTemplateId: undefined }))
      .for('update');
  }
  if (!version) return 'unknown-version';
  const [firstDelivery] = await tx.db
    .insert(statusDeliveries)
    .values({ dedupeKey: input.dedupeKey, receivedAt: tx.clock() })
    .onConflictDoNothing()
    .returning();
  return firstDelivery ? version : 'duplicate';
}

/**
 * What a provider's status does to a version. Only transitions domain.md allows are applied; an
 * impossible one, or one tied in provider time with the current state, is a doubt the provider must
 * settle by a status read (`verify`). Older news is kept but changes nothing (`stale`). Times are
 * compared only with a state the provider set: our own steps (submit, the create answer, appeal)
 * carry our clock, which a provider's whole-second timestamps cannot be ordered against.
 */
function effectOf(
  version: VersionRow,
  mapped: VersionStatus | null,
  input: ProviderStatusEvent,
  currentIsOurs: boolean,
): Effect | 'unchanged' {
  if (mapped === null)
    return NOTED_PROVIDER_STATUSES.has(normaliseProviderStatus(input.providerStatus)) ? 'noted' : 'unmapped';
  if (version.status === 'draft') return 'stale';
  if (mapped === version.status)
    return currentIsOurs || input.occurredAt >= version.statusAt ? 'unchanged' : 'stale';
  if (input.authoritative) return 'applied';
  if (!currentIsOurs) {
    if (input.occurredAt < version.statusAt) return 'stale';
    if (input.occurredAt.getTime() === version.statusAt.getTime()) return 'verify';
  }
  return canTransition(version.status, mapped) ? 'applied' : 'verify';
}

/** Whether the version's current status was set by Vetted itself rather than reported by the provider. */
async function currentStatusIsOurs(tx: ServiceContext, version: VersionRow): Promise<boolean> {
  const [last] = await tx.db
    .select({ source: events.source })
    .from(events)
    .where(and(eq(events.versionId, version.id), eq(events.effect, 'applied')))
    .orderBy(desc(events.id))
    .limit(1);
  return last?.source === 'api';
}

/** The history entry of a delivery; undefined when its dedupe key is already there. */
async function insertDeliveryEvent(
  tx: ServiceContext,
  version: VersionRow,
  input: DeliveryBase,
  what: Pick<typeof events.$inferInsert, 'toStatus' | 'providerStatus' | 'effect' | 'reason' | 'reasonText'>,
): Promise<EventRow | undefined> {
  const [event] = await tx.db
    .insert(events)
    .values({
      ...eventIdentity(version),
      ...what,
      fromStatus: version.status,
      source: input.source,
      actor: input.actor ?? null,
      occurredAt: input.occurredAt,
      receivedAt: tx.clock(),
      raw: input.raw ?? null,
      dedupeKey: input.dedupeKey,
    })
    .onConflictDoNothing()
    .returning();
  return event;
}

/** Provider facts kept on the version whatever the status does: its id, category and quality. */
function providerFacts(input: ProviderStatusEvent): Partial<VersionRow> {
  return {
    ...(input.providerTemplateId ? { providerTemplateId: input.providerTemplateId } : {}),
    ...(input.providerCategory ? { providerCategory: input.providerCategory } : {}),
    ...(input.qualityScore ? { qualityScore: input.qualityScore } : {}),
  };
}

/**
 * The one way a provider's status enters Vetted (webhooks, polling, the sandbox, the worker).
 * Duplicates are dropped by dedupe key; every other delivery is kept in the history with its
 * effect; an unknown status is kept raw and never treated as approval.
 */
export async function ingestProviderStatus(
  ctx: ServiceContext,
  input: ProviderStatusEvent,
): Promise<IngestOutcome> {
  return withTransaction(ctx, async (tx) => {
    const version = await claimDelivery(tx, input);
    if (typeof version === 'string') return { outcome: version };

    const mapped = mapProviderStatus(input.providerStatus);
    const effect = effectOf(version, mapped, input, await currentStatusIsOurs(tx, version));
    const facts = providerFacts(input);
    const checked = input.authoritative ? { statusCheckedAt: tx.clock() } : {};
    if (effect === 'unchanged') {
      if (Object.keys(facts).length || input.authoritative) {
        await tx.db
          .update(versions)
          .set({ ...facts, ...checked })
          .where(eq(versions.id, version.id));
        if (Object.keys(facts).length) await onCommit(tx, () => tx.changes.variantChanged(version));
      }
      return { outcome: 'unchanged', version };
    }
    const event = await insertDeliveryEvent(tx, version, input, {
      toStatus: effect === 'applied' && mapped ? mapped : version.status,
      providerStatus: input.providerStatus,
      effect,
      reason: input.reason ?? null,
      reasonText: input.reasonText ?? null,
    });
    if (!event) return { outcome: 'duplicate' };
    if (effect === 'verify') {
      await tx.queue.send(QUEUES.verifyStatus, { versionId: version.id } satisfies VerifyStatusJob, {
        db: tx.db,
        singletonKey: version.id,
      });
    }
    if (effect !== 'applied' || mapped === null) {
      if (input.authoritative) {
        await tx.db.update(versions).set(checked).where(eq(versions.id, version.id));
      }
      return { outcome: effect, event, version };
    }

    const [updated] = await tx.db
      .update(versions)
      .set({
        ...facts,
        ...checked,
        status: mapped,
        // A status read has no provider time of its own; it stands for "now", after everything known.
        statusAt:
          input.authoritative && input.occurredAt < version.statusAt ? version.statusAt : input.occurredAt,
        revision: version.revision + 1,
        updatedAt: tx.clock(),
      })
      .where(eq(versions.id, version.id))
      .returning();
    await notifyEvent(tx, event, updated ?? version);
    await onCommit(tx, () => tx.changes.variantChanged(version));
    return { outcome: 'applied', event, version: updated ?? version };
  });
}

export interface ProviderNote extends DeliveryBase {
  /** A code for what happened: CATEGORY_CHANGED, CATEGORY_CHANGE_ANNOUNCED, QUALITY_CHANGED… */
  reason: string;
  reasonText: string;
  /** What the note changes on the version (category, announced category, quality). */
  set: Partial<
    Pick<VersionRow, 'providerCategory' | 'pendingCategory' | 'pendingCategoryAt' | 'qualityScore'>
  >;
}

/**
 * A provider fact that is not a status (a category or quality change): kept on the version and in
 * its history as a `noted` event, deduplicated like status deliveries.
 */
export async function ingestProviderNote(ctx: ServiceContext, input: ProviderNote): Promise<IngestOutcome> {
  return withTransaction(ctx, async (tx) => {
    const version = await claimDelivery(tx, input);
    if (typeof version === 'string') return { outcome: version };
    const event = await insertDeliveryEvent(tx, version, input, {
      toStatus: version.status,
      effect: 'noted',
      reason: input.reason,
      reasonText: input.reasonText,
    });
    if (!event) return { outcome: 'duplicate' };
    const [updated] = await tx.db
      .update(versions)
      .set({ ...input.set, updatedAt: tx.clock() })
      .where(eq(versions.id, version.id))
      .returning();
    await notifyEvent(tx, event, updated ?? version);
    await onCommit(tx, () => tx.changes.variantChanged(version));
    return { outcome: 'noted', event, version: updated ?? version };
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
  const after = cursor ? decodeIntegerCursor(cursor, Number.MAX_SAFE_INTEGER) : undefined;
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
