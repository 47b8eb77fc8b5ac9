import { createRoute, z } from '@hono/zod-openapi';
import { ZodError } from 'zod';
import { type AppDeps, serviceContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { createRouter, jsonContent, problemResponseSpec } from '../../http/openapi.ts';
import { zodFieldErrors } from '../../http/problem.ts';
import { parseGupshupWebhook } from '../../providers/gupshup/gupshup-webhook.ts';
import {
  parseMetaWebhook,
  sameSecret,
  verifyMetaHandshake,
  verifyMetaSignature,
} from '../../providers/meta/meta-webhook.ts';
import { ingestGupshupEvents, ingestMetaEvents } from './webhooks.service.ts';

const ReportSchema = z
  .object({
    received: z.number().int().openapi({ description: 'Changes found in the delivery' }),
    outcomes: z.record(z.string(), z.number().int()).openapi({
      description:
        'How many changes had each effect: applied, stale, duplicate, noted, verify, unknown-version…',
    }),
  })
  .openapi('WebhookReport');

const providerErrors = {
  400: problemResponseSpec('The delivery is not JSON'),
  401: problemResponseSpec('The signature or token does not match'),
  422: problemResponseSpec('Not a delivery of this provider'),
};

/**
 * JSON that is not the provider's shape is a 422, never a 500. The body is declared in no schema
 * on purpose: a validator would parse it first, and Meta's signature covers the raw bytes.
 */
function parseDelivery<T>(raw: string, parse: (body: unknown) => T): T {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new AppError('malformed-request');
  }
  try {
    return parse(body);
  } catch (error) {
    if (error instanceof ZodError) throw new AppError('validation-failed', { errors: zodFieldErrors(error) });
    throw error;
  }
}

/**
 * Provider callbacks. They carry no API key: Meta signs each delivery with the app secret
 * (X-Hub-Signature-256 over the raw bytes), Gupshup's URL holds a secret token. Nothing is written
 * before the delivery is authenticated.
 */
export function webhookRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/webhooks/meta',
        operationId: 'verifyMetaWebhook',
        tags: ['Webhooks'],
        summary:
          "Meta's subscription handshake: echoes hub.challenge when hub.verify_token is META_VERIFY_TOKEN",
        request: {
          query: z.object({
            'hub.mode': z.string().max(100).optional(),
            'hub.verify_token': z.string().max(1000).optional(),
            'hub.challenge': z.string().max(1000).optional(),
          }),
        },
        responses: {
          200: { description: 'The challenge', content: { 'text/plain': { schema: z.string() } } },
          403: problemResponseSpec('The verify token does not match, or none is configured'),
          422: problemResponseSpec('Malformed query'),
        },
      }),
      (c) => {
        const challenge = verifyMetaHandshake(c.req.valid('query'), deps.config.META_VERIFY_TOKEN ?? '');
        if (challenge === null) throw new AppError('forbidden', { params: { role: 'webhook' } });
        return c.text(challenge, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/webhooks/meta',
        operationId: 'receiveMetaWebhook',
        tags: ['Webhooks'],
        summary: 'Meta template status, category and quality updates (signed with the app secret)',
        description:
          'Subscribe the WhatsApp Business Account fields message_template_status_update, template_category_update and message_template_quality_update. A delivery whose X-Hub-Signature-256 does not match is refused with 401 and changes nothing.',
        request: {
          headers: z.object({ 'x-hub-signature-256': z.string().max(200).optional() }),
        },
        responses: { 200: jsonContent(ReportSchema, 'Ingested'), ...providerErrors },
      }),
      async (c) => {
        const raw = new Uint8Array(await c.req.arrayBuffer());
        const signature = c.req.header('x-hub-signature-256');
        if (!verifyMetaSignature(raw, signature, deps.config.META_APP_SECRET ?? '')) {
          throw new AppError('unauthorized');
        }
        const { events, ignored } = parseDelivery(new TextDecoder().decode(raw), parseMetaWebhook);
        if (ignored.length)
          deps.log.info({ ignored }, 'Meta webhook: changes of fields Vetted does not read');
        return c.json(await ingestMetaEvents(serviceContext(deps), events), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/webhooks/gupshup/{token}',
        operationId: 'receiveGupshupWebhook',
        tags: ['Webhooks'],
        summary:
          "Gupshup template events (the app's callback URL, with GUPSHUP_WEBHOOK_TOKEN as the last segment)",
        description:
          'Gupshup does not sign its callbacks: the path token authenticates the delivery, and each status is applied only as Gupshup confirms it when the template is read back.',
        request: {
          params: z.object({
            token: z
              .string()
              .max(500)
              .openapi({ param: { name: 'token', in: 'path' } }),
          }),
        },
        responses: { 200: jsonContent(ReportSchema, 'Ingested'), ...providerErrors },
      }),
      async (c) => {
        const expected = deps.config.GUPSHUP_WEBHOOK_TOKEN;
        if (!expected || !sameSecret(c.req.valid('param').token, expected))
          throw new AppError('unauthorized');
        const { events } = parseDelivery(await c.req.text(), parseGupshupWebhook);
        return c.json(await ingestGupshupEvents(serviceContext(deps), events), 200);
      },
    );
}
