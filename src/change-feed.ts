import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ChannelListener, Database } from '../db/database.ts';
import { markets, templates } from '../db/schema/index.ts';
import type { Config } from './config.ts';
import type { ApiKeyStore } from './modules/api-keys/api-key-store.ts';
import type { Metrics } from './modules/metrics/metrics.ts';
import type { ServingIndex, VariantRef } from './modules/serving/serving-index.ts';

const CHANNEL = 'vetted_changes';

const changeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('variant'), templateKey: z.string(), market: z.string(), language: z.string() }),
  z.object({ kind: z.literal('template'), key: z.string() }),
  z.object({ kind: z.literal('market'), code: z.string() }),
  z.object({ kind: z.literal('api-key-revoked'), hash: z.string() }),
  z.object({ kind: z.literal('api-key-learned'), hash: z.string() }),
]);
type Change = z.infer<typeof changeSchema>;

/** `at`: when the change was announced (ms since epoch), for the invalidation lag. */
const messageSchema = z.object({ origin: z.string(), at: z.number().optional(), change: changeSchema });

/** `off`: an embedded database has one process, so there is nobody to listen to. */
export type ListenerState = 'ok' | 'lost' | 'off';

/**
 * Keeps every instance's in-memory state (served versions, templates, markets, API keys) in step:
 * a change is applied here at once and announced to the other instances through PostgreSQL
 * NOTIFY. NOTIFY is fast but not guaranteed (a notification sent while the listening connection is
 * down is lost), so each instance also reloads everything every CACHE_REFRESH_MS, and at once
 * when it has listened again after losing its connection (retried every LISTENER_RETRY_MS).
 */
export class ChangeFeed {
  readonly #origin = randomUUID();
  readonly #database: Database;
  readonly #serving: ServingIndex;
  readonly #apiKeys: ApiKeyStore;
  readonly #metrics: Metrics;
  readonly #log: Logger;
  readonly #refreshMs: number;
  readonly #retryMs: number;
  #listener: ChannelListener | undefined;
  #state: ListenerState = 'off';
  #refreshTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  #refreshing: Promise<boolean> | undefined;

