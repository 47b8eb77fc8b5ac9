import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../context.ts';
import { createRouter } from '../../http/openapi.ts';

export function metricsRoutes(deps: AppDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      tags: ['Operations'],
      summary: 'Prometheus metrics (text exposition format)',
      responses: {
        200: {
          description: 'Metrics',
          content: { 'text/plain': { schema: z.string() } },
        },
      },
    }),
    async (c) =>
      c.text(await deps.metrics.registry.metrics(), 200, {
        'content-type': deps.metrics.registry.contentType,
      }),
  );
}
