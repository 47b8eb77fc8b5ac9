import { eq, sql } from 'drizzle-orm';
import { notificationDeliveries, notificationEvents, subscriptions } from '../../db/schema/index.ts';
import type { Config } from '../config.ts';
import { type ServiceContext, withTransaction } from '../context.ts';
import { RETRY_WINDOW_SECONDS, retryLimitFor, signatureHeader } from '../domain/notifications.ts';
import type { NotificationSender } from '../modules/notifications/guarded-http.ts';
import { chatBody, jsonBody } from '../modules/notifications/notification-body.ts';
import type { DeliverNotificationJob, RetryPolicy } from './queue.ts';

/**
 * pg-boss retries a failed delivery with exponential backoff from NOTIFICATION_RETRY_DELAY_SECONDS
 * up to NOTIFICATION_RETRY_DELAY_MAX_SECONDS, as many times as it takes for the shortest waits to
 * add up to 24 hours (defaults: 30 s, 1 h → 30 retries, 31 attempts).
 */
export function notificationRetryPolicy(config: Config): RetryPolicy {
  const base = config.NOTIFICATION_RETRY_DELAY_SECONDS;
  const max = config.NOTIFICATION_RETRY_DELAY_MAX_SECONDS;
  return { retryLimit: retryLimitFor(base, max, RETRY_WINDOW_SECONDS), retryDelay: base, retryDelayMax: max };
}

/** A failed attempt that will be tried again: pg-boss retries the job when its handler throws. */
class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`.slice(0, 500);
}

type DeliveryRow = typeof notificationDeliveries.$inferSelect;

async function settle(
  ctx: ServiceContext,
  id: string,
  outcome: Pick<DeliveryRow, 'status' | 'lastError'> & Partial<Pick<DeliveryRow, 'deliveredAt'>>,
): Promise<void> {
  await ctx.db.update(notificationDeliveries).set(outcome).where(eq(notificationDeliveries.id, id));
}

/**
 * One attempt at one delivery: a signed POST of the event to the subscription's URL. A 2xx is
 * delivered; 410 Gone disables the subscription (the receiver says it is gone for good); anything
 * else is retried by pg-boss until the retry window has passed, then the delivery is failed.
 * The attempt is counted before the call, so a crash mid-call still shows in the log.
 */
export async function deliverNotification(
  ctx: ServiceContext,
  sender: NotificationSender,
  job: DeliverNotificationJob,
): Promise<void> {
  const [row] = await ctx.db
    .select({ delivery: notificationDeliveries, subscription: subscriptions, event: notificationEvents })
    .from(notificationDeliveries)
    .innerJoin(subscriptions, eq(subscriptions.id, notificationDeliveries.subscriptionId))
    .innerJoin(notificationEvents, eq(notificationEvents.id, notificationDeliveries.eventId))
    .where(eq(notificationDeliveries.id, job.deliveryId));
  if (row?.delivery.status !== 'pending') return;
  const { delivery, subscription, event } = row;
  if (subscription.deletedAt || subscription.disabledAt) {
    await settle(ctx, delivery.id, {
      status: 'failed',
      lastError: 'the subscription was deleted or disabled',
    });
    return;
  }
  const [counted] = await ctx.db
    .update(notificationDeliveries)
    .set({ attempts: sql`${notificationDeliveries.attempts} + 1`, lastAttemptAt: ctx.clock() })
    .where(eq(notificationDeliveries.id, delivery.id))
    .returning({ attempts: notificationDeliveries.attempts });
  const attempts = counted?.attempts ?? delivery.attempts + 1;

  const body = subscription.format === 'chat' ? await chatBody(ctx, event) : jsonBody(event);
  const timestamp = Math.floor(ctx.clock().getTime() / 1000);
  let failure: string;
  try {
    const status = await sender.post(
      subscription.url,
      {
        'content-type': 'application/json',
        'user-agent': 'Vetted-Notifications/1',
        'vetted-event-id': event.id,
        'vetted-event-type': event.type,
        'vetted-delivery-id': delivery.id,
        'vetted-signature': signatureHeader(subscription.secret, timestamp, body),
      },
      body,
    );
    if (status >= 200 && status < 300) {
      await settle(ctx, delivery.id, { status: 'delivered', lastError: null, deliveredAt: ctx.clock() });
      return;
    }
    if (status === 410) {
      await withTransaction(ctx, async (tx) => {
        await settle(tx, delivery.id, {
          status: 'failed',
          lastError: 'HTTP 410 Gone: the subscription is disabled',
        });
        await tx.db
          .update(subscriptions)
          .set({ disabledAt: tx.clock() })
          .where(eq(subscriptions.id, subscription.id));
      });
      return;
    }
    failure = `HTTP ${status}`;
  } catch (error) {
    failure = describeError(error);
  }
  const lastAttempt = attempts > notificationRetryPolicy(ctx.config).retryLimit;
  await settle(ctx, delivery.id, { status: lastAttempt ? 'failed' : 'pending', lastError: failure });
  if (!lastAttempt) throw new DeliveryFailed(`delivery ${delivery.id}, attempt ${attempts}: ${failure}`);
}
