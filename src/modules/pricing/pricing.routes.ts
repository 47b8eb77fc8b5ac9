import { createRoute } from '@hono/zod-openapi';
import { type AppDeps, serviceContext } from '../../context.ts';
import { authorize } from '../../http/auth.ts';
import {
  createRouter,
  jsonBody,
  jsonContent,
  notFoundError,
  preconditionErrors,
  security,
} from '../../http/openapi.ts';
import { actorOf } from '../../http/principal.ts';
import { PriceQuery, PriceTableInputSchema, PriceTableSchema } from './pricing.schemas.ts';
import { listPrices, pricingEtag, putPrices, toPriceView } from './pricing.service.ts';

const tags = ['Pricing'];

export function pricingRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/pricing',
        operationId: 'getPricing',
        tags,
        summary: 'Price per delivered template message, by market and category, dated, with its source',
        description:
          'The whole table (one row per market and category, so it is short), with an ETag. A key limited to markets sees only theirs. A fresh installation holds example figures from Meta’s published rate card; each row’s `source` says so.',
        security,
        middleware: [authorize(deps.apiKeys, 'readers')] as const,
        request: { query: PriceQuery },
        responses: { 200: jsonContent(PriceTableSchema, 'Prices') },
      }),
      async (c) => {
        const filter = c.req.valid('query');
        const rows = await listPrices(serviceContext(deps), c.var.principal, filter);
        // The ETag stands for the whole table a PUT would check, so a filtered part carries none.
        if (!filter.market && !filter.category) c.header('etag', pricingEtag(rows));
        return c.json({ items: rows.map(toPriceView) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/v1/pricing',
        operationId: 'putPricing',
        tags,
        summary: 'Set prices: each entry replaces the price of its market and category',
        description:
          'Takes the table GET returns, whole or in part: each entry sets its market and category, entries not sent stay as they are. Send If-Match with the ETag of GET (unfiltered) to be sure nobody changed the table since. Admins of a market set its prices (outside the key’s markets 404, a key limited to languages that does not cover the market’s 403). Every change is in the audit log.',
        security,
        middleware: [authorize(deps.apiKeys, 'admins')] as const,
        request: { body: jsonBody(PriceTableInputSchema) },
        responses: {
          200: jsonContent(PriceTableSchema, 'The table after the change, as the key sees it'),
          ...notFoundError,
          ...preconditionErrors,
        },
      }),
      async (c) => {
        const ifMatch = c.req
          .header('if-match')
          ?.split(',')
          .map((value) => value.trim());
        const rows = await putPrices(
          serviceContext(deps, actorOf(c)),
          c.var.principal,
          c.req.valid('json').items,
          ifMatch,
        );
        c.header('etag', pricingEtag(rows));
        return c.json({ items: rows.map(toPriceView) }, 200);
      },
    );
}
