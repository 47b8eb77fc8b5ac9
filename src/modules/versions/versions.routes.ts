import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type AppDeps, serviceContext } from '../../context.ts';
import type { LintFinding } from '../../domain/lint.ts';
import { AppError } from '../../errors.ts';
import { authorize } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { requireIfMatch } from '../../http/etag.ts';
import { idempotent } from '../../http/idempotency.ts';
import {
  conflictError,
  createRouter,
  jsonBody,
  jsonContent,
  notFoundError,
  preconditionErrors,
  security,
} from '../../http/openapi.ts';
import { pageQuery, pageSchema } from '../../http/pagination.ts';
import { actorOf, assertInScope } from '../../http/principal.ts';
import { translatorFor } from '../../i18n.ts';
import type { VariantRef } from '../serving/serving-index.ts';
import { listEvents, toEventView } from '../status-events/status-events.service.ts';
import { templateParam } from '../templates/templates.schemas.ts';
import { getTemplate } from '../templates/templates.service.ts';
import { lintVersion, variantLintFacts, withFreshLint } from './version-lint.service.ts';
import {
  EventSchema,
  LintFindingSchema,
  NewVersionSchema,
  VersionPatchSchema,
  VersionSchema,
  variantParams,
  versionParams,
} from './versions.schemas.ts';
import {
  appealVersion,
  createDraft,
  deleteDraft,
  getVersion,
  listVersions,
  submitVersion,
  toVersionView,
  updateDraft,
  versionEtag,
} from './versions.service.ts';

const tags = ['Versions'];
const VARIANT = '/v1/templates/{key}/variants/{market}/{language}/versions';
const VERSION = `${VARIANT}/{n}`;

