import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { notificationDeliveries, notificationEvents, subscriptions } from '../../../db/schema/index.ts';
import { type ServiceContext, withTransaction } from '../../context.ts';
import type { NotificationEvent } from '../../domain/notifications.ts';
import { AppError } from '../../errors.ts';
import { decodeCursor, decodeDateCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import { isWithin, type KeyScope } from '../../http/principal.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { assertPublicDestination, DestinationRefused } from './guarded-http.ts';

export interface NewSubscription {
  url: string;
  events: NotificationEvent[];
  format: 'json' | 'chat';
  secret?: string | undefined;
  markets?: string[] | undefined;
  languages?: string[] | undefined;
}

type SubscriptionRow = typeof subscriptions.$inferSelect;

/** The API's view: never the secret. */
export function toSubscriptionView(row: SubscriptionRow) {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    format: row.format,
    ...(row.markets ? { markets: row.markets } : {}),
    ...(row.languages ? { languages: row.languages } : {}),
    createdAt: row.createdAt.toISOString(),
    ...(row.disabledAt ? { disabledAt: row.disabledAt.toISOString() } : {}),
  };
}

function subscriptionAudit(row: SubscriptionRow) {
  return {
    object: { type: 'subscription' as const, id: row.id },
    markets: row.markets,
    languages: row.languages,
  };
}

/** Subscriptions a key may see and delete: those no wider than its own markets and languages. */
function subscriptionsWithin(principal: KeyScope): SQL[] {
  const conditions: SQL[] = [];
  if (principal.markets)
    conditions.push(sql`${subscriptions.markets} <@ ${JSON.stringify(principal.markets)}::jsonb`);
  if (principal.languages)
    conditions.push(sql`${subscriptions.languages} <@ ${JSON.stringify(principal.languages)}::jsonb`);
  return conditions;
}

const notFound = (id: string) =>
  new AppError('not-found', { params: { resource: `/v1/subscriptions/${id}` } });

/**
 * A subscription is scoped like the key that creates it: its markets and languages default to the
 * key's own and may narrow them, never widen them (403). The URL must be public unless
 * SUBSCRIPTION_ALLOW_PRIVATE_URLS is set (422). The secret is returned in this answer only.
 */
export async function createSubscription(
  ctx: ServiceContext,
  input: NewSubscription,
  creator: KeyScope & { keyId: string },
) {
  const scope = {
    markets: input.markets ?? creator.markets,
    languages: input.languages ?? creator.languages,
  };
  if (!isWithin(creator, { role: creator.role, ...scope })) {
    throw new AppError('forbidden', { params: { context: 'subscription' } });
  }
  const url = new URL(input.url);
  if (!ctx.config.SUBSCRIPTION_ALLOW_PRIVATE_URLS) {
    try {
      await assertPublicDestination(url);
    } catch (error) {
      if (!(error instanceof DestinationRefused)) throw error;
      throw new AppError('validation-failed', {
        params: { context: 'destination', host: url.hostname },
        errors: [{ path: '/url', message: error.message }],
      });
    }
  }
  const secret = input.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(subscriptions)
      .values({
        url: url.toString(),
        events: [...new Set(input.events)],
        format: input.format,
        secret,
        ...scope,
        createdBy: creator.keyId,
        createdAt: tx.clock(),
      })
      .returning();
    if (!row) throw new AppError('internal');
    const view = toSubscriptionView(row);
    await recordAudit(tx, {
      action: 'subscription.create',
      ...subscriptionAudit(row),
      before: null,
      after: view,
    });
    return { ...view, secret };
  });
}

export async function listSubscriptions(
  ctx: ServiceContext,
  principal: KeyScope,
  limit: number,
  cursor: string | undefined,
): Promise<Page<ReturnType<typeof toSubscriptionView>>> {
  const after = cursor ? decodeDateCursor(cursor) : undefined;
  const rows = await ctx.db
    .select()
    .from(subscriptions)
    .where(
      and(
        isNull(subscriptions.deletedAt),
        ...subscriptionsWithin(principal),
        after ? lt(subscriptions.createdAt, after) : undefined,
      ),
    )
    .orderBy(desc(subscriptions.createdAt))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(toSubscriptionView),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt.toISOString()) : null,
  };
}

/** Idempotent: deleting a deleted subscription is done already. Pending deliveries to it stop. */
export async function deleteSubscription(
  ctx: ServiceContext,
  principal: KeyScope,
  id: string,
): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const [current] = await tx.db
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.id, id), ...subscriptionsWithin(principal)))
      .for('update');
    if (!current) throw notFound(id);
    if (current.deletedAt) return;
    const [row] = await tx.db
      .update(subscriptions)
      .set({ deletedAt: tx.clock() })
      .where(eq(subscriptions.id, id))
      .returning();
    if (!row) throw notFound(id);
    await recordAudit(tx, {
      action: 'subscription.delete',
      ...subscriptionAudit(row),
      before: toSubscriptionView(current),
      after: null,
    });
  });
}

type DeliveryRow = typeof notificationDeliveries.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function toDeliveryView(row: DeliveryRow, event: NotificationEvent) {
  return {
    id: row.id,
    event,
    eventId: row.eventId,
    status: row.status,
    attempts: row.attempts,
    ...(row.lastError ? { lastError: row.lastError } : {}),
    ...(row.lastAttemptAt ? { lastAttemptAt: row.lastAttemptAt.toISOString() } : {}),
    ...(row.deliveredAt ? { deliveredAt: row.deliveredAt.toISOString() } : {}),
    createdAt: row.createdAt.toISOString(),
  };
}

/** A delivery cursor: its creation time and id, as one event's deliveries share a transaction's time. */
function decodeDeliveryCursor(cursor: string): { createdAt: Date; id: string } {
  const [at = '', id = ''] = decodeCursor(cursor).split('|');
  // A malformed id fails the whole cursor, with the error any other bad cursor gets.
  const createdAt = decodeDateCursor(UUID.test(id) ? encodeCursor(at) : cursor);
  return { createdAt, id };
}

/** The delivery log of one subscription within the key's scope, newest first. */
export async function listDeliveries(
  ctx: ServiceContext,
  principal: KeyScope,
  id: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<ReturnType<typeof toDeliveryView>>> {
  const [subscription] = await ctx.db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(eq(subscriptions.id, id), isNull(subscriptions.deletedAt), ...subscriptionsWithin(principal)));
  if (!subscription) throw notFound(id);
  const after = cursor ? decodeDeliveryCursor(cursor) : undefined;
  const rows = await ctx.db
    .select({ delivery: notificationDeliveries, event: notificationEvents.type })
    .from(notificationDeliveries)
    .innerJoin(notificationEvents, eq(notificationEvents.id, notificationDeliveries.eventId))
    .where(
      and(
        eq(notificationDeliveries.subscriptionId, id),
        after
          ? or(
              lt(notificationDeliveries.createdAt, after.createdAt),
              and(
                eq(notificationDeliveries.createdAt, after.createdAt),
                lt(notificationDeliveries.id, after.id),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(desc(notificationDeliveries.createdAt), desc(notificationDeliveries.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1)?.delivery;
  return {
    items: items.map((row) => toDeliveryView(row.delivery, row.event)),
    nextCursor:
      rows.length > limit && last ? encodeCursor(`${last.createdAt.toISOString()}|${last.id}`) : null,
  };
}
