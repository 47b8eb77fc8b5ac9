import pino, { type Logger } from 'pino';
import { type Database, openPglite, openPostgres } from '../db/database.ts';
import { ChangeFeed } from './change-feed.ts';
import type { Config } from './config.ts';
import { type AppDeps, type Clock, serviceContext } from './context.ts';
import { RateLimits } from './http/rate-limit.ts';
import { createI18n } from './i18n.ts';
import { notificationRetryPolicy } from './jobs/notification-worker.ts';
import { createJobQueue, QUEUES } from './jobs/queue.ts';
import { startWorkers } from './jobs/workers.ts';
import { ApiKeyStore } from './modules/api-keys/api-key-store.ts';
import { ensureBootstrapAdmin } from './modules/api-keys/api-keys.service.ts';
import { misconfiguredMarkets, seedMarkets } from './modules/markets/markets.service.ts';
import { Metrics } from './modules/metrics/metrics.ts';
import { ServingIndex } from './modules/serving/serving-index.ts';
import { createGupshupProvider } from './providers/gupshup/gupshup-provider.ts';
import { createMetaProvider } from './providers/meta/meta-provider.ts';
import { gupshupAppToken, gupshupSender, metaAccessToken } from './providers/provider-config.ts';
import { ProviderRegistry } from './providers/registry.ts';
import { createSandboxProvider } from './providers/sandbox/sandbox-provider.ts';

export interface Vetted {
  deps: AppDeps;
  /** Set only when this start created the first admin key: print it once. */
  bootstrapKey: string | undefined;
  /**
   * Makes the bootstrap admin key (see `bootstrapAdmin` in StartOptions); the new key when one was
   * created, for the caller to print once.
   */
  bootstrapAdmin(): Promise<string | undefined>;
  stop(): Promise<void>;
}

export interface StartOptions {
  database?: Database;
  log?: Logger;
  clock?: Clock;
  /** Whether this process runs the job workers and reconciliation; WORKERS by default. Tests that drive jobs by hand leave them off. */
  workers?: boolean;
  /**
   * false: leave a generated bootstrap admin key to `bootstrapAdmin()`. The server makes it only
   * once it listens, so a start that cannot listen never creates a key nobody is shown. A configured
   * ADMIN_API_KEY is known to its operator: it is made ready before the server listens.
   */
  bootstrapAdmin?: boolean;
}

/** Opens the database, migrates, seeds, loads the in-memory indexes and starts the workers. */
export async function startVetted(config: Config, options: StartOptions = {}): Promise<Vetted> {
  const log = options.log ?? pino({ level: config.LOG_LEVEL });
  const database =
    options.database ??
    (config.DATABASE_URL
      ? openPostgres(config.DATABASE_URL)
      : await openPglite({ dataDir: config.DATA_DIR }));
  await database.migrate();

  const queue = createJobQueue(database, {
    pollIntervalMs: config.JOB_POLL_INTERVAL_MS,
    log,
    retries: { [QUEUES.deliverNotification]: notificationRetryPolicy(config) },
  });
  const providers = new ProviderRegistry();
  providers.register(
    createSandboxProvider({ db: database.db, queue, reviewDelayMs: config.SANDBOX_REVIEW_DELAY_MS }),
  );
  providers.register(
    createMetaProvider({
      graphUrl: config.META_GRAPH_URL,
      apiVersion: config.META_API_VERSION,
      accessToken: (waba) => metaAccessToken(config, waba),
      parameterFormat: config.META_PARAMETER_FORMAT,
      timeoutMs: config.PROVIDER_TIMEOUT_MS,
    }),
  );
  providers.register(
    createGupshupProvider({
      apiUrl: config.GUPSHUP_API_URL,
      appToken: (appId) => gupshupAppToken(config, appId),
      sender: (appId) => gupshupSender(config, appId),
      timeoutMs: config.PROVIDER_TIMEOUT_MS,
    }),
  );

  const serving = new ServingIndex(database.db);
  const apiKeys = new ApiKeyStore(database.db, new RateLimits(config));
  const metrics = new Metrics({
    queue,
    caches: { sizes: () => ({ ...serving.cacheSizes(), api_keys: apiKeys.size }) },
  });
  const deps: AppDeps = {
    config,
    database,
    log,
    clock: options.clock ?? (() => new Date()),
    i18n: await createI18n(),
    queue,
    serving,
    apiKeys,
    changes: new ChangeFeed({ database, serving, apiKeys, metrics, log, config }),
    providers,
    metrics,
  };
  const ctx = serviceContext(deps);
  await seedMarkets(ctx);
  // Listen before loading, so nothing that changes in between is missed.
  await deps.changes.start();
  await Promise.all([serving.load(), apiKeys.load()]);
  const bootstrapAdmin = async () => (await ensureBootstrapAdmin(ctx, config.ADMIN_API_KEY))?.key;
  const bootstrapKey =
    options.bootstrapAdmin === false && !config.ADMIN_API_KEY ? undefined : await bootstrapAdmin();
  await queue.start();
  const workers = (options.workers ?? config.WORKERS) ? await startWorkers(deps) : undefined;
  for (const entry of await misconfiguredMarkets(ctx)) {
    log.error(
      entry,
      `market ${entry.market} is bound to ${entry.provider} account ${entry.account}, which is not configured: set ${entry.missing.join(', ')}; its submissions fail until then`,
    );
  }

  return {
    deps,
    bootstrapKey,
    bootstrapAdmin,
    async stop() {
      workers?.stop();
      await queue.stop(config.SHUTDOWN_TIMEOUT_MS);
      await deps.changes.stop();
      if (!options.database) await database.close();
    },
  };
}
