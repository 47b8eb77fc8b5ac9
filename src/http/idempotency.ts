import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { idempotencyKeys } from '../../db/schema/index.ts';
import type { AppDeps } from '../context.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key`: the first request with a key runs and its answer is kept; a repeat gets the
 * same answer without running again; the same key with another request is refused (422).
 * Keys belong to the API key that sent them.
 */
export function idempotent(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      throw new AppError('validation-failed', {
        errors: [{ path: '/headers/idempotency-key', message: '1 to 255 visible ASCII characters' }],
      });
    }
    const principal = c.var.principal.keyId;
    const requestHash = createHash('sha256')
      .update(`${c.req.method} ${c.req.path}\n${await c.req.text()}`)
      .digest('hex');
    const db = deps.database.db;
    const where = and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key));
    const [claimed] = await db
      .insert(idempotencyKeys)
      .values({ principal, key, requestHash })
      .onConflictDoNothing()
      .returning();
    if (!claimed) {
      const [stored] = await db.select().from(idempotencyKeys).where(where);
      if (!stored || stored.requestHash !== requestHash) throw new AppError('idempotency-key-reused');
      if (stored.status === null)
        throw new AppError('conflict', { params: { resource: `Idempotency-Key ${key}` } });
      return new Response(JSON.stringify(stored.body), {
        status: stored.status,
        headers: {
          'content-type': stored.status >= 400 ? 'application/problem+json' : 'application/json',
          'idempotent-replayed': 'true',
        },
      });
    }
    // Errors thrown further down have already become problem responses in `c.res` by now.
    await next();
    if (c.res.status >= 500) {
      await db.delete(idempotencyKeys).where(where);
      return;
    }
    const body: unknown = await c.res.clone().json();
    await db.update(idempotencyKeys).set({ status: c.res.status, body }).where(where);
  });
}
