import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from 'pino';
import type { Metrics } from '../modules/metrics/metrics.ts';
import type { AppEnv } from './env.ts';
import { requestHeader } from './headers.ts';
import { carriesRequestId } from './plain-answer.ts';

/** A caller's own id is kept when it is safe to echo and to log. */
const SENSIBLE_REQUEST_ID = /^[\w\-=]{1,255}$/;

/**
 * The route pattern a request reached (`/v1/templates/:key`), the one label that keeps series
 * bounded and keeps path secrets (Gupshup's webhook token) out of metrics and logs. Middleware
 * (method ALL) is no route: a request that matched nothing else is `unmatched`.
 */
export function routeOf(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route && route.method !== 'ALL') return route.path;
  }
  return 'unmatched';
}

/**
 * The request's logger, bound to its request id. Made on first use: a child logger costs a few
 * microseconds, which the render path does not spend unless it logs.
 */
export function requestLog(c: Context<AppEnv>, base: Logger): Logger {
  let log = c.get('log');
  if (!log) {
    log = base.child({ requestId: c.get('requestId') });
    c.set('log', log);
  }
  return log;
}

/**
 * Gives every request an id (the caller's `X-Request-Id` when sensible, else a new one), echoed on
 * every answer, and records it when it ends: the request histogram, and a log line (`debug`; `info`
 * for a 4xx or 5xx answer, so the default level writes nothing per successful render).
 */
export function observeRequests(deps: { metrics: Metrics; log: Logger }): MiddlewareHandler<AppEnv> {
  const { metrics, log } = deps;
  return async (c, next) => {
    const started = performance.now();
    const given = requestHeader(c, 'x-request-id');
    const id = given !== undefined && SENSIBLE_REQUEST_ID.test(given) ? given : randomUUID();
    c.set('requestId', id);
    await next();
    // Set once the answer exists: an early c.header gives every answer a Headers object, which takes
    // the render path off node-server's fast path (its answers carry the id already).
    if (!carriesRequestId(c.res)) c.res.headers.set('x-request-id', id);
    const ms = performance.now() - started;
    const status = c.res.status;
    const route = routeOf(c);
    metrics.request(c.req.method, route, status, ms / 1000);
    const level = status >= 400 ? 'info' : 'debug';
    if (log.isLevelEnabled(level))
      requestLog(c, log)[level](
        { method: c.req.method, route, status, ms: Math.round(ms * 10) / 10 },
        'request',
      );
  };
}
