import { createHash } from 'node:crypto';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { idempotencyKeys } from '../../db/schema/index.ts';
import type { AppDeps } from '../context.ts';
import { AppError, fieldError } from '../errors.ts';
import type { AppEnv } from './env.ts';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** How long a key and its answer are kept. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** A running request holds its key this long; past it, a crashed request's key can be taken over. */
export const IDEMPOTENCY_CLAIM_MS = 30_000;
const POLL_MS = 25;
const PURGE_EVERY_MS = 60_000;
/** Answer header fields a replay repeats. */
const REPLAYED_HEADERS = ['etag', 'location'] as const;

type Row = typeof idempotencyKeys.$inferSelect;

function replay(row: Row & { status: number }): Response {
  return new Response(JSON.stringify(row.body), {
    status: row.status,
    headers: {
      ...row.headers,
      'content-type': row.status >= 400 ? 'application/problem+json' : 'application/json',
      'idempotent-replayed': 'true',
    },
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `Idempotency-Key`: the first request with a key runs and its answer is kept for 24 h; a repeat
 * gets the same answer (`Idempotent-Replayed: true`) without running again, and a repeat that
 * arrives while the first still runs waits for its answer. The same key with another request is
 * refused (422). Keys belong to the API key that sent them.
 *
 * The claim expires instead of living in the request's transaction: the route's own transaction
 * stays short and keeps its retry on serialization failures. A request that crashes after
 * claiming holds the key for IDEMPOTENCY_CLAIM_MS; a retry after that runs again, which for submit
 * is safe, since the version is then no longer a draft.
 */
export function idempotent(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const db = deps.database.db;
  let lastPurge = 0;
  const purge = (now: Date) => {
    if (now.getTime() - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now.getTime();
    const before = new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS);
    db.delete(idempotencyKeys)
      .where(lt(idempotencyKeys.createdAt, before))
      .catch((error: unknown) => deps.log.warn({ err: error }, 'could not purge old idempotency keys'));
  };

  return createMiddleware<AppEnv>(async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      throw new AppError('validation-failed', {
        errors: [fieldError('/headers/idempotency-key', 'idempotency-key')],
      });
    }
    const principal = c.var.principal.keyId;
    const requestHash = createHash('sha256')
      .update(`${c.req.method} ${c.req.path}\n${await c.req.text()}`)
      .digest('hex');
    const where = and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key));

    /** Takes the key when it is free: new, older than 24 h, or a lapsed claim on this same request. */
    const claim = async (): Promise<boolean> => {
      const now = deps.clock();
      purge(now);
      const claimedUntil = new Date(now.getTime() + IDEMPOTENCY_CLAIM_MS);
      const expired = new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS);
      const claimed = await db
        .insert(idempotencyKeys)
        .values({ principal, key, requestHash, claimedUntil, createdAt: now })
        .onConflictDoUpdate({
          target: [idempotencyKeys.principal, idempotencyKeys.key],
          set: { requestHash, status: null, body: null, headers: null, claimedUntil, createdAt: now },
          setWhere: or(
            lt(idempotencyKeys.createdAt, expired),
            and(
              isNull(idempotencyKeys.status),
              lt(idempotencyKeys.claimedUntil, now),
              eq(idempotencyKeys.requestHash, sql`excluded.request_hash`),
            ),
          ),
        })
        .returning({ key: idempotencyKeys.key });
      return claimed.length > 0;
    };

    while (!(await claim())) {
      const [stored] = await db.select().from(idempotencyKeys).where(where);
      if (!stored) continue;
      if (stored.requestHash !== requestHash) throw new AppError('idempotency-key-reused');
      if (stored.status !== null) return replay({ ...stored, status: stored.status });
      // The first request is still running: wait for its answer, or for its claim to lapse.
      const left = (stored.claimedUntil?.getTime() ?? 0) - deps.clock().getTime();
      const deadline = Date.now() + Math.min(Math.max(left, 0), IDEMPOTENCY_CLAIM_MS);
      while (Date.now() <= deadline) {
        await sleep(POLL_MS);
        const [answer] = await db.select().from(idempotencyKeys).where(where);
        if (!answer || answer.status !== null || answer.requestHash !== requestHash) break;
      }
    }

    // Errors thrown further down have already become problem responses in `c.res` by now.
    await next();
    if (c.res.status >= 500) {
      await db.delete(idempotencyKeys).where(where);
      return;
    }
    const body: unknown = await c.res.clone().json();
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = c.res.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    await db
      .update(idempotencyKeys)
      .set({ status: c.res.status, body, headers, claimedUntil: null })
      .where(where);
  });
}
