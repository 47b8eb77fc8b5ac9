import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from './context.ts';
import { AppError } from './errors.ts';
import { docsRoutes } from './http/docs.ts';
import type { AppEnv } from './http/env.ts';
import { requestHeader } from './http/headers.ts';
import { observeRequests } from './http/observe.ts';
import { createErrorHandler, problemResponse } from './http/problem.ts';
import { analyticsRoutes } from './modules/analytics/analytics.routes.ts';
import { apiKeyRoutes } from './modules/api-keys/api-keys.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { localizationRoutes } from './modules/localization/localization.routes.ts';
import { marketRoutes } from './modules/markets/markets.routes.ts';
import { metricsRoutes } from './modules/metrics/metrics.routes.ts';
import { subscriptionRoutes } from './modules/notifications/subscriptions.routes.ts';
import { pricingRoutes } from './modules/pricing/pricing.routes.ts';
import { readinessRoutes } from './modules/readiness/readiness.routes.ts';
import { sandboxRoutes } from './modules/sandbox/sandbox.routes.ts';
import { servingRoutes } from './modules/serving/serving.routes.ts';
import { templateRoutes } from './modules/templates/templates.routes.ts';
import { versionRoutes } from './modules/versions/versions.routes.ts';
import { webhookRoutes } from './modules/webhooks/webhooks.routes.ts';
import { consoleRoutes } from './ui/ui.routes.ts';

const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** 10,000 recipients with their variables need more room than one request. */
const MAX_BATCH_BODY_BYTES = 32 * 1024 * 1024;

export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.use(observeRequests(deps));

  const tooLarge = () => {
    throw new AppError('payload-too-large');
  };
  const defaultLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
  const batchLimit = bodyLimit({ maxSize: MAX_BATCH_BODY_BYTES, onError: tooLarge });
  app.use((c, next) => {
    const batch = c.req.path === '/v1/render/batch';
    const length = requestHeader(c, 'content-length');
    // Content-Length tells the size up front; only a body of unknown length (chunked) is counted
    // as it arrives, since touching the body stream costs every request a web stream.
    if (length !== undefined && !requestHeader(c, 'transfer-encoding')) {
      if (Number(length) > (batch ? MAX_BATCH_BODY_BYTES : MAX_BODY_BYTES)) tooLarge();
      return next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return batch ? batchLimit(c, next) : defaultLimit(c, next);
  });
  app.onError(createErrorHandler(deps.i18n, deps.log));
  // Registered routes are read at the first miss, when every router has been mounted.
  let allowed: AllowedMethods | undefined;
  app.notFound((c) => {
    allowed ??= allowedMethods(app.routes);
    const allow = [
      ...new Set(allowed.filter(({ pattern }) => pattern.test(c.req.path)).flatMap((route) => route.allow)),
    ]
      .sort()
      .join(', ');
    const error = allow
      ? new AppError('method-not-allowed', { params: { context: 'allow', allow }, headers: { allow } })
      : new AppError('not-found', { params: { resource: c.req.path } });
    return problemResponse(c, error, deps.i18n);
  });

  app.route('/', healthRoutes(deps));
  app.route('/', metricsRoutes(deps));
  app.route('/', marketRoutes(deps));
  app.route('/', readinessRoutes(deps));
  app.route('/', templateRoutes(deps));
  app.route('/', versionRoutes(deps));
  app.route('/', localizationRoutes(deps));
  app.route('/', servingRoutes(deps));
  app.route('/', sandboxRoutes(deps));
  app.route('/', apiKeyRoutes(deps));
  app.route('/', auditRoutes(deps));
  app.route('/', subscriptionRoutes(deps));
  app.route('/', analyticsRoutes(deps));
  app.route('/', pricingRoutes(deps));
  app.route('/', webhookRoutes(deps));
  app.route('/', docsRoutes());
  app.route('/', consoleRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: `Authorization: Bearer vt_live_…`',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Vetted',
      version: '1',
      description:
        'Lifecycle of WhatsApp message templates per market and language: draft, lint, submit, approve, serve. Errors are RFC 9457 problem+json.',
    },
  });
  return app;
}

/** A worker process's only routes: liveness, readiness and its metrics (its submissions, its caches). */
export function createOperationsApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.use(observeRequests(deps));
  app.onError(createErrorHandler(deps.i18n, deps.log));
  app.notFound((c) =>
    problemResponse(c, new AppError('not-found', { params: { resource: c.req.path } }), deps.i18n),
  );
  app.route('/', healthRoutes(deps));
  app.route('/', metricsRoutes(deps));
  return app;
}

type AllowedMethods = Array<{ pattern: RegExp; allow: string[] }>;

/**
 * The methods each registered path answers, so a known path with a wrong method is a 405 with
 * `Allow` rather than a 404. HEAD is answered wherever GET is; middleware (method ALL) is no route.
 */
function allowedMethods(routes: ReadonlyArray<{ method: string; path: string }>): AllowedMethods {
  const byPath = new Map<string, Set<string>>();
  for (const { method, path } of routes) {
    if (method === 'ALL') continue;
    const methods = byPath.get(path) ?? new Set<string>();
    methods.add(method);
    if (method === 'GET') methods.add('HEAD');
    byPath.set(path, methods);
  }
  return [...byPath].map(([path, methods]) => ({
    pattern: new RegExp(
      `^${path
        .split('/')
        .map((segment) =>
          segment.startsWith(':')
            ? '[^/]+'
            : segment === '*'
              ? '.*'
              : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('/')}$`,
    ),
    allow: [...methods],
  }));
}

export type App = ReturnType<typeof createApp>;
