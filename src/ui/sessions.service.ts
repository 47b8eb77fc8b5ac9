import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import { apiKeys, consoleSessions } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import type { Principal } from '../http/principal.ts';
import { principalOf } from '../modules/api-keys/api-key-store.ts';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

/** A new session for a key already authenticated; expired sessions are swept on the way. */
export async function openSession(
  ctx: ServiceContext,
  principal: Principal,
): Promise<{ id: string; csrfToken: string }> {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const now = ctx.clock();
  await ctx.db.delete(consoleSessions).where(lt(consoleSessions.expiresAt, now));
  await ctx.db.insert(consoleSessions).values({
    idHash: hashOf(id),
    keyId: principal.keyId,
    csrfToken,
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  });
  return { id, csrfToken };
}

/** The session's key as it is now: an expired session, or one of a revoked key, is no session. */
export async function findSession(
  ctx: ServiceContext,
  id: string,
): Promise<{ principal: Principal; csrfToken: string } | undefined> {
  const [row] = await ctx.db
    .select({ key: apiKeys, csrfToken: consoleSessions.csrfToken })
    .from(consoleSessions)
    .innerJoin(apiKeys, eq(apiKeys.id, consoleSessions.keyId))
    .where(
      and(
        eq(consoleSessions.idHash, hashOf(id)),
        gt(consoleSessions.expiresAt, ctx.clock()),
        isNull(apiKeys.revokedAt),
      ),
    );
  return row ? { principal: principalOf(row.key), csrfToken: row.csrfToken } : undefined;
}

export async function closeSession(ctx: ServiceContext, id: string): Promise<void> {
  await ctx.db.delete(consoleSessions).where(eq(consoleSessions.idHash, hashOf(id)));
}
