import { createRoute, z } from '@hono/zod-openapi';
import { type AppDeps, serviceContext } from '../../context.ts';
import { NOTIFICATION_EVENTS } from '../../domain/notifications.ts';
import { authorize } from '../../http/auth.ts';
import { createRouter, jsonBody, jsonContent, notFoundError, security } from '../../http/openapi.ts';
import { pageQuery, pageSchema } from '../../http/pagination.ts';
import { actorOf } from '../../http/principal.ts';
import { safeText } from '../../http/safe-input.ts';
import {
  createSubscription,
  deleteSubscription,
  listDeliveries,
  listSubscriptions,
} from './subscriptions.service.ts';

const SubscriptionSchema = z
  .object({
    id: z.string().uuid(),
    url: z.string(),
    events: z.array(z.enum(NOTIFICATION_EVENTS)),
    format: z.enum(['json', 'chat']).openapi({
      description: 'json: the event as JSON; chat: `{text}`, for a Slack or Microsoft Teams incoming webhook',
    }),
    markets: z.array(z.string()).optional().openapi({ description: 'Only events of these markets' }),
    languages: z.array(z.string()).optional().openapi({ description: 'Only events of these languages' }),
    createdAt: z.string(),
    disabledAt: z
      .string()
      .optional()
      .openapi({ description: 'When the receiver answered 410 Gone; nothing is sent to it since' }),
  })
  .openapi('Subscription');

const CreatedSubscriptionSchema = SubscriptionSchema.extend({
  secret: z.string().openapi({
    description: 'The signing secret (the one given, or a generated one). Shown only in this response.',
  }),
}).openapi('CreatedSubscription');

const NewSubscriptionSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .openapi({
        description: 'http or https; a public address unless SUBSCRIPTION_ALLOW_PRIVATE_URLS=true',
      }),
    events: z.array(z.enum(NOTIFICATION_EVENTS)).min(1).max(NOTIFICATION_EVENTS.length),
    format: z.enum(['json', 'chat']).default('json'),
    secret: safeText('name').min(16).max(200).optional().openapi({
      description: 'The HMAC-SHA256 signing secret; one is generated when absent',
    }),
    markets: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .min(1)
      .optional()
      .openapi({ description: 'Narrows the scope; default and upper bound: the key’s own markets' }),
    languages: z
      .array(safeText('name').min(2).max(35))
      .min(1)
      .optional()
      .openapi({ description: 'Narrows the scope; default and upper bound: the key’s own languages' }),
  })
  .strict()
  .openapi('NewSubscription');

const DeliverySchema = z
  .object({
    id: z.string().uuid().openapi({ description: 'The same on every attempt (header Vetted-Delivery-Id)' }),
    event: z.enum(NOTIFICATION_EVENTS),
    eventId: z
      .string()
      .uuid()
      .openapi({ description: 'Shared by every subscription’s delivery of the event' }),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastError: z.string().optional(),
    lastAttemptAt: z.string().optional(),
    deliveredAt: z.string().optional(),
    createdAt: z.string(),
  })
  .openapi('NotificationDelivery');

const idParam = z.object({ id: z.string().uuid() });

export function subscriptionRoutes(deps: AppDeps) {
  const admin = authorize(deps.apiKeys, 'admins');
  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/subscriptions',
        operationId: 'createSubscription',
        tags: ['Notifications'],
        summary: 'Subscribe a URL to status notifications (the secret is shown once)',
        description:
          'The subscription hears only events within the creating key’s markets and languages (narrower when `markets`/`languages` say so; wider is 403). A private, loopback or link-local destination is 422.',
        security,
        middleware: [admin] as const,
        request: { body: jsonBody(NewSubscriptionSchema) },
        responses: { 201: jsonContent(CreatedSubscriptionSchema, 'The new subscription') },
      }),
      async (c) => {
        const created = await createSubscription(
          serviceContext(deps, actorOf(c)),
          c.req.valid('json'),
          c.var.principal,
        );
        c.header('location', `/v1/subscriptions/${created.id}`);
        return c.json(created, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/subscriptions',
        operationId: 'listSubscriptions',
        tags: ['Notifications'],
        summary: 'List subscriptions (without their secrets)',
        description: 'A key limited to markets or languages lists only subscriptions within its scope.',
        security,
        middleware: [admin] as const,
        request: { query: z.object(pageQuery) },
        responses: {
          200: jsonContent(pageSchema(SubscriptionSchema), 'Subscriptions, newest first'),
        },
      }),
      async (c) => {
        const { limit, cursor } = c.req.valid('query');
        return c.json(await listSubscriptions(serviceContext(deps), c.var.principal, limit, cursor), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/v1/subscriptions/{id}',
        operationId: 'deleteSubscription',
        tags: ['Notifications'],
        summary: 'Delete a subscription; nothing more is sent to it (idempotent)',
        description: 'Subscriptions wider than the caller’s scope answer 404.',
        security,
        middleware: [admin] as const,
        request: { params: idParam },
        responses: { 204: { description: 'Deleted' }, ...notFoundError },
      }),
      async (c) => {
        await deleteSubscription(serviceContext(deps, actorOf(c)), c.var.principal, c.req.valid('param').id);
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/subscriptions/{id}/deliveries',
        operationId: 'listSubscriptionDeliveries',
        tags: ['Notifications'],
        summary: 'The delivery log of a subscription, newest first',
        security,
        middleware: [admin] as const,
        request: { params: idParam, query: z.object(pageQuery) },
        responses: {
          200: jsonContent(pageSchema(DeliverySchema), 'Deliveries with status, attempts and last error'),
          ...notFoundError,
        },
      }),
      async (c) => {
        const { limit, cursor } = c.req.valid('query');
        return c.json(
          await listDeliveries(serviceContext(deps), c.var.principal, c.req.valid('param').id, limit, cursor),
          200,
        );
      },
    );
}
