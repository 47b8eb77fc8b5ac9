import type { IncomingMessage } from 'node:http';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { requestHeader } from './headers.ts';
import type { Principal } from './principal.ts';

export type RateLimitConfig = Pick<
  Config,
  | 'RATE_LIMIT_PER_SECOND'
  | 'RATE_LIMIT_SENDER_PER_SECOND'
  | 'RATE_LIMIT_FAILED_AUTH_PER_MINUTE'
  | 'TRUST_PROXY'
>;

interface Policy {
  name: string;
  quota: number;
  windowSeconds: number;
}

/**
 * The 429, with `Retry-After` and the RateLimit-Policy / RateLimit fields in the form of
 * draft-ietf-httpapi-ratelimit-headers-10/11 (`"name";q=…;w=…` and `"name";r=…;t=…`).
 */
function rateLimited(policy: Policy, seconds: number): AppError {
  return new AppError('rate-limited', {
    params: { seconds },
    headers: {
      'retry-after': String(seconds),
      'ratelimit-policy': `"${policy.name}";q=${policy.quota};w=${policy.windowSeconds}`,
      ratelimit: `"${policy.name}";r=0;t=${seconds}`,
    },
  });
}

/** Requests of one key in its current one-second window. */
interface Window {
  endsAt: number;
  count: number;
}

/** The library rejects with its result object when over the limit, and with an Error otherwise. */
async function spend(limiter: RateLimiterMemory, key: string, policy: Policy): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes)
      throw rateLimited(policy, Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
    throw error;
  }
}

/**
 * Per-instance, in-memory request budgets: one per API key each second, and one per client address
 * for failed authentications each minute. Nothing here touches the database.
 */
export class RateLimits {
  readonly #config: RateLimitConfig;
  /**
   * Per key: a window opens at its first request and lasts one second, as the library's would.
   * Counted here, synchronously, because every request pays it: the library allocates a promise
   * and two objects per call. Entries are bounded by the keys that exist.
   */
  readonly #perSecond = new Map<string, Window>();
  readonly #failedAuth: RateLimiterMemory;
  readonly #failedAuthPolicy: Policy;

  constructor(config: RateLimitConfig) {
    this.#config = config;
    this.#failedAuth = new RateLimiterMemory({
      points: config.RATE_LIMIT_FAILED_AUTH_PER_MINUTE,
      duration: 60,
    });
    this.#failedAuthPolicy = {
      name: 'failed-auth',
      quota: config.RATE_LIMIT_FAILED_AUTH_PER_MINUTE,
      windowSeconds: 60,
    };
  }

  quotaOf(principal: Principal): number {
    if (principal.rateLimitPerSecond != null) return principal.rateLimitPerSecond;
    return principal.role === 'sender'
      ? this.#config.RATE_LIMIT_SENDER_PER_SECOND
      : this.#config.RATE_LIMIT_PER_SECOND;
  }

  /** Counts one request of the key; throws `rate-limited` once its quota for this second is spent. */
  spendRequest(principal: Principal): void {
    const now = Date.now();
    let window = this.#perSecond.get(principal.keyId);
    if (!window || window.endsAt <= now) {
      window = { endsAt: now + 1000, count: 0 };
      this.#perSecond.set(principal.keyId, window);
    }
    window.count += 1;
    const quota = this.quotaOf(principal);
    if (window.count > quota) {
      throw rateLimited(
        { name: 'key', quota, windowSeconds: 1 },
        Math.max(1, Math.ceil((window.endsAt - now) / 1000)),
      );
    }
  }

  /**
   * Counts a failed authentication from the address; `rate-limited` once over the limit. Only
   * failures are counted and refused, so valid keys behind a shared address are never affected.
   */
  spendFailure(address: string): Promise<void> {
    return spend(this.#failedAuth, address, this.#failedAuthPolicy);
  }

  /** Whether the address has already used up its failures, without counting another. */
  async failuresExhausted(address: string): Promise<boolean> {
    const res = await this.#failedAuth.get(address);
    return res !== null && res.consumedPoints >= this.#config.RATE_LIMIT_FAILED_AUTH_PER_MINUTE;
  }

  /**
   * The client's address: the socket's peer, or with TRUST_PROXY the last X-Forwarded-For entry,
   * the one our own proxy appended (earlier entries are whatever the client claimed).
   */
  clientAddress(c: Context): string {
    if (this.#config.TRUST_PROXY) {
      const forwarded = requestHeader(c, 'x-forwarded-for')?.split(',').at(-1)?.trim();
      if (forwarded) return forwarded;
    }
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    // In-process requests (tests) have no socket; they share one address.
    return incoming ? (getConnInfo(c).remote.address ?? 'unknown') : 'in-process';
  }
}
