import { createRoute, z } from '@hono/zod-openapi';
import { ROLES } from '../../../db/schema/index.ts';
import { type AppDeps, serviceContext } from '../../context.ts';
import { authorize } from '../../http/auth.ts';
import {
  commonErrors,
  createRouter,
  jsonBody,
  jsonContent,
  notFoundError,
  security,
} from '../../http/openapi.ts';
import { pageQuery, pageSchema } from '../../http/pagination.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.service.ts';

const ApiKeySchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    role: z.enum(ROLES),
    markets: z.array(z.string()).optional(),
    languages: z.array(z.string()).optional(),
    prefix: z.string().openapi({ description: 'The first characters of the key, to recognise it' }),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .openapi('ApiKey');

const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The key itself. Shown only in this response; store it now.' }),
}).openapi('CreatedApiKey');

const NewApiKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(ROLES),
    markets: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .min(1)
      .optional(),
    languages: z.array(z.string().min(2).max(35)).min(1).optional(),
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
        security,
        middleware: [admin] as const,
        request: { body: jsonBody(NewApiKeySchema) },
        responses: { 201: jsonContent(CreatedApiKeySchema, 'The new key'), ...commonErrors },
      }),
      async (c) => {
        const created = await createApiKey(serviceContext(deps), c.req.valid('json'), c.var.principal.keyId);
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
        security,
        middleware: [admin] as const,
        request: { query: z.object(pageQuery) },
        responses: { 200: jsonContent(pageSchema(ApiKeySchema), 'Keys, newest first'), ...commonErrors },
      }),
      async (c) => {
        const { limit, cursor } = c.req.valid('query');
        return c.json(await listApiKeys(serviceContext(deps), limit, cursor), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/v1/api-keys/{id}',
        operationId: 'revokeApiKey',
        tags: ['API keys'],
        summary: 'Revoke an API key; it stops working at once',
        security,
        middleware: [admin] as const,
        request: { params: z.object({ id: z.string().uuid() }) },
        responses: { 204: { description: 'Revoked' }, ...commonErrors, ...notFoundError },
      }),
      async (c) => {
        await revokeApiKey(serviceContext(deps), c.req.valid('param').id);
        return c.body(null, 204);
      },
    );
}
