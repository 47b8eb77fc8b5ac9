import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/database.ts';
import { apiKeys } from '../../../db/schema/index.ts';
import type { Principal } from '../../http/principal.ts';
import type { RateLimits } from '../../http/rate-limit.ts';

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

/** Unknown hashes remembered at most this long: the bound on refusing a key whose announcement was lost. */
const UNKNOWN_TTL_MS = 60_000;
/** Bounds the memory an attacker can fill with made-up keys; the oldest entries go first. */
const MAX_UNKNOWN_KEYS = 10_000;

/**
 * Active keys by hash, in memory, so authenticating a request costs no database round trip.
 * A key unknown here may have been created by another instance a moment ago: it is looked up
 * once (concurrent requests share the lookup) and a miss is remembered, so repeating an unknown
 * key costs no query. Another instance's new key is announced through the change feed, which
 * drops it from the unknown ones at once.
 */
export class ApiKeyStore {
  readonly #byHash = new Map<string, Principal>();
  readonly #hashOfSeen = new Map<string, string>();
  /** hash → when it stops being known as unknown (ms since epoch). */
  readonly #unknown = new Map<string, number>();
  readonly #lookups = new Map<string, Promise<Principal | undefined>>();
  readonly #learnedListeners: Array<(hash: string) => void> = [];
  /** Set while `load` reads: the changes to apply again once its snapshot is in place. */
  #changesDuringLoad: Array<() => void> | undefined;
  readonly #db: Db;
  readonly limits: RateLimits;

  constructor(db: Db, limits: RateLimits) {
    this.#db = db;
    this.limits = limits;
  }

  /**
   * (Re)reads the active keys: at start, and as the periodic safety net under NOTIFY. A key
   * revoked or made while the read runs is forgotten or remembered again afterwards, so a reload
   * never brings a revoked key back.
   */
  async load(): Promise<void> {
    const replays: Array<() => void> = [];
    this.#changesDuringLoad = replays;
    let rows: KeyRow[];
    try {
      rows = await this.#db.select().from(apiKeys).where(isNull(apiKeys.revokedAt));
    } finally {
      this.#changesDuringLoad = undefined;
    }
    this.#byHash.clear();
    this.#unknown.clear();
    for (const row of rows) this.#byHash.set(row.hash, principalOf(row));
    for (const replay of replays) replay();
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
    const until = this.#unknown.get(hash);
    if (until !== undefined && until > Date.now()) return undefined;
    let lookup = this.#lookups.get(hash);
    if (!lookup) {
      lookup = this.#lookUp(hash).finally(() => this.#lookups.delete(hash));
      this.#lookups.set(hash, lookup);
    }
    return lookup;
  }

  async #lookUp(hash: string): Promise<Principal | undefined> {
    const [row] = await this.#db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)));
    if (!row) {
      this.#rememberUnknown(hash);
      return undefined;
    }
    const principal = principalOf(row);
    this.#byHash.set(hash, principal);
    return principal;
  }

  #rememberUnknown(hash: string): void {
    this.#unknown.delete(hash);
    if (this.#unknown.size >= MAX_UNKNOWN_KEYS) {
      const oldest = this.#unknown.keys().next();
      if (!oldest.done) this.#unknown.delete(oldest.value);
    }
    this.#unknown.set(hash, Date.now() + UNKNOWN_TTL_MS);
  }

  /** A key created or restored here: known at once, and announced to the other instances. */
  remember(row: KeyRow): void {
    this.#changesDuringLoad?.push(() => this.#byHash.set(row.hash, principalOf(row)));
    this.#byHash.set(row.hash, principalOf(row));
    this.#unknown.delete(row.hash);
    for (const listener of this.#learnedListeners) listener(row.hash);
  }

  onLearned(listener: (hash: string) => void): void {
    this.#learnedListeners.push(listener);
  }

  /** Another instance made this key: it is no longer unknown; the next request looks it up. */
  learnedElsewhere(hash: string): void {
    this.#unknown.delete(hash);
  }

  /** Active keys held in memory. */
  get size(): number {
    return this.#byHash.size;
  }

  forget(hash: string): void {
    this.#changesDuringLoad?.push(() => this.#byHash.delete(hash));
    this.#byHash.delete(hash);
  }
}
