import { createRoute } from '@hono/zod-openapi';
import { type AppDeps, serviceContext } from '../../context.ts';
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
import { pageQuery, pageSchema } from '../../http/pagination.ts';
import { actorOf } from '../../http/principal.ts';
import {
  NewTemplateSchema,
  TemplateListQuery,
  TemplatePatchSchema,
  TemplateSchema,
  TemplateWithVariantsSchema,
  templateParam,
} from './templates.schemas.ts';
import {
  archiveTemplate,
  createTemplate,
  getTemplate,
  listTemplates,
  templateEtag,
  toTemplateView,
  updateTemplate,
  variantMatrix,
} from './templates.service.ts';

const tags = ['Templates'];

export function templateRoutes(deps: AppDeps) {
  const readers = authorize(deps.apiKeys, 'readers');
  const editors = authorize(deps.apiKeys, 'editors');
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/templates',
        operationId: 'listTemplates',
        tags,
        summary:
          'List templates, filtered by text, category, market, language, newest status or what is served',
        security,
        middleware: [readers] as const,
        request: { query: TemplateListQuery.extend(pageQuery) },
        responses: { 200: jsonContent(pageSchema(TemplateSchema), 'Templates by key') },
      }),
      async (c) => {
        const { limit, cursor, archived, served, ...filter } = c.req.valid('query');
        const page = await listTemplates(
          serviceContext(deps),
          { ...filter, archived: archived === 'true', ...(served ? { served: served === 'true' } : {}) },
          c.var.principal,
          limit,
          cursor,
        );
        return c.json({ items: page.items.map(toTemplateView), nextCursor: page.nextCursor }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/templates',
        operationId: 'createTemplate',
        tags,
        summary: 'Create a template with its typed variables',
        security,
        middleware: [editors] as const,
        request: { body: jsonBody(NewTemplateSchema) },
        responses: { 201: jsonContent(TemplateSchema, 'Created'), ...conflictError },
      }),
      async (c) => {
        const row = await createTemplate(
          serviceContext(deps, actorOf(c)),
          c.req.valid('json'),
          c.var.principal.keyId,
        );
        c.header('etag', templateEtag(row));
        c.header('location', `/v1/templates/${row.key}`);
        return c.json(toTemplateView(row), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/templates/{key}',
        operationId: 'getTemplate',
        tags,
        summary: 'Get a template with its variant matrix (market × language: newest, served, status)',
        security,
        middleware: [readers] as const,
        request: { params: templateParam },
        responses: {
          200: jsonContent(TemplateWithVariantsSchema, 'The template'),
          ...notFoundError,
        },
      }),
      async (c) => {
        const ctx = serviceContext(deps);
        const { key } = c.req.valid('param');
        const row = await getTemplate(ctx, key);
        const variants = await variantMatrix(ctx, key, c.var.principal);
        c.header('etag', templateEtag(row));
        const recategorized = variants.some((cell) => cell.recategorized !== null);
        return c.json({ ...toTemplateView(row), variants, recategorized }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: '/v1/templates/{key}',
        operationId: 'updateTemplate',
        tags,
        summary: 'Edit the description or variables (If-Match required)',
        security,
        middleware: [editors] as const,
        request: { params: templateParam, body: jsonBody(TemplatePatchSchema) },
        responses: {
          200: jsonContent(TemplateSchema, 'Updated'),
          ...notFoundError,
          ...preconditionErrors,
        },
      }),
      async (c) => {
        const ifMatch = requireIfMatch(c);
        const row = await updateTemplate(
          serviceContext(deps, actorOf(c)),
          c.req.valid('param').key,
          c.req.valid('json'),
          ifMatch,
          c.var.principal,
        );
        c.header('etag', templateEtag(row));
        return c.json(toTemplateView(row), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/v1/templates/{key}',
        operationId: 'archiveTemplate',
        tags,
        summary: 'Archive a template: history is kept, nothing of it is served any more (If-Match required)',
        security,
        middleware: [editors] as const,
        request: { params: templateParam },
        responses: {
          200: jsonContent(TemplateSchema, 'Archived'),
          ...notFoundError,
          ...preconditionErrors,
        },
      }),
      async (c) => {
        const ifMatch = requireIfMatch(c);
        const row = await archiveTemplate(
          serviceContext(deps, actorOf(c)),
          c.req.valid('param').key,
          ifMatch,
          c.var.principal,
        );
        c.header('etag', templateEtag(row));
        return c.json(toTemplateView(row), 200);
      },
    );
}
