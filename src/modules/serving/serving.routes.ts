import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { createRoute, z } from '@hono/zod-openapi';
import { stream } from 'hono/streaming';
import type { AppDeps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { authorize } from '../../http/auth.ts';
import { fieldMessage } from '../../http/field-messages.ts';
import { requestHeader } from '../../http/headers.ts';
import { readJson } from '../../http/json-body.ts';
import {
  createRouter,
  jsonBody,
  jsonContent,
  notFoundError,
  ProblemSchema,
  security,
} from '../../http/openapi.ts';
import { jsonAnswer, plainAnswer } from '../../http/plain-answer.ts';
import { problemBody, zodFieldErrors } from '../../http/problem.ts';
import { translatorFor } from '../../i18n.ts';
import { LanguageTag, MarketCode, marketParam } from '../markets/markets.schemas.ts';
import { TemplateKey } from '../templates/templates.schemas.ts';
import { assertBatchSize, MAX_BATCH_RECIPIENTS, renderBatch } from './batch.service.ts';
import { marketBundle } from './bundles.service.ts';
import { fastRenderRequest, MARKET_CODE, MAX_VALUE_LENGTH, PHONE_NUMBER } from './fast-input.ts';
import { type RenderResult, renderRequest } from './render.service.ts';
import type { ServingIndex } from './serving-index.ts';

export const RenderRequestSchema = z
  .object({
    template: TemplateKey,
    market: MarketCode,
    language: LanguageTag.optional().openapi({ description: 'Defaults to the market’s default language' }),
    variables: z
      .record(z.string(), z.union([z.string().max(MAX_VALUE_LENGTH), z.number()]))
      .default({})
      .openapi({
        description:
          'Values by variable name: text as strings, numbers and currency as numbers, dates as ISO 8601',
      }),
    to: z.string().regex(PHONE_NUMBER, fieldMessage('phone-number')).optional(),
    allowFallback: z
      .boolean()
      .default(false)
      .openapi({ description: 'Serve a fallback language the market configures' }),
  })
  .strict()
  .openapi('RenderRequest');

function parseRenderRequest(body: unknown) {
  const parsed = RenderRequestSchema.safeParse(body);
  if (!parsed.success) throw new AppError('validation-failed', { errors: zodFieldErrors(parsed.error) });
  return parsed.data;
}

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
    category: z.string().openapi({
      description:
        'The category the provider holds the template under now. It can differ from the template’s: Meta recategorises utility templates it judges promotional as marketing, which changes whom you may send it to.',
      example: 'utility',
    }),
    text: z
      .string()
      .openapi({ description: 'The message as the recipient reads it: header, body and footer' }),
    components: RenderedComponentsSchema,
    payload: z.unknown().openapi({ description: 'The provider’s send-message body, ready to post' }),
  })
  .openapi('RenderResult');

const BatchRequestSchema = z
  .object({
    template: TemplateKey,
    market: MarketCode,
    allowFallback: z.boolean().default(false),
    recipients: z
      .array(
        z.unknown().openapi({
          description:
            'A recipient: {to, language?, variables}. Each is validated on its own, so one bad recipient fails only itself.',
          example: { to: '905551112233', language: 'tr', variables: { student_name: 'Ayşe' } },
        }),
      )
      .min(1)
      .max(MAX_BATCH_RECIPIENTS),
  })
  .strict()
  .openapi('BatchRenderRequest');

const BatchResultSchema = z
  .object({
    items: z.array(
      z.object({
        index: z.number().int(),
        status: z.number().int().openapi({ description: '200, or the status of the recipient’s problem' }),
        result: RenderResultSchema.optional(),
        problem: ProblemSchema.optional(),
      }),
    ),
  })
  .openapi('BatchRenderResult');

const BundleSchema = z
  .object({ market: z.string(), items: z.array(z.record(z.string(), z.unknown())) })
  .openapi('Bundle', {
    description: 'Every served version of the market, with its text, variables and provider name',
  });

/**
 * The render counter's market and language labels: only ones the market holds, so a caller cannot
 * grow the series with made-up codes.
 */
function renderLabels(serving: ServingIndex, market: string, language: unknown): [string, string] {
  const row = serving.markets.get(market);
  if (!row) return ['other', 'other'];
  const asked = typeof language === 'string' ? language : row.defaultLanguage;
  return [row.code, row.languages.includes(asked) ? asked : 'other'];
}

const outcomeOf = (result: RenderResult) => (result.fallback ? 'fallback' : 'served');

/**
 * Items are written as they are rendered, a chunk at a time, so a 10,000-recipient answer is never
 * held whole. A chunk goes out once it reaches this many characters: each write encodes it into a
 * new buffer, and a buffer over the allocator's threshold (128 KB) comes as fresh memory pages, which
 * cost four times the encoding itself (13.7 against 3.9 ms of CPU per 1,000 items, measured here).
 */
const BATCH_CHUNK_CHARS = 16_384;
/** The longest a batch holds the event loop, checked every few recipients. */
const BATCH_SLICE_MS = 5;
const BATCH_YIELD_CHECK = 16;

const bundleRoute = createRoute({
  method: 'get',
  path: '/v1/bundles/{market}',
  operationId: 'getBundle',
  tags: ['Serving'],
  summary: 'Every served version of a market, with a strong ETag (If-None-Match → 304)',
  security,
  request: { params: marketParam },
  responses: {
    200: jsonContent(BundleSchema, 'The bundle'),
    304: { description: 'Not modified since the ETag you have' },
    ...notFoundError,
  },
});

