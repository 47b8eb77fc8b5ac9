import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type AppDeps, serviceContext } from '../../context.ts';
import { flattenResource } from '../../domain/i18next-resource.ts';
import { AppError } from '../../errors.ts';
import { authorize } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { idempotent } from '../../http/idempotency.ts';
import { createRouter, jsonBody, jsonContent, notFoundError, security } from '../../http/openapi.ts';
import { actorOf, assertInScope } from '../../http/principal.ts';
import { translatorFor } from '../../i18n.ts';
import {
  ExportContextSchema,
  exportQuery,
  ImportBodySchema,
  ImportReportSchema,
  localeQuery,
  ResourceSchema,
} from './localization.schemas.ts';
import { exportContext, exportResource, importResource, refusalReason } from './localization.service.ts';

const tags = ['Localization'];

export function localizationRoutes(deps: AppDeps) {
  const readers = authorize(deps.apiKeys, 'readers');
  const authors = authorize(deps.apiKeys, 'authors');

  /** A market + language outside the key's scope answers as if missing. */
  const inScopeLocale = (c: Context<AppEnv>, query: { market: string; language: string }) => {
    assertInScope(
      c.var.principal,
      query.market,
      query.language,
      new AppError('unknown-market', { params: { market: query.market } }),
    );
    return { market: query.market, language: query.language };
  };

  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/localization/export',
        operationId: 'exportLocalization',
        tags,
        summary: 'Export a market + language as an i18next JSON v4 resource for translation tools',
        description:
          'One object per template key with header, body, footer and buttons ({"0": …} by index) from the newest version of each variant. With `source`, templates still missing in `language` carry their newest text in the source language. Variables stay {{name}}; no plural or context suffixes.',
        security,
        middleware: [readers] as const,
        request: { query: exportQuery },
        responses: {
          200: jsonContent(ResourceSchema, 'The resource'),
          ...notFoundError,
        },
      }),
      async (c) => {
        const query = c.req.valid('query');
        const ref = inScopeLocale(c, query);
        const resource = await exportResource(serviceContext(deps), { ...ref, source: query.source });
        return c.json(query.style === 'flat' ? flattenResource(resource) : resource, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/localization/export/context',
        operationId: 'exportLocalizationContext',
        tags,
        summary:
          'The translators’ sidecar of an export: variable descriptions and examples, character limits',
        security,
        middleware: [readers] as const,
        request: { query: exportQuery },
        responses: {
          200: jsonContent(ExportContextSchema, 'Context per template key'),
          ...notFoundError,
        },
      }),
      async (c) => {
        const query = c.req.valid('query');
        const ref = inScopeLocale(c, query);
        return c.json(await exportContext(serviceContext(deps), { ...ref, source: query.source }), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/localization/import',
        operationId: 'importLocalization',
        tags,
        summary: 'Import an i18next JSON resource: one new draft per changed variant, in one transaction',
        description:
          'Nested and flat keys are both accepted. Entries are refused, with a stable `code`, its `params` and a `reason` in the language of Accept-Language, for an unknown template key, a variable set that differs from the template’s, a component over its limit, or lint errors. Exporting and importing unchanged creates nothing.',
        security,
        middleware: [authors, idempotent(deps)] as const,
        request: {
          query: localeQuery,
          headers: z.object({
            'idempotency-key': z.string().max(255).optional().openapi({
              description:
                'Repeating a request with the same key returns the first answer without running again',
            }),
          }),
          body: jsonBody(ImportBodySchema),
        },
        responses: {
          200: jsonContent(ImportReportSchema, 'What was created, unchanged and refused'),
          ...notFoundError,
        },
      }),
      async (c) => {
        const ref = inScopeLocale(c, c.req.valid('query'));
        const report = await importResource(
          serviceContext(deps, actorOf(c)),
          ref,
          c.req.valid('json'),
          c.var.principal.keyId,
        );
        const t = translatorFor(deps.i18n, c.req.header('accept-language'));
        const refused = report.refused.map(({ findings, ...entry }) => ({
          ...entry,
          reason: refusalReason(t, entry),
          ...(findings
            ? {
                findings: findings.map(({ messageKey, params, message, ...finding }) => ({
                  ...finding,
                  message: t(messageKey, { ...params, defaultValue: message }),
                })),
              }
            : {}),
        }));
        return c.json({ ...report, refused }, 200);
      },
    );
}
