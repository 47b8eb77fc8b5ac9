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

/** Authenticates the API key and checks its role against the route's role group. */
export function authorize(store: ApiKeyStore, group: RoleGroup): MiddlewareHandler<AppEnv> {
  const allowed: readonly string[] = ROLE_GROUPS[group];
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(requestHeader(c, 'authorization'));
    const principal = token ? (store.cached(token) ?? (await store.authenticate(token))) : undefined;
    if (!principal) throw new AppError('unauthorized');
    if (!allowed.includes(principal.role))
      throw new AppError('forbidden', { params: { role: principal.role } });
    c.set('principal', principal);
    await next();
  });
}
