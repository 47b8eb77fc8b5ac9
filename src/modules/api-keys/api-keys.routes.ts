import { createRoute, z } from '@hono/zod-openapi';
import { ROLES } from '../../../db/schema/index.ts';
import { type AppDeps, serviceContext } from '../../context.ts';
import { authorize } from '../../http/auth.ts';
import {
  conflictError,
  createRouter,
  jsonBody,
  jsonContent,
  notFoundError,
  security,
} from '../../http/openapi.ts';
import { pageQuery, pageSchema } from '../../http/pagination.ts';
import { actorOf } from '../../http/principal.ts';
import { safeText } from '../../http/safe-input.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.service.ts';

const ApiKeySchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    role: z.enum(ROLES),
    markets: z.array(z.string()).optional(),
    languages: z.array(z.string()).optional(),
    rateLimitPerSecond: z.number().int().optional().openapi({
      description: 'Requests per second this key may make; absent: the default for its role',
    }),
    prefix: z.string().openapi({ description: 'The first characters of the key, to recognise it' }),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .openapi('ApiKey');

const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The key itself. Shown only in this response; store it now.' }),
}).openapi('CreatedApiKey');

/** Far above any sender's need, low enough that a typo cannot mean "unlimited". */
const MAX_RATE_LIMIT_PER_SECOND = 100_000;

export const NewApiKeySchema = z
  .object({
    name: safeText('name').trim().min(1).max(100),
    role: z.enum(ROLES),
    markets: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .min(1)
      .optional(),
    languages: z
      .array(safeText('name').min(2).max(35))
      .min(1)
      .optional()
      .openapi({ description: 'Required for a translator key' }),
    rateLimitPerSecond: z.number().int().min(1).max(MAX_RATE_LIMIT_PER_SECOND).optional().openapi({
      description: 'Requests per second for this key instead of its role’s default',
    }),
  })
  .strict()
  .openapi('NewApiKey');

export function apiKeyRoutes(deps: AppDeps) {
  const admin = authorize(deps.apiKeys, 'admins');
  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/api-keys',
        operationId: 'createApiKey',
        tags: ['API keys'],
        summary: 'Create an API key (the key is shown once)',
        description:
          'A key creates keys no wider than itself: no higher role, only its own markets and languages (403 otherwise).',
        security,
        middleware: [admin] as const,
        request: { body: jsonBody(NewApiKeySchema) },
        responses: { 201: jsonContent(CreatedApiKeySchema, 'The new key') },
      }),
      async (c) => {
        const created = await createApiKey(
          serviceContext(deps, actorOf(c)),
          c.req.valid('json'),
          c.var.principal,
        );
        c.header('location', `/v1/api-keys/${created.id}`);
        return c.json(created, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/api-keys',
        operationId: 'listApiKeys',
        tags: ['API keys'],
        summary: 'List API keys (without the keys themselves)',
        description: 'A key limited to markets or languages lists only keys no wider than itself.',
        security,
        middleware: [admin] as const,
        request: { query: z.object(pageQuery) },
        responses: { 200: jsonContent(pageSchema(ApiKeySchema), 'Keys, newest first') },
      }),
      async (c) => {
        const { limit, cursor } = c.req.valid('query');
        return c.json(await listApiKeys(serviceContext(deps), c.var.principal, limit, cursor), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/v1/api-keys/{id}',
        operationId: 'revokeApiKey',
        tags: ['API keys'],
        summary: 'Revoke an API key; it stops working at once',
        description:
          'Keys wider than the caller answer 404. The last active admin key without market or language limits cannot be revoked (409).',
        security,
        middleware: [admin] as const,
        request: { params: z.object({ id: z.string().uuid() }) },
        responses: { 204: { description: 'Revoked' }, ...notFoundError, ...conflictError },
      }),
      async (c) => {
        await revokeApiKey(serviceContext(deps, actorOf(c)), c.var.principal, c.req.valid('param').id);
        return c.body(null, 204);
      },
    );
}