/** If-None-Match names the ETag (or `*`); the usual single tag is compared before any splitting. */
function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch === etag) return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
}

const renderRoute = createRoute({
  method: 'post',
  path: '/v1/render',
  operationId: 'render',
  tags: ['Serving'],
  summary: 'Render the served (approved) version of a template for one recipient',
  description:
    'Never returns an unapproved variant. 404 no-approved-variant lists each variant’s status; 422 invalid-variables names each offending variable.',
  security,
  request: { body: jsonBody(RenderRequestSchema) },
  responses: { 200: jsonContent(RenderResultSchema, 'Rendered'), ...notFoundError },
});

export function servingRoutes(deps: AppDeps) {
  const senders = authorize(deps.apiKeys, 'senders');
  const router = createRouter();
  // The hot path: documented from the same schema, but validated synchronously in the handler,
  // which costs a fraction of the generic (async) validator on every send.
  router.openAPIRegistry.registerPath(renderRoute);
  router.post('/v1/render', senders, async (c) => {
    const body = await readJson(c);
    const request = fastRenderRequest(body) ?? parseRenderRequest(body);
    const [market, language] = renderLabels(deps.serving, request.market, request.language);
    let result: RenderResult;
    try {
      // c.get, not c.var: c.var copies every variable into a new object.
      result = renderRequest(deps.serving, deps.providers, c.get('principal'), request);
    } catch (error) {
      if (error instanceof AppError) deps.metrics.rendered(market, language, error.type);
      throw error;
    }
    deps.metrics.rendered(market, language, outcomeOf(result));
    return jsonAnswer(c, JSON.stringify(result));
  });
  // Senders revalidate their bundle often: as for render, the parameter is checked in the handler,
  // and a matching If-None-Match costs a map lookup and a string comparison.
  router.openAPIRegistry.registerPath(bundleRoute);
  router.get('/v1/bundles/:market', senders, (c) => {
    const market = c.req.param('market');
    if (!MARKET_CODE.test(market)) {
      const parsed = marketParam.safeParse({ market });
      if (!parsed.success) throw new AppError('validation-failed', { errors: zodFieldErrors(parsed.error) });
    }
    const bundle = marketBundle(deps.serving, c.get('principal'), market);
    if (notModified(requestHeader(c, 'if-none-match'), bundle.etag))
      return plainAnswer(c, null, 304, { etag: bundle.etag, 'cache-control': 'no-cache' });
    return plainAnswer(c, bundle.body, 200, {
      'content-type': 'application/json; charset=utf-8',
      etag: bundle.etag,
      'cache-control': 'no-cache',
    });
  });
  return router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/render/batch',
      operationId: 'renderBatch',
      tags: ['Serving'],
      summary: 'Render for up to 10,000 recipients: one result or one problem per recipient, in order',
      description:
        'At most 10,000 recipients and 100,000 variables in all (422 otherwise; the body is capped at 32 MB, 413). A recipient sending more than 50 variables, or one its template does not declare, gets its own 422 problem (invalid-variables quotes up to 5 undeclared names).',
      security,
      middleware: [senders] as const,
      request: { body: jsonBody(BatchRequestSchema) },
      responses: { 200: jsonContent(BatchResultSchema, 'Results in recipient order') },
    }),
    (c) => {
      const request = c.req.valid('json');
      assertBatchSize(request.recipients);
      const t = translatorFor(deps.i18n, c.req.header('accept-language'));
      const items = renderBatch(deps.serving, deps.providers, c.var.principal, request);
      // Counted per language and outcome, added to the counter once per batch.
      const counts = new Map<string, number>();
      const tally = (language: unknown, outcome: string) => {
        const key = `${typeof language === 'string' ? language : ''}\u0000${outcome}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      };
      c.header('content-type', 'application/json; charset=utf-8');
      return stream(c, async (out) => {
        await out.write('{"items":[');
        let chunk = '';
        let count = 0;
        let sliceStart = performance.now();
        for (const item of items) {
          if ('result' in item) tally(item.result.requestedLanguage, outcomeOf(item.result));
          else tally(Reflect.get(Object(request.recipients[item.index]), 'language'), item.error.type);
          const json =
            'result' in item
              ? JSON.stringify(item)
              : JSON.stringify({
                  index: item.index,
                  status: item.status,
                  problem: problemBody(item.error, t),
                });
          chunk += count === 0 ? json : `,${json}`;
          count += 1;
          if (chunk.length >= BATCH_CHUNK_CHARS) {
            await out.write(chunk);
            chunk = '';
          }
          // Rendering is synchronous: hand the event loop back now and then so other requests
          // (renders, health checks) are answered while a large batch is under way.
          if (count % BATCH_YIELD_CHECK === 0 && performance.now() - sliceStart >= BATCH_SLICE_MS) {
            await yieldToEventLoop();
            sliceStart = performance.now();
          }
        }
        await out.write(`${chunk}]}`);
        for (const [key, n] of counts) {
          const [language, outcome = ''] = key.split('\u0000');
          const [market, label] = renderLabels(deps.serving, request.market, language || undefined);
          deps.metrics.rendered(market, label, outcome, n);
        }
      }) as never;
    },
  );
}
