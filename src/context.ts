import type { i18n } from 'i18next';
import type { Logger } from 'pino';
import type { Database, DbOrTx } from '../db/database.ts';
import type { Config } from './config.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { ApiKeyStore } from './modules/api-keys/api-key-store.ts';
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
  apiKeys: ApiKeyStore;
  providers: ProviderRegistry;
}

/** What a service function works with: `db` may be an open transaction, so calls compose. */
export interface ServiceContext extends AppDeps {
  db: DbOrTx;
  /** Callbacks run once the outermost transaction has committed (in-memory indexes, wake-ups). */
  afterCommit: Array<() => void | Promise<void>>;
  inTransaction: boolean;
}

export function serviceContext(deps: AppDeps): ServiceContext {
  return { ...deps, db: deps.database.db, afterCommit: [], inTransaction: false };
}

/** Runs `fn` in a transaction, reusing the caller's when there is one; after-commit hooks run last. */
export async function withTransaction<T>(
  ctx: ServiceContext,
  fn: (tx: ServiceContext) => Promise<T>,
): Promise<T> {
  if (ctx.inTransaction) return fn(ctx);
  const hooks: ServiceContext['afterCommit'] = [];
  const result = await ctx.database.db.transaction((tx) =>
    fn({ ...ctx, db: tx, afterCommit: hooks, inTransaction: true }),
  );
  for (const hook of hooks) await hook();
  return result;
}

/** Runs `hook` once the current transaction commits, or now when there is none. */
export async function onCommit(ctx: ServiceContext, hook: () => void | Promise<void>): Promise<void> {
  if (ctx.inTransaction) ctx.afterCommit.push(hook);
  else await hook();
}
