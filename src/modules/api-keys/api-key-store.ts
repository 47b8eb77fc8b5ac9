import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/database.ts';
import { apiKeys } from '../../../db/schema/index.ts';
import type { Principal } from '../../http/principal.ts';

export const KEY_PREFIX = 'vt_live_';

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** 192 bits of randomness behind a readable prefix. */
export function generateKey(): { key: string; prefix: string; hash: string } {
  const key = `${KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
  return { key, prefix: key.slice(0, KEY_PREFIX.length + 6), hash: hashKey(key) };
}

type KeyRow = typeof apiKeys.$inferSelect;

export function principalOf(row: KeyRow): Principal {
  return { keyId: row.id, name: row.name, role: row.role, markets: row.markets, languages: row.languages };
}

/**
 * Active keys by hash, in memory, so authenticating a request costs no database round trip.
 * A key unknown here (created by another instance) is looked up once and remembered.
 */
export class ApiKeyStore {
  readonly #byHash = new Map<string, Principal>();
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async load(): Promise<void> {
    const rows = await this.#db.select().from(apiKeys).where(isNull(apiKeys.revokedAt));
    this.#byHash.clear();
    for (const row of rows) this.#byHash.set(row.hash, principalOf(row));
  }

  /** Sync fast path for the hot render route. */
  cached(key: string): Principal | undefined {
    return this.#byHash.get(hashKey(key));
  }

  async authenticate(key: string): Promise<Principal | undefined> {
    const hash = hashKey(key);
    const known = this.#byHash.get(hash);
    if (known) return known;
    const [row] = await this.#db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)));
    if (!row) return undefined;
    const principal = principalOf(row);
    this.#byHash.set(hash, principal);
    return principal;
  }

  remember(row: KeyRow): void {
    this.#byHash.set(row.hash, principalOf(row));
  }

  forget(hash: string): void {
    this.#byHash.delete(hash);
  }
}