export function versionRoutes(deps: AppDeps) {
  const readers = authorize(deps.apiKeys, 'readers');
  const authors = authorize(deps.apiKeys, 'authors');
  const editors = authorize(deps.apiKeys, 'editors');

  /** The variant named by the path, checked against the key's markets and languages. */
  const variantOf = (
    c: Context<AppEnv>,
    params: { key: string; market: string; language: string },
  ): VariantRef => {
    assertInScope(
      c.var.principal,
      params.market,
      params.language,
      new AppError('not-found', { params: { resource: c.req.path } }),
    );
    return { templateKey: params.key, market: params.market, language: params.language };
  };

  const localise = (c: Context<AppEnv>, findings: LintFinding[]) => {
    const t = translatorFor(deps.i18n, c.req.header('accept-language'));
    return findings.map(({ messageKey, params, message, ...finding }) => ({
      ...finding,
      message: t(messageKey, { ...params, defaultValue: message }),
    }));
  };

  const versionView = async (c: Context<AppEnv>, row: Awaited<ReturnType<typeof getVersion>>) => {
    const ctx = serviceContext(deps);
    const facts = await variantLintFacts(ctx, row, c.var.principal.languages);
    const [linted = row] = await withFreshLint(ctx, [row], facts.template);
    return toVersionView(linted, localise(c, lintVersion(linted, facts)));
  };

  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: VARIANT,
        operationId: 'listVersions',
        tags,
        summary: 'Versions of a variant, newest first',
        security,
        middleware: [readers] as const,
        request: { params: variantParams, query: z.object(pageQuery) },
        responses: {
          200: jsonContent(pageSchema(VersionSchema), 'Versions'),
          ...notFoundError,
        },
      }),
      async (c) => {
        const ref = variantOf(c, c.req.valid('param'));
        const { limit, cursor } = c.req.valid('query');
        const ctx = serviceContext(deps);
        const page = await listVersions(ctx, ref, limit, cursor);
        const facts = await variantLintFacts(ctx, ref, c.var.principal.languages);
        const rows = await withFreshLint(ctx, page.items, facts.template);
        const items = rows.map((row) => toVersionView(row, localise(c, lintVersion(row, facts))));
        return c.json({ items, nextCursor: page.nextCursor }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: VARIANT,
        operationId: 'createVersion',
        tags,
        summary: 'Create a draft from content, or copy any version with fromVersion',
        security,
        middleware: [authors] as const,
        request: { params: variantParams, body: jsonBody(NewVersionSchema) },
        responses: {
          201: jsonContent(VersionSchema, 'The new draft'),
          ...notFoundError,
          ...conflictError,
        },
      }),
      async (c) => {
        const ref = variantOf(c, c.req.valid('param'));
        const row = await createDraft(
          serviceContext(deps, actorOf(c)),
          ref,
          c.req.valid('json'),
          c.var.principal.keyId,
        );
        c.header('etag', versionEtag(row));
        c.header(
          'location',
          `/v1/templates/${ref.templateKey}/variants/${ref.market}/${ref.language}/versions/${row.version}`,
        );
        return c.json(await versionView(c, row), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: VERSION,
        operationId: 'getVersion',
        tags,
        summary: 'One version with its status, submission and lint findings',
        security,
        middleware: [readers] as const,
        request: { params: versionParams },
        responses: { 200: jsonContent(VersionSchema, 'The version'), ...notFoundError },
      }),
      async (c) => {
        const params = c.req.valid('param');
        const row = await getVersion(serviceContext(deps), variantOf(c, params), params.n);
        c.header('etag', versionEtag(row));
        return c.json(await versionView(c, row), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: VERSION,
        operationId: 'updateVersion',
        tags,
        summary: 'Edit a draft (If-Match required); any other status is frozen',
        security,
        middleware: [authors] as const,
        request: { params: versionParams, body: jsonBody(VersionPatchSchema) },
        responses: {
          200: jsonContent(VersionSchema, 'Updated'),
          ...notFoundError,
          ...conflictError,
          ...preconditionErrors,
        },
      }),
      async (c) => {
        const params = c.req.valid('param');
        const ref = variantOf(c, params);
        const ifMatch = requireIfMatch(c);
        const row = await updateDraft(
          serviceContext(deps, actorOf(c)),
          ref,
          params.n,
          c.req.valid('json'),
          ifMatch,
        );
        c.header('etag', versionEtag(row));
        return c.json(await versionView(c, row), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: VERSION,
        operationId: 'deleteVersion',
        tags,
        summary: 'Delete a draft (If-Match required)',
        security,
        middleware: [authors] as const,
        request: { params: versionParams },
        responses: {
          204: { description: 'Deleted' },
          ...notFoundError,
          ...conflictError,
          ...preconditionErrors,
        },
      }),
      async (c) => {
        const params = c.req.valid('param');
        const ref = variantOf(c, params);
        await deleteDraft(serviceContext(deps, actorOf(c)), ref, params.n, requireIfMatch(c));
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${VERSION}/lint`,
        operationId: 'lintVersion',
        tags,
        summary: 'Lint findings: what the provider would reject, before submitting',
        security,
        middleware: [readers] as const,
        request: { params: versionParams },
        responses: {
          200: jsonContent(
            z.object({
              findings: z.array(LintFindingSchema),
              errors: z.number().int(),
              warnings: z.number().int(),
            }),
            'Findings',
          ),
          ...notFoundError,
        },
      }),
      async (c) => {
        const params = c.req.valid('param');
        const ctx = serviceContext(deps);
        const row = await getVersion(ctx, variantOf(c, params), params.n);
        const facts = await variantLintFacts(ctx, row, c.var.principal.languages);
        const [linted = row] = await withFreshLint(ctx, [row], facts.template);
        const findings = localise(c, lintVersion(linted, facts));
        const errors = findings.filter((f) => f.severity === 'error').length;
        return c.json({ findings, errors, warnings: findings.length - errors }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${VERSION}/submit`,
        operationId: 'submitVersion',
        tags,
        summary: 'Queue the version for submission to the market’s provider',
        description:
          '422 lint-failed while lint has errors; 409 when the market is upcoming or the version is not a draft.',
        security,
        middleware: [editors, idempotent(deps)] as const,
        request: {
          params: versionParams,
          headers: z.object({
            'idempotency-key': z.string().max(255).optional().openapi({
              description:
                'Repeating a request with the same key returns the first answer without running again',
            }),
          }),
        },
        responses: {
          202: jsonContent(z.object({ status: z.literal('queued'), version: VersionSchema }), 'Queued'),
          ...notFoundError,
          ...conflictError,
        },
      }),
      async (c) => {
        const params = c.req.valid('param');
        const ref = variantOf(c, params);
        const row = await submitVersion(
          serviceContext(deps, actorOf(c)),
          ref,
          params.n,
          c.var.principal.keyId,
        ).catch((error: unknown) => {
          // The service reports findings as data; the caller reads them in its own language.
          if (error instanceof AppError && error.type === 'lint-failed') {
            const findings = error.extensions.findings as LintFinding[];
            throw new AppError('lint-failed', { extensions: { findings: localise(c, findings) } });
          }
          throw error;
        });
        c.header('etag', versionEtag(row));
        return c.json({ status: 'queued' as const, version: await versionView(c, row) }, 202);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${VERSION}/appeal`,
        operationId: 'appealVersion',
        tags,
        summary: 'Appeal a rejection: rejected → in_appeal',
        security,
        middleware: [editors] as const,
        request: {
          params: versionParams,
          body: {
            required: false,
            content: {
              'application/json': {
                schema: z.object({ reasonText: z.string().max(2000).optional() }).strict(),
              },
            },
          },
        },
        responses: {
          200: jsonContent(VersionSchema, 'In appeal'),
          ...notFoundError,
          ...conflictError,
        },
      }),
      async (c) => {
        const params = c.req.valid('param');
        const body = c.req.valid('json');
        const row = await appealVersion(
          serviceContext(deps, actorOf(c)),
          variantOf(c, params),
          params.n,
          c.var.principal.keyId,
          body?.reasonText,
        );
        c.header('etag', versionEtag(row));
        return c.json(await versionView(c, row), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${VERSION}/events`,
        operationId: 'listVersionEvents',
        tags,
        summary: 'The version’s history, oldest first',
        security,
        middleware: [readers] as const,
        request: { params: versionParams, query: z.object(pageQuery) },
        responses: { 200: jsonContent(pageSchema(EventSchema), 'Events'), ...notFoundError },
      }),
      async (c) => {
        const params = c.req.valid('param');
        const { limit, cursor } = c.req.valid('query');
        const ctx = serviceContext(deps);
        const row = await getVersion(ctx, variantOf(c, params), params.n);
        const page = await listEvents(ctx, { versionId: row.id }, limit, cursor);
        return c.json({ items: page.items.map(toEventView), nextCursor: page.nextCursor }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/templates/{key}/events',
        operationId: 'listTemplateEvents',
        tags,
        summary: 'The history of every version of a template, oldest first',
        security,
        middleware: [readers] as const,
        request: { params: templateParam, query: z.object(pageQuery) },
        responses: { 200: jsonContent(pageSchema(EventSchema), 'Events'), ...notFoundError },
      }),
      async (c) => {
        const { key } = c.req.valid('param');
        const { limit, cursor } = c.req.valid('query');
        const ctx = serviceContext(deps);
        await getTemplate(ctx, key);
        const page = await listEvents(ctx, { templateKey: key, principal: c.var.principal }, limit, cursor);
        return c.json({ items: page.items.map(toEventView), nextCursor: page.nextCursor }, 200);
      },
    );
}
