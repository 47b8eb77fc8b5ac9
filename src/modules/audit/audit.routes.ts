import { createRoute } from '@hono/zod-openapi';
import { type AppDeps, serviceContext } from '../../context.ts';
import { authorize } from '../../http/auth.ts';
import { createRouter, jsonContent, security } from '../../http/openapi.ts';
import { pageQuery, pageSchema } from '../../http/pagination.ts';
import { AuditEntrySchema, AuditQuery } from './audit.schemas.ts';
import { listAudit } from './audit.service.ts';

export function auditRoutes(deps: AppDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'get',
      path: '/v1/audit',
      operationId: 'listAudit',
      tags: ['Audit'],
      summary: 'Who changed what, before and after, newest first',
      description:
        'A key limited to markets or languages sees only entries about objects within its own scope.',
      security,
      middleware: [authorize(deps.apiKeys, 'admins')] as const,
      request: { query: AuditQuery.extend(pageQuery) },
      responses: { 200: jsonContent(pageSchema(AuditEntrySchema), 'Entries') },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid('query');
      return c.json(await listAudit(serviceContext(deps), c.var.principal, filter, limit, cursor), 200);
    },
  );
}
