import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { AppError } from '../errors.ts';
import type { ApiKeyStore } from '../modules/api-keys/api-key-store.ts';
import type { AppEnv } from './env.ts';
import { requestHeader } from './headers.ts';
import { ROLE_GROUPS, type RoleGroup } from './principal.ts';

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Authenticates the API key, spends one request of its rate limit and checks its role against
 * the route's role group. A failed authentication counts against the client's address; only
 * failures are ever refused for that, so a valid key behind a shared address keeps working.
 */
export function authorize(store: ApiKeyStore, group: RoleGroup): MiddlewareHandler<AppEnv> {
  const allowed: readonly string[] = ROLE_GROUPS[group];
  const limits = store.limits;
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(requestHeader(c, 'authorization'));
    let principal = token ? store.cached(token) : undefined;
    if (!principal) {
      const address = limits.clientAddress(c);
      // An address out of failures gets no lookup for a key this instance does not hold.
      if (token && !(await limits.failuresExhausted(address))) principal = await store.authenticate(token);
      if (!principal) {
        await limits.spendFailure(address);
        throw new AppError('unauthorized');
      }
    }
    limits.spendRequest(principal);
    if (!allowed.includes(principal.role))
      throw new AppError('forbidden', { params: { role: principal.role } });
    c.set('principal', principal);
    await next();
  });
}
