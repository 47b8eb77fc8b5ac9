import { createRoute, z } from '@hono/zod-openapi';
import { type AppDeps, serviceContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { authorize } from '../../http/auth.ts';
import {
  commonErrors,
  createRouter,
  jsonBody,
  jsonContent,
  notFoundError,
  preconditionErrors,
  security,
} from '../../http/openapi.ts';
import { actorOf, inScope } from '../../http/principal.ts';
import { MarketInputSchema, MarketSchema, marketParam } from './markets.schemas.ts';
import { getMarket, listMarkets, marketEtag, putMarketAs, toMarketView } from './markets.service.ts';

export function marketRoutes(deps: AppDeps) {
  const anyone = authorize(deps.apiKeys, 'anyone');
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
          ...commonErrors,
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
        responses: { 200: jsonContent(MarketSchema, 'The market'), ...commonErrors, ...notFoundError },
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
        middleware: [authorize(deps.apiKeys, 'admins')] as const,
        request: { params: marketParam, body: jsonBody(MarketInputSchema) },
        responses: {
          200: jsonContent(MarketSchema, 'Updated'),
          201: jsonContent(MarketSchema, 'Created'),
          ...commonErrors,
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
    );
}