  constructor(deps: {
    database: Database;
    serving: ServingIndex;
    apiKeys: ApiKeyStore;
    metrics: Metrics;
    log: Logger;
    config: Pick<Config, 'CACHE_REFRESH_MS' | 'LISTENER_RETRY_MS'>;
  }) {
    this.#database = deps.database;
    this.#serving = deps.serving;
    this.#apiKeys = deps.apiKeys;
    this.#metrics = deps.metrics;
    this.#log = deps.log;
    this.#refreshMs = deps.config.CACHE_REFRESH_MS;
    this.#retryMs = deps.config.LISTENER_RETRY_MS;
    // A key made here must not stay refused elsewhere as one remembered as unknown.
    deps.apiKeys.onLearned((hash) => {
      this.#announce({ kind: 'api-key-learned', hash }).catch((error: unknown) =>
        this.#log.error({ err: error }, 'could not announce a new API key'),
      );
    });
  }

  /** Whether this instance hears the other instances' changes (for /readyz). */
  get listenerState(): ListenerState {
    return this.#state;
  }

  async start(): Promise<void> {
    const database = this.#database;
    if (database.kind !== 'postgres') return;
    this.#listener = await database.listen(CHANNEL, {
      onNotify: (payload) => this.#received(payload),
      onLost: () => this.#lost(),
    });
    this.#setState('ok');
    this.#refreshTimer = setInterval(() => void this.refresh('periodic'), this.#refreshMs);
    this.#refreshTimer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#refreshTimer);
    clearTimeout(this.#retryTimer);
    await this.#refreshing;
    await this.#listener?.close();
  }

  /**
   * Reloads every in-memory index from the database; false when it failed. A periodic reload
   * joins one under way; a reload after listening again waits for it and reads afresh, since the
   * one under way may have read before the listener was back.
   */
  async refresh(trigger: 'periodic' | 'resubscribed'): Promise<boolean> {
    if (this.#refreshing) {
      if (trigger === 'periodic') return this.#refreshing;
      await this.#refreshing;
    }
    const reload = this.#reload(trigger);
    this.#refreshing = reload;
    try {
      return await reload;
    } finally {
      if (this.#refreshing === reload) this.#refreshing = undefined;
    }
  }

  async #reload(trigger: 'periodic' | 'resubscribed'): Promise<boolean> {
    try {
      const [drifted] = await Promise.all([this.#serving.load(), this.#apiKeys.load()]);
      this.#metrics.refreshed(trigger, 'ok', drifted);
      if (drifted)
        this.#log.warn(
          { drifted, trigger },
          'a reload corrected served variants: changes announced while this instance was not listening',
        );
      return true;
    } catch (error) {
      this.#metrics.refreshed(trigger, 'failed');
      this.#log.error({ err: error, trigger }, 'could not reload the in-memory indexes');
      return false;
    }
  }

  #setState(state: ListenerState): void {
    this.#state = state;
    this.#metrics.listener(state === 'ok');
  }

  #received(payload: string): void {
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      return;
    }
    const message = messageSchema.safeParse(json);
    if (!message.success || message.data.origin === this.#origin) return;
    const { at, change } = message.data;
    this.#apply(change)
      .then(() => {
        if (at !== undefined) this.#metrics.invalidationLag((Date.now() - at) / 1000);
      })
      .catch((error: unknown) =>
        this.#log.error({ err: error }, 'could not apply a change from another instance'),
      );
  }

  #lost(): void {
    if (this.#stopped || this.#state === 'lost') return;
    this.#setState('lost');
    this.#log.error('lost the connection listening for other instances’ changes; listening again');
    this.#scheduleResubscribe();
  }

  #scheduleResubscribe(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(async () => {
      if (this.#stopped || !this.#listener) return;
      try {
        await this.#listener.resubscribe();
      } catch (error) {
        this.#log.warn({ err: error }, 'could not listen again; retrying');
        this.#scheduleResubscribe();
        return;
      }
      // Ready again only once caught up with what was announced while nobody listened.
      if (!(await this.refresh('resubscribed'))) {
        this.#scheduleResubscribe();
        return;
      }
      this.#setState('ok');
      this.#log.info('listening again, and caught up with the changes made meanwhile');
    }, this.#retryMs);
    this.#retryTimer.unref();
  }

  variantChanged(ref: VariantRef): Promise<void> {
    return this.#publish({
      kind: 'variant',
      templateKey: ref.templateKey,
      market: ref.market,
      language: ref.language,
    });
  }

  templateChanged(row: typeof templates.$inferSelect): Promise<void> {
    this.#serving.setTemplate(row);
    return this.#announce({ kind: 'template', key: row.key });
  }

  marketChanged(row: typeof markets.$inferSelect): Promise<void> {
    this.#serving.setMarket(row);
    return this.#announce({ kind: 'market', code: row.code });
  }

  marketRemoved(code: string): Promise<void> {
    this.#serving.forgetMarket(code);
    return this.#announce({ kind: 'market', code });
  }

  apiKeyRevoked(hash: string): Promise<void> {
    return this.#publish({ kind: 'api-key-revoked', hash });
  }

  async #publish(change: Change): Promise<void> {
    await this.#apply(change);
    await this.#announce(change);
  }

  async #announce(change: Change): Promise<void> {
    if (this.#database.kind !== 'postgres') return;
    await this.#database.notify(CHANNEL, JSON.stringify({ origin: this.#origin, at: Date.now(), change }));
  }

  async #apply(change: Change): Promise<void> {
    const db = this.#database.db;
    switch (change.kind) {
      case 'variant':
        return this.#serving.refreshVariant(change);
      case 'template': {
        const [row] = await db.select().from(templates).where(eq(templates.key, change.key));
        if (row) this.#serving.setTemplate(row);
        return;
      }
      case 'market': {
        const [row] = await db.select().from(markets).where(eq(markets.code, change.code));
        // A market missing from the database was deleted there.
        if (row) this.#serving.setMarket(row);
        else this.#serving.forgetMarket(change.code);
        return;
      }
      case 'api-key-revoked':
        this.#apiKeys.forget(change.hash);
        return;
      case 'api-key-learned':
        this.#apiKeys.learnedElsewhere(change.hash);
        return;
    }
  }
}
