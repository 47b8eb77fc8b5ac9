import type { i18n } from 'i18next';
import type { Logger } from 'pino';
import type { Database, DbOrTx } from '../db/database.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { Config } from './config.ts';
import { AppError } from './errors.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { ApiKeyStore } from './modules/api-keys/api-key-store.ts';
import type { Metrics } from './modules/metrics/metrics.ts';
import type { ServingIndex } from './modules/serving/serving-index.ts';
import type { ProviderRegistry } from './providers/registry.ts';

export type Clock = () => Date;

/** Everything the app is built from; `createApp` and the workers receive it, tests build their own. */
export interface AppDeps {
  config: Config;
  database: Database;
  log: Logger;
  clock: Clock;
  i18n: i18n;
  queue: JobQueue;
  serving: ServingIndex;
  changes: ChangeFeed;
  apiKeys: ApiKeyStore;
  providers: ProviderRegistry;
  metrics: Metrics;
}

/** What a service function works with: `db` may be an open transaction, so calls compose. */
export interface ServiceContext extends AppDeps {
  db: DbOrTx;
  /** Callbacks run once the outermost transaction has committed (in-memory indexes, wake-ups). */
  afterCommit: Array<() => void | Promise<void>>;
  inTransaction: boolean;
  /** The API key making the request, for the audit trail; absent for Vetted's own work (jobs, start-up). */
  actor?: Actor;
}

export interface Actor {
  keyId: string;
  name: string;
  requestId: string | undefined;
}

export function serviceContext(deps: AppDeps, actor?: Actor): ServiceContext {
  return {
    ...deps,
    db: deps.database.db,
    afterCommit: [],
    inTransaction: false,
    ...(actor ? { actor } : {}),
  };
}

const RETRYABLE_CODES = new Set(['40001', '40P01']);
const MAX_TRANSACTION_RETRIES = 3;

/** Serialization failures and deadlocks, possibly wrapped by drizzle in `cause`. */
function isRetryable(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return true;
  }
  return false;
}

/**
 * Runs `fn` in a transaction, reusing the caller's when there is one; after-commit hooks run last.
 * Serialization failures and deadlocks are retried a few times, then reported as 503.
 */
export async function withTransaction<T>(
  ctx: ServiceContext,
  fn: (tx: ServiceContext) => Promise<T>,
): Promise<T> {
  if (ctx.inTransaction) return fn(ctx);
  for (let attempt = 1; ; attempt++) {
    const hooks: ServiceContext['afterCommit'] = [];
    try {
      const result = await ctx.database.db.transaction((tx) =>
        fn({ ...ctx, db: tx, afterCommit: hooks, inTransaction: true }),
      );
      for (const hook of hooks) await hook();
      return result;
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (attempt > MAX_TRANSACTION_RETRIES)
        throw new AppError('unavailable', { message: 'transaction kept conflicting' });
    }
  }
}

/** Runs `hook` once the current transaction commits, or now when there is none. */
export async function onCommit(ctx: ServiceContext, hook: () => void | Promise<void>): Promise<void> {
  if (ctx.inTransaction) ctx.afterCommit.push(hook);
  else await hook();
}
