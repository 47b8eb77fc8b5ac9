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
function rateLimited(policy: Policy, res: RateLimiterRes): AppError {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new AppError('rate-limited', {
    params: { seconds },
    headers: {
      'retry-after': String(seconds),
      'ratelimit-policy': `"${policy.name}";q=${policy.quota};w=${policy.windowSeconds}`,
      ratelimit: `"${policy.name}";r=0;t=${seconds}`,
    },
  });
}

/** The library rejects with its result object when over the limit, and with an Error otherwise. */
async function spend(limiter: RateLimiterMemory, key: string, policy: Policy): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw rateLimited(policy, error);
    throw error;
  }
}

/**
 * Per-instance, in-memory request budgets: one per API key each second, and one per client address
 * for failed authentications each minute. Nothing here touches the database.
 */
export class RateLimits {
  readonly #config: RateLimitConfig;
  /** One limiter per distinct per-second quota; keys with the same quota share it, each with its own counter. */
  readonly #perSecond = new Map<number, RateLimiterMemory>();
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

  /** Counts one request of the key; `rate-limited` once its quota for this second is spent. */
  spendRequest(principal: Principal): Promise<void> {
    const quota = this.quotaOf(principal);
    let limiter = this.#perSecond.get(quota);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points: quota, duration: 1 });
      this.#perSecond.set(quota, limiter);
    }
    return spend(limiter, principal.keyId, { name: 'key', quota, windowSeconds: 1 });
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
