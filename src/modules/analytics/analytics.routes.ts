import { createRoute, z } from '@hono/zod-openapi';
import { type AppDeps, serviceContext } from '../../context.ts';
import { authorize } from '../../http/auth.ts';
import { csvResponse, wantsCsv } from '../../http/csv.ts';
import { createRouter, jsonContent, security } from '../../http/openapi.ts';
import { pageQuery, pageSchema } from '../../http/pagination.ts';
import { toEventView } from '../status-events/status-events.service.ts';
import { approvalTimesCsv, rejectionRatesCsv } from './analytics.csv.ts';
import {
  ApprovalTimesQuery,
  ApprovalTimesSchema,
  CostItemSchema,
  CostQuery,
  RejectionListQuery,
  RejectionRatesQuery,
  RejectionRatesSchema,
  RejectionSchema,
} from './analytics.schemas.ts';
import {
  approvalTimes,
  groupColumns,
  listRejections,
  type ReportQuery,
  rejectionReport,
} from './analytics.service.ts';
import { servedCosts } from './cost.service.ts';

const tags = ['Analytics'];

/** JSON or CSV: the same rows either way. */
function reportContent<T>(schema: T, description: string) {
  return {
    description,
    content: {
      'application/json': { schema },
      'text/csv': { schema: z.string().openapi({ description: 'One line per row, with a header line' }) },
    },
  };
}

const CSV_NOTE =
  'Send `Accept: text/csv` or `format=csv` for the rows as CSV (UTF-8, header line); errors stay problem+json. Only what the key’s scope covers is counted.';

function reportHeader(query: ReportQuery) {
  return {
    groupBy: query.groupBy,
    period: query.period ?? null,
    from: query.from?.toISOString() ?? null,
    to: query.to?.toISOString() ?? null,
  };
}

export function analyticsRoutes(deps: AppDeps) {
  const readers = authorize(deps.apiKeys, 'readers');
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/rejections',
        operationId: 'listRejections',
        tags,
        summary: 'Rejections, newest first, by market, language, category, reason and time',
        description:
          'Every rejection a provider made (late ones of approved templates included), with its reason, the template’s category and the provider. `from`/`to` select by when the provider rejected.',
        security,
        middleware: [readers] as const,
        request: { query: RejectionListQuery.extend(pageQuery) },
        responses: { 200: jsonContent(pageSchema(RejectionSchema), 'Rejections') },
      }),
      async (c) => {
        const { limit, cursor, ...filter } = c.req.valid('query');
        const page = await listRejections(serviceContext(deps), c.var.principal, filter, limit, cursor);
        return c.json(
          {
            items: page.items.map((item) => ({
              ...toEventView(item.event),
              category: item.category,
              provider: item.provider,
            })),
            nextCursor: page.nextCursor,
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/analytics/rejections',
        operationId: 'rejectionRates',
        tags,
        summary: 'Rejection rates grouped by market, language, category, reason, provider and period',
        description: `A decision is a provider’s approval of a submission under review, or a rejection; rate = rejected / decided. Grouped by \`reason\`, each group gives one row per reason with its share of the group’s decisions. \`outlier\` marks a group rejected at least twice as often as all others together. ${CSV_NOTE}`,
        security,
        middleware: [readers] as const,
        request: { query: RejectionRatesQuery },
        responses: { 200: reportContent(RejectionRatesSchema, 'Rates') },
      }),
      async (c) => {
        const query = c.req.valid('query');
        const report = await rejectionReport(serviceContext(deps), c.var.principal, query);
        if (wantsCsv(c, query.format)) {
          const table = rejectionRatesCsv(report, groupColumns(query));
          return csvResponse(c, 'rejection-rates.csv', table.header, table.rows) as never;
        }
        return c.json(
          {
            ...reportHeader(query),
            totals: report.totals,
            items: report.items.map(({ values, ...counts }) => ({ ...values, ...counts })),
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/analytics/approval-times',
        operationId: 'approvalTimes',
        tags,
        summary: 'Median and 90th percentile hours from submission to the first decision',
        description: `Per submission: from when Vetted handed it to the provider to the provider’s first decision, approved or rejected; grouped by provider and market unless \`groupBy\` says otherwise. \`from\`/\`to\` select by the decision’s time. ${CSV_NOTE}`,
        security,
        middleware: [readers] as const,
        request: { query: ApprovalTimesQuery },
        responses: { 200: reportContent(ApprovalTimesSchema, 'Times') },
      }),
      async (c) => {
        const query = c.req.valid('query');
        const report = await approvalTimes(serviceContext(deps), c.var.principal, query);
        if (wantsCsv(c, query.format)) {
          const table = approvalTimesCsv(report.items, groupColumns(query));
          return csvResponse(c, 'approval-times.csv', table.header, table.rows) as never;
        }
        return c.json(
          {
            ...reportHeader(query),
            totals: report.totals,
            items: report.items.map(({ values, ...measures }) => ({ ...values, ...measures })),
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/analytics/cost',
        operationId: 'costImpact',
        tags,
        summary: 'Each served variant’s price per message, and what a provider’s re-categorisation costs',
        description:
          'Variants served now, with the price of the category the provider bills them under (GET /v1/pricing). A variant the provider moved to another category (Meta: utility → marketing) says by how much per message and per 1,000 sends; `recategorized=true` lists only those.',
        security,
        middleware: [readers] as const,
        request: { query: CostQuery.extend(pageQuery) },
        responses: {
          200: jsonContent(pageSchema(CostItemSchema), 'Served variants and prices'),
        },
      }),
      async (c) => {
        const { limit, cursor, recategorized, ...filter } = c.req.valid('query');
        const page = await servedCosts(
          serviceContext(deps),
          c.var.principal,
          { ...filter, ...(recategorized ? { recategorized: recategorized === 'true' } : {}) },
          limit,
          cursor,
        );
        return c.json(page, 200);
      },
    );
}
