import { createRoute, z } from '@hono/zod-openapi';
import { type AppDeps, serviceContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { authorize } from '../../http/auth.ts';
import { requireIfMatch } from '../../http/etag.ts';
import {
  conflictError,
  createRouter,
  jsonBody,
  jsonContent,
  notFoundError,
  preconditionErrors,
  security,
} from '../../http/openapi.ts';
import { actorOf, inScope } from '../../http/principal.ts';
import { MarketInputSchema, MarketPatchSchema, MarketSchema, marketParam } from './markets.schemas.ts';
import {
  deleteMarketAs,
  getMarket,
  listMarkets,
  marketEtag,
  patchMarketAs,
  putMarketAs,
  toMarketView,
} from './markets.service.ts';

export function marketRoutes(deps: AppDeps) {
  const anyone = authorize(deps.apiKeys, 'anyone');
  const admins = authorize(deps.apiKeys, 'admins');
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/markets',
        operationId: 'listMarkets',
        tags: ['Markets'],
        summary: 'List markets with their languages, fallbacks, status and provider',
        security,
        middleware: [anyone] as const,
        responses: {
          200: jsonContent(z.object({ items: z.array(MarketSchema) }), 'Markets'),
        },
      }),
      async (c) => {
        const rows = await listMarkets(serviceContext(deps));
        const visible = rows.filter((row) => inScope(c.var.principal, row.code));
        return c.json({ items: visible.map(toMarketView) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/markets/{market}',
        operationId: 'getMarket',
        tags: ['Markets'],
        summary: 'Get one market',
        security,
        middleware: [anyone] as const,
        request: { params: marketParam },
        responses: { 200: jsonContent(MarketSchema, 'The market'), ...notFoundError },
      }),
      async (c) => {
        const { market } = c.req.valid('param');
        if (!inScope(c.var.principal, market)) throw new AppError('unknown-market', { params: { market } });
        const row = await getMarket(serviceContext(deps), market);
        c.header('etag', marketEtag(row));
        return c.json(toMarketView(row), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/v1/markets/{market}',
        operationId: 'putMarket',
        tags: ['Markets'],
        summary: 'Create or update a market (provider secrets come from configuration, never the API)',
        description:
          'Send If-Match with the ETag from GET to make sure you replace what you saw. A key limited to markets manages only its own (others answer 404); creating a market needs a key without market or language limits.',
        security,
        middleware: [admins] as const,
        request: { params: marketParam, body: jsonBody(MarketInputSchema) },
        responses: {
          200: jsonContent(MarketSchema, 'Updated'),
          201: jsonContent(MarketSchema, 'Created'),
          ...notFoundError,
          ...preconditionErrors,
        },
      }),
      async (c) => {
        const { market } = c.req.valid('param');
        const ifMatch = c.req
          .header('if-match')
          ?.split(',')
          .map((v) => v.trim());
        const { row, created } = await putMarketAs(
          serviceContext(deps, actorOf(c)),
          c.var.principal,
          market,
          c.req.valid('json'),
          ifMatch,
        );
        c.header('etag', marketEtag(row));
        if (created) {
          c.header('location', `/v1/markets/${row.code}`);
          return c.json(toMarketView(row), 201);
        }
        return c.json(toMarketView(row), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: '/v1/markets/{market}',
        operationId: 'patchMarket',
        tags: ['Markets'],
        summary: 'Change some fields of a market (JSON merge patch), e.g. {"status":"active"}',
        description:
          'RFC 7396 merge patch; If-Match with the ETag from GET is required. The merged market is checked like a PUT body (languages, fallbacks, a configured provider account). Same key scope as PUT.',
        security,
        middleware: [admins] as const,
        request: {
          params: marketParam,
          body: {
            required: true,
            content: { 'application/merge-patch+json': { schema: MarketPatchSchema } },
          },
        },
        responses: {
          200: jsonContent(MarketSchema, 'Updated'),
          ...notFoundError,
          ...preconditionErrors,
        },
      }),
      async (c) => {
        const { market } = c.req.valid('param');
        const row = await patchMarketAs(
          serviceContext(deps, actorOf(c)),
          c.var.principal,
          market,
          c.req.valid('json'),
          requireIfMatch(c),
        );
        c.header('etag', marketEtag(row));
        return c.json(toMarketView(row), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/v1/markets/{market}',
        operationId: 'deleteMarket',
        tags: ['Markets'],
        summary: 'Delete a market that has no template versions (for example a mistyped PUT)',
        description:
          'If-Match is required. A market with any template version keeps its history and answers 409. Same key scope as PUT on an existing market.',
        security,
        middleware: [admins] as const,
        request: { params: marketParam },
        responses: {
          204: { description: 'Deleted' },
          ...notFoundError,
          ...conflictError,
          ...preconditionErrors,
        },
      }),
      async (c) => {
        const { market } = c.req.valid('param');
        await deleteMarketAs(serviceContext(deps, actorOf(c)), c.var.principal, market, requireIfMatch(c));
        return c.body(null, 204);
      },
    );
}
