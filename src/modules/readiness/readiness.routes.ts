import { createRoute, z } from '@hono/zod-openapi';
import { type AppDeps, serviceContext } from '../../context.ts';
import { VERSION_STATUSES } from '../../domain/lifecycle.ts';
import { authorize } from '../../http/auth.ts';
import { idempotent } from '../../http/idempotency.ts';
import { conflictError, createRouter, jsonContent, notFoundError, security } from '../../http/openapi.ts';
import { actorOf } from '../../http/principal.ts';
import { translatorFor } from '../../i18n.ts';
import { LanguageTag, MarketCode, marketParam } from '../markets/markets.schemas.ts';
import {
  localizationStatus,
  marketReadiness,
  READINESS_STATES,
  READINESS_VERDICTS,
  submitMarketDrafts,
} from './readiness.service.ts';

const CellStatus = z.enum([...VERSION_STATUSES, 'missing']);

const StatusMatrixSchema = z
  .object({
    items: z.array(
      z.object({
        template: z.string(),
        market: MarketCode,
        language: LanguageTag,
        status: CellStatus.openapi({
          description: 'The newest version’s status; `missing` when there is none',
        }),
        version: z.number().int().nullable(),
        servedVersion: z
          .number()
          .int()
          .nullable()
          .openapi({ description: 'The version render serves, if any' }),
      }),
    ),
    counts: z
      .record(
        z.string(),
        z.object({
          total: z.number().int(),
          served: z.number().int(),
          byStatus: z.record(z.string(), z.number().int()),
        }),
      )
      .openapi({ description: 'Per language, over the items returned' }),
  })
  .openapi('LocalizationStatus');

const ReadinessSchema = z
  .object({
    market: MarketCode,
    status: z.enum(['active', 'upcoming']),
    provider: z.object({
      kind: z.enum(['sandbox', 'meta', 'gupshup']),
      account: z.string(),
      configured: z.boolean(),
      missingSettings: z.array(z.string()).openapi({ description: 'Configuration variables still to set' }),
    }),
    verdict: z.enum(READINESS_VERDICTS),
    verdictText: z.string().openapi({ description: 'The verdict in words, in the caller’s language' }),
    percent: z.number().int().min(0).max(100),
    ready: z.number().int(),
    total: z.number().int(),
    items: z.array(
      z.object({
        template: z.string(),
        language: LanguageTag,
        state: z.enum(READINESS_STATES),
        ready: z.boolean(),
        version: z.number().int().nullable(),
        servedVersion: z.number().int().nullable(),
        rejection: z.object({ reason: z.string().nullable(), reasonText: z.string().nullable() }).optional(),
      }),
    ),
  })
  .openapi('MarketReadiness');

const SubmitDraftsSchema = z
  .object({
    market: MarketCode,
    submitted: z.number().int(),
    skipped: z.number().int(),
    items: z.array(
      z.object({
        template: z.string(),
        language: LanguageTag,
        version: z.number().int().nullable(),
        outcome: z.enum(['submitted', 'skipped']),
        reason: z.string().optional().openapi({
          description:
            'Why it was skipped: the newest status, untranslated, lint-errors, missing, or the problem type submit answered',
        }),
      }),
    ),
  })
  .openapi('SubmitDraftsReport');

export function readinessRoutes(deps: AppDeps) {
  const readers = authorize(deps.apiKeys, 'readers');
  const editors = authorize(deps.apiKeys, 'editors');
  const tags = ['Readiness'];
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/localization/status',
        operationId: 'localizationStatus',
        tags,
        summary:
          'Translation matrix: template × market × language, the newest version’s status and what is served',
        description: 'Only markets and languages in the key’s scope; archived templates are left out.',
        security,
        middleware: [readers] as const,
        request: {
          query: z.object({
            market: MarketCode.optional(),
            language: LanguageTag.optional(),
            status: CellStatus.optional(),
          }),
        },
        responses: { 200: jsonContent(StatusMatrixSchema, 'The matrix') },
      }),
      async (c) => {
        const body = await localizationStatus(serviceContext(deps), c.var.principal, c.req.valid('query'));
        return c.json(body, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/markets/{market}/readiness',
        operationId: 'marketReadiness',
        tags,
        summary: 'What is ready to go live in a market, per template and market language, with one verdict',
        description:
          'Upcoming market: ready to activate when the provider account is configured and every template has a lint-clean draft (or better) in every language. Active market: counts approvals.',
        security,
        middleware: [readers] as const,
        request: { params: marketParam },
        responses: { 200: jsonContent(ReadinessSchema, 'Readiness'), ...notFoundError },
      }),
      async (c) => {
        const { market } = c.req.valid('param');
        const readiness = await marketReadiness(serviceContext(deps), c.var.principal, market);
        const t = translatorFor(deps.i18n, c.req.header('accept-language'));
        const verdictText = t(`readiness.${readiness.verdict}`, {
          market: readiness.market,
          percent: readiness.percent,
          ...(readiness.provider.configured ? {} : { context: 'unconfigured' }),
        });
        return c.json({ ...readiness, verdictText }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/markets/{market}/submit-drafts',
        operationId: 'submitMarketDrafts',
        tags,
        summary: 'Submit every lint-clean newest draft of an active market',
        description:
          '409 market-upcoming for an upcoming market. A report per variant: submitted, or skipped with the reason.',
        security,
        middleware: [editors, idempotent(deps)] as const,
        request: {
          params: marketParam,
          headers: z.object({
            'idempotency-key': z.string().max(255).optional().openapi({
              description:
                'Repeating a request with the same key returns the first answer without running again',
            }),
          }),
        },
        responses: {
          200: jsonContent(SubmitDraftsSchema, 'What was submitted and what was skipped'),
          ...notFoundError,
          ...conflictError,
        },
      }),
      async (c) => {
        const { market } = c.req.valid('param');
        const ctx = serviceContext(deps, actorOf(c));
        return c.json(await submitMarketDrafts(ctx, c.var.principal, market, c.var.principal.keyId), 200);
      },
    );
}
