import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/database.ts';
import { apiKeys } from '../../../db/schema/index.ts';
import type { Principal } from '../../http/principal.ts';

export const KEY_PREFIX = 'vt_live_';
/** Only valid keys are remembered, so this bounds memory against nobody but our own key count. */
const MAX_SEEN_KEYS = 10_000;

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
  return {
    keyId: row.id,
    name: row.name,
    role: row.role,
    markets: row.markets,
    languages: row.languages,
    rateLimitPerSecond: row.rateLimitPerSecond,
  };
}

/**
 * Active keys by hash, in memory, so authenticating a request costs no database round trip.
 * A key unknown here (created by another instance) is looked up once and remembered.
 */
export class ApiKeyStore {
  readonly #byHash = new Map<string, Principal>();
  readonly #hashOfSeen = new Map<string, string>();
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async load(): Promise<void> {
    const rows = await this.#db.select().from(apiKeys).where(isNull(apiKeys.revokedAt));
    this.#byHash.clear();
    for (const row of rows) this.#byHash.set(row.hash, principalOf(row));
  }

  /**
   * Sync fast path for the hot routes: keys already seen skip hashing. Entries point at the
   * hash, so revoking drops them with it.
   */
  cached(key: string): Principal | undefined {
    const hash = this.#hashOfSeen.get(key);
    if (hash !== undefined) return this.#byHash.get(hash);
    const computed = hashKey(key);
    const principal = this.#byHash.get(computed);
    if (principal && this.#hashOfSeen.size < MAX_SEEN_KEYS) this.#hashOfSeen.set(key, computed);
    return principal;
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
