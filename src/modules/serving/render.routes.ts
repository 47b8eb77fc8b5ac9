import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../context.ts';
import { authorize } from '../../http/auth.ts';
import {
  commonErrors,
  createRouter,
  jsonBody,
  jsonContent,
  notFoundError,
  security,
} from '../../http/openapi.ts';
import { LanguageTag, MarketCode } from '../markets/markets.schemas.ts';
import { TemplateKey } from '../templates/templates.schemas.ts';
import { renderRequest } from './render.service.ts';

const RenderRequestSchema = z
  .object({
    template: TemplateKey,
    market: MarketCode,
    language: LanguageTag.optional().openapi({ description: 'Defaults to the market’s default language' }),
    variables: z.record(z.string(), z.union([z.string().max(2000), z.number()])).default({}),
    to: z
      .string()
      .regex(/^\+?[0-9]{6,20}$/, 'a phone number in international format')
      .optional(),
    allowFallback: z
      .boolean()
      .default(false)
      .openapi({ description: 'Serve a fallback language the market configures' }),
  })
  .strict()
  .openapi('RenderRequest');

const RenderedComponentsSchema = z.object({
  header: z.string().optional(),
  body: z.string(),
  footer: z.string().optional(),
  buttons: z
    .array(
      z.object({
        type: z.string(),
        text: z.string(),
        url: z.string().optional(),
        phoneNumber: z.string().optional(),
      }),
    )
    .optional(),
});

const RenderResultSchema = z
  .object({
    template: z.string(),
    market: z.string(),
    language: z.string().openapi({ description: 'The language served' }),
    requestedLanguage: z.string(),
    fallback: z.boolean().openapi({ description: 'True when a fallback language was served' }),
    version: z.number().int(),
    provider: z.string(),
    providerTemplateName: z.string(),
    languageCode: z
      .string()
      .openapi({ description: 'The provider’s language code the template was created with' }),
    text: z
      .string()
      .openapi({ description: 'The message as the recipient reads it: header, body and footer' }),
    components: RenderedComponentsSchema,
    payload: z.unknown().openapi({ description: 'The provider’s send-message body, ready to post' }),
  })
  .openapi('RenderResult');

export function renderRoutes(deps: AppDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'post',
      path: '/v1/render',
      operationId: 'render',
      tags: ['Serving'],
      summary: 'Render the served (approved) version of a template for one recipient',
      description:
        'Never returns an unapproved variant. 404 no-approved-variant lists each variant’s status; 422 invalid-variables names each offending variable.',
      security,
      middleware: [authorize(deps.apiKeys, 'senders')] as const,
      request: { body: jsonBody(RenderRequestSchema) },
      responses: { 200: jsonContent(RenderResultSchema, 'Rendered'), ...commonErrors, ...notFoundError },
    }),
    (c) => c.json(renderRequest(deps.serving, deps.providers, c.var.principal, c.req.valid('json')), 200),
  );
}
