import { type AnyColumn, and, isNull, or, type SQL, sql } from 'drizzle-orm';
import { notificationDeliveries, notificationEvents, subscriptions } from '../../../db/schema/index.ts';
import { type ServiceContext, withTransaction } from '../../context.ts';
import { type NotificationEvent, statusNotification } from '../../domain/notifications.ts';
import { type DeliverNotificationJob, QUEUES } from '../../jobs/queue.ts';
import type { EventRow, VersionRow } from '../status-events/status-events.service.ts';

/** The history entry that makes a notification: an applied status change, or a recategorisation. */
function notificationOf(event: EventRow): NotificationEvent | undefined {
  if (event.effect === 'applied') return statusNotification(event.toStatus);
  if (event.effect === 'noted' && event.reason === 'CATEGORY_CHANGED') return 'template.recategorised';
  return undefined;
}

const containsJson = (column: AnyColumn, value: string): SQL =>
  sql`${column} @> ${JSON.stringify([value])}::jsonb`;

/** Live subscriptions that asked for `type` and whose scope covers the market and language. */
function listenersOf(type: NotificationEvent, market: string, language: string): SQL | undefined {
  return and(
    isNull(subscriptions.deletedAt),
    isNull(subscriptions.disabledAt),
    containsJson(subscriptions.events, type),
    or(isNull(subscriptions.markets), containsJson(subscriptions.markets, market)),
    or(isNull(subscriptions.languages), containsJson(subscriptions.languages, language)),
  );
}

/**
 * The outbox: called in the transaction that records `event`. It writes the notification event,
 * one delivery per listening subscription and each delivery's job, so a rollback sends nothing and
 * a crash after the commit loses nothing. An event nobody listens to is not stored.
 * `version` is the version as the event left it (its provider category after a recategorisation).
 */
export async function notifyEvent(ctx: ServiceContext, event: EventRow, version: VersionRow): Promise<void> {
  const type = notificationOf(event);
  if (!type) return;
  await withTransaction(ctx, async (tx) => {
    const listeners = await tx.db
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(listenersOf(type, event.market, event.language));
    if (!listeners.length) return;
    const [stored] = await tx.db
      .insert(notificationEvents)
      .values({
        type,
        market: event.market,
        language: event.language,
        occurredAt: event.occurredAt,
        data: {
          template: event.templateKey,
          market: event.market,
          language: event.language,
          version: event.version,
          status: event.toStatus,
          previousStatus: event.fromStatus,
          ...(type === 'template.recategorised' && version.providerCategory
            ? { category: version.providerCategory.toLowerCase() }
            : {}),
          ...(event.reason ? { reason: event.reason } : {}),
          ...(event.reasonText ? { reasonText: event.reasonText } : {}),
          source: event.source,
          ...(version.providerTemplateName ? { providerTemplateName: version.providerTemplateName } : {}),
          ...(tx.config.PUBLIC_URL
            ? { consoleUrl: `${tx.config.PUBLIC_URL}/ui/templates/${event.templateKey}` }
            : {}),
        },
      })
      .returning({ id: notificationEvents.id });
    if (!stored) return;
    const deliveries = await tx.db
      .insert(notificationDeliveries)
      // The service clock, to the millisecond, so the delivery log's cursor compares exactly.
      .values(
        listeners.map((listener) => ({
          subscriptionId: listener.id,
          eventId: stored.id,
          createdAt: tx.clock(),
        })),
      )
      .returning({ id: notificationDeliveries.id });
    for (const delivery of deliveries) {
      await tx.queue.send(
        QUEUES.deliverNotification,
        { deliveryId: delivery.id } satisfies DeliverNotificationJob,
        { db: tx.db },
      );
    }
  });
}
