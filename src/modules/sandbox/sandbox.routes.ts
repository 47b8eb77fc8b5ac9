import { createRoute, z } from '@hono/zod-openapi';
import { type AppDeps, serviceContext } from '../../context.ts';
import { authorize } from '../../http/auth.ts';
import {
  conflictError,
  createRouter,
  jsonBody,
  jsonContent,
  notFoundError,
  security,
} from '../../http/openapi.ts';
import { actorOf } from '../../http/principal.ts';
import { safeText } from '../../http/safe-input.ts';
import { LanguageTag } from '../markets/markets.schemas.ts';
import { forceSandboxDecision, SANDBOX_DECISIONS } from './sandbox.service.ts';

const DecisionSchema = z
  .object({
    providerTemplateName: safeText('name').min(1).max(512).openapi({ example: 'lesson_rescheduled_tr_v1' }),
    language: LanguageTag.optional().openapi({
      description: 'Needed only when several languages share the name',
    }),
    status: z.enum(SANDBOX_DECISIONS),
    reason: safeText('name')
      .max(100)
      .optional()
      .openapi({ example: 'INVALID_FORMAT', description: 'Provider reason code' }),
    reasonText: safeText('text').max(2000).optional(),
  })
  .strict()
  .openapi('SandboxDecision');

export function sandboxRoutes(deps: AppDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'post',
      path: '/v1/sandbox/decisions',
      operationId: 'forceSandboxDecision',
      tags: ['Sandbox'],
      summary: 'Force a decision on a sandbox submission (approve, reject, pause, disable, reinstate)',
      security,
      middleware: [authorize(deps.apiKeys, 'admins')] as const,
      request: { body: jsonBody(DecisionSchema) },
      responses: {
        200: jsonContent(
          z.object({ providerTemplateName: z.string(), languageCode: z.string(), outcome: z.string() }),
          'The decision as ingested',
        ),
        ...notFoundError,
        ...conflictError,
      },
    }),
    async (c) =>
      c.json(
        await forceSandboxDecision(serviceContext(deps, actorOf(c)), c.req.valid('json'), c.var.principal),
        200,
      ),
  );
}
