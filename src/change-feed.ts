import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { markets, templates } from '../db/schema/index.ts';
import type { ApiKeyStore } from './modules/api-keys/api-key-store.ts';
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

const messageSchema = z.object({ origin: z.string(), change: changeSchema });

/**
 * Keeps every instance's in-memory state (served versions, templates, markets, API keys) in step:
 * a change is applied here at once and announced to the other instances through PostgreSQL
 * NOTIFY. An embedded database has one process, so there is nobody to tell.
 */
export class ChangeFeed {
  readonly #origin = randomUUID();
  readonly #database: Database;
  readonly #serving: ServingIndex;
  readonly #apiKeys: ApiKeyStore;
  readonly #log: Logger;
  #unlisten: (() => Promise<void>) | undefined;

  constructor(deps: { database: Database; serving: ServingIndex; apiKeys: ApiKeyStore; log: Logger }) {
    this.#database = deps.database;
    this.#serving = deps.serving;
    this.#apiKeys = deps.apiKeys;
    this.#log = deps.log;
    // A key made here must not stay refused elsewhere as one remembered as unknown.
    deps.apiKeys.onLearned((hash) => {
      this.#announce({ kind: 'api-key-learned', hash }).catch((error: unknown) =>
        this.#log.error({ err: error }, 'could not announce a new API key'),
      );
    });
  }

  async start(): Promise<void> {
    if (this.#database.kind !== 'postgres') return;
    this.#unlisten = await this.#database.listen(CHANNEL, (payload) => {
      const message = messageSchema.safeParse(JSON.parse(payload));
      if (!message.success || message.data.origin === this.#origin) return;
      this.#apply(message.data.change).catch((error: unknown) =>
        this.#log.error({ err: error }, 'could not apply a change from another instance'),
      );
    });
  }

  async stop(): Promise<void> {
    await this.#unlisten?.();
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
    await this.#database.notify(CHANNEL, JSON.stringify({ origin: this.#origin, change }));
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
