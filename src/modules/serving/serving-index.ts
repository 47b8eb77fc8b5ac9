import { and, asc, desc, eq, ne, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../../db/database.ts';
import { events, markets, templates, versions } from '../../../db/schema/index.ts';
import type { VersionContent } from '../../domain/content.ts';
import type { VersionStatus } from '../../domain/lifecycle.ts';
import { compileContent } from '../../domain/render.ts';
import type { ServedVersion } from '../../domain/served-version.ts';
import { createValueFormatter, type ValueFormatter } from '../../domain/variable-values.ts';

type MarketRow = typeof markets.$inferSelect;
type TemplateRow = typeof templates.$inferSelect;
type VersionRow = typeof versions.$inferSelect;

export interface VariantRef {
  templateKey: string;
  market: string;
  language: string;
}

/** A version as the provider last left it: its status, since when, and the reason given, if any. */
export interface VersionOutcome {
  version: number;
  status: VersionStatus;
  at: Date;
  reason: string | null;
}

/** The newest version of a variant, and the last one stopped (paused, disabled, rejected…) after being served. */
export interface VariantState extends VersionOutcome {
  stopped: VersionOutcome | null;
}

const variantColumns = {
  templateKey: versions.templateKey,
  market: versions.market,
  language: versions.language,
  version: versions.version,
  status: versions.status,
  at: versions.statusAt,
  // Providers say NONE when they give no reason (Meta's rejected_reason).
  reason: sql<string | null>`coalesce(nullif(${events.reason}, 'NONE'), ${events.reasonText})`,
};
const variantOrder = [asc(versions.templateKey), asc(versions.market), asc(versions.language)] as const;
/** The event that set a version's current status, for the reason it gave. */
const settingEvent = and(
  eq(events.versionId, versions.id),
  eq(events.toStatus, versions.status),
  eq(events.effect, 'applied'),
);

/** Newest and last-stopped version of every variant `where` selects, in two queries, so a problem can say why nothing is served. */
async function readStates(db: Db, where?: SQL): Promise<Map<string, VariantState>> {
  const [newestRows, stoppedRows] = await Promise.all([
    db
      .selectDistinctOn([versions.templateKey, versions.market, versions.language], variantColumns)
      .from(versions)
      .leftJoin(events, settingEvent)
      .where(where)
      .orderBy(...variantOrder, desc(versions.version), desc(events.id)),
    db
      .selectDistinctOn([versions.templateKey, versions.market, versions.language], variantColumns)
      .from(versions)
      .leftJoin(events, settingEvent)
      .where(
        and(
          where,
          ne(versions.status, 'approved'),
          sql`exists (select 1 from ${events} served where served.version_id = ${versions.id} and served.to_status = 'approved' and served.effect = 'applied')`,
        ),
      )
      // The one stopped last is what ended serving, whatever its number.
      .orderBy(...variantOrder, desc(versions.statusAt), desc(versions.version), desc(events.id)),
  ]);
  const outcome = (row: (typeof newestRows)[number]): VersionOutcome => ({
    version: row.version,
    status: row.status,
    at: row.at,
    reason: row.reason,
  });
  const stopped = new Map(
    stoppedRows.map((row) => [variantKey(row.templateKey, row.market, row.language), outcome(row)]),
  );
  return new Map(
    newestRows.map((row) => {
      const key = variantKey(row.templateKey, row.market, row.language);
      return [key, { ...outcome(row), stopped: stopped.get(key) ?? null }];
    }),
  );
}

/** Templates, markets, served versions and variant states: what `load` rebuilds from. */
function readAll(db: Db) {
  return Promise.all([
    db.select().from(templates),
    db.select().from(markets),
    db
      .selectDistinctOn([versions.templateKey, versions.market, versions.language])
      .from(versions)
      .where(eq(versions.status, 'approved'))
      .orderBy(
        asc(versions.templateKey),
        asc(versions.market),
        asc(versions.language),
        desc(versions.version),
      ),
    readStates(db),
  ]);
}

const variantKey = (templateKey: string, market: string, language: string) =>
  `${templateKey}\u0000${market}\u0000${language}`;

/**
 * What senders can be served, in memory: the render path reads only this, never the database.
 * It is updated by the code that changes what is served (status changes, template and market
 * edits), after the change commits; `load` rebuilds it from the database at start.
 */
export class ServingIndex {
  readonly templates = new Map<string, TemplateRow>();
  readonly markets = new Map<string, MarketRow>();
  readonly #served = new Map<string, ServedVersion>();
  readonly #newest = new Map<string, VariantState>();
  /** Formatters depend on the template's variables and the market's zone and currency: rebuilt when either changes. */
  readonly #formatters = new Map<
    string,
    { template: TemplateRow; market: MarketRow; format: ValueFormatter }
  >();
  /** Bundles by market and key scope; dropped whenever something served in the market changes. */
  readonly #bundles = new Map<string, { etag: string; body: string }>();
  readonly #refreshing = new Map<string, Promise<void>>();
  /** Set while `load` reads: the changes to apply again once its snapshot is in place. */
  #changesDuringLoad: Array<() => void | Promise<void>> | undefined;
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * (Re)builds everything from the database: at start, and as the periodic safety net under
   * NOTIFY. Changes applied while the reads run are applied again afterwards, so a reload never
   * puts back an older state over a newer one. Compiled versions still served are reused.
   * Answers how many variants now serve another version than before (drift a lost notice left).
   */
  async load(): Promise<number> {
    const replays: Array<() => void | Promise<void>> = [];
    this.#changesDuringLoad = replays;
    let rows: Awaited<ReturnType<typeof readAll>>;
    try {
      rows = await readAll(this.#db);
    } finally {
      this.#changesDuringLoad = undefined;
    }
    const [templateRows, marketRows, servedRows, newestRows] = rows;
    const before = new Map(this.#served);
    this.templates.clear();
    this.markets.clear();
    this.#served.clear();
    this.#newest.clear();
    this.#bundles.clear();
    for (const row of templateRows) this.templates.set(row.key, row);
    for (const row of marketRows) this.markets.set(row.code, row);
    for (const row of servedRows)
      this.#setServed(row, before.get(variantKey(row.templateKey, row.market, row.language)));
    for (const [key, state] of newestRows) this.#newest.set(key, state);
    const servedIds = new Set([...this.#served.values()].map((served) => served.versionId));
    for (const versionId of this.#formatters.keys())
      if (!servedIds.has(versionId)) this.#formatters.delete(versionId);
    await Promise.all(replays.map((replay) => replay()));
    let drifted = 0;
    for (const key of new Set([...before.keys(), ...this.#served.keys()]))
      if (before.get(key)?.versionId !== this.#served.get(key)?.versionId) drifted += 1;
    return drifted;
  }

  setTemplate(row: TemplateRow): void {
    this.#changesDuringLoad?.push(() => this.setTemplate(row));
    this.templates.set(row.key, row);
    this.#bundles.clear();
  }

  setMarket(row: MarketRow): void {
    this.#changesDuringLoad?.push(() => this.setMarket(row));
    this.markets.set(row.code, row);
    this.#bundles.clear();
  }

  /** A deleted market had no versions, so only the market itself and cached bundles refer to it. */
  forgetMarket(code: string): void {
    this.#changesDuringLoad?.push(() => this.forgetMarket(code));
    this.markets.delete(code);
    this.#bundles.clear();
  }

  /** The value formatter of a served version, for its language and its market's zone and currency. */
  formatterFor(served: ServedVersion, template: TemplateRow, market: MarketRow): ValueFormatter {
    const cached = this.#formatters.get(served.versionId);
    if (cached && cached.template === template && cached.market === market) return cached.format;
    const format = createValueFormatter(template.variables, {
      language: served.language,
      timezone: market.timezone,
      currency: market.currency,
    });
    this.#formatters.set(served.versionId, { template, market, format });
    return format;
  }

  cachedBundle(cacheKey: string): { etag: string; body: string } | undefined {
    return this.#bundles.get(cacheKey);
  }

  cacheBundle(cacheKey: string, bundle: { etag: string; body: string }): void {
    this.#bundles.set(cacheKey, bundle);
  }

  /**
   * Re-reads one variant after a change to any of its versions committed. Refreshes of one
   * variant run one after another, so an older read can never land after a newer one.
   */
  refreshVariant(ref: VariantRef): Promise<void> {
    this.#changesDuringLoad?.push(() => this.refreshVariant(ref));
    const key = variantKey(ref.templateKey, ref.market, ref.language);
    const previous = this.#refreshing.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#readVariant(ref));
    const settled = next.catch(() => {});
    this.#refreshing.set(key, settled);
    void settled.then(() => {
      if (this.#refreshing.get(key) === settled) this.#refreshing.delete(key);
    });
    return next;
  }

  async #readVariant(ref: VariantRef): Promise<void> {
    const variant = and(
      eq(versions.templateKey, ref.templateKey),
      eq(versions.market, ref.market),
      eq(versions.language, ref.language),
    );
    const key = variantKey(ref.templateKey, ref.market, ref.language);
    const [[served], states] = await Promise.all([
      this.#db
        .select()
        .from(versions)
        .where(and(variant, eq(versions.status, 'approved')))
        .orderBy(desc(versions.version))
        .limit(1),
      readStates(this.#db, variant),
    ]);
    const newest = states.get(key);
    const previous = this.#served.get(key);
    if (served) this.#setServed(served);
    else this.#served.delete(key);
    if (previous && previous.versionId !== served?.id) this.#formatters.delete(previous.versionId);
    this.#bundles.clear();
    if (newest) this.#newest.set(key, newest);
    else this.#newest.delete(key);
  }

  served(templateKey: string, market: string, language: string): ServedVersion | undefined {
    return this.#served.get(variantKey(templateKey, market, language));
  }

  state(templateKey: string, market: string, language: string): VariantState | undefined {
    return this.#newest.get(variantKey(templateKey, market, language));
  }

  /** Entries per cache, for /metrics. */
  cacheSizes(): Record<string, number> {
    return {
      served: this.#served.size,
      templates: this.templates.size,
      markets: this.markets.size,
      bundles: this.#bundles.size,
    };
  }

  /** Every served version of a market, for bundles. */
  servedInMarket(market: string): ServedVersion[] {
    return [...this.#served.values()].filter((entry) => entry.market === market);
  }

  /** The category in force at the provider: the one it assigned, else the template's. */
  #categoryOf(row: VersionRow): string {
    return (row.providerCategory ?? this.templates.get(row.templateKey)?.category ?? 'utility').toLowerCase();
  }

  #setServed(
    row: VersionRow,
    previous = this.#served.get(variantKey(row.templateKey, row.market, row.language)),
  ): void {
    const key = variantKey(row.templateKey, row.market, row.language);
    // Versions are immutable once submitted, so a compiled version is reused as long as it is served;
    // only what the provider says of it (its category) can change.
    if (previous?.versionId === row.id) {
      previous.category = this.#categoryOf(row);
      this.#served.set(key, previous);
      return;
    }
    // Without the provider's name there is nothing a sender could send: serve nothing rather than an older one.
    if (!row.provider || !row.providerTemplateName || !row.providerLanguageCode) {
      this.#served.delete(key);
      return;
    }
    const content: VersionContent = {
      header: row.header,
      body: row.body,
      footer: row.footer,
      buttons: row.buttons,
    };
    const compiled = compileContent(content);
    const { header, body, footer, buttons } = compiled.variables;
    this.#served.set(key, {
      versionId: row.id,
      templateKey: row.templateKey,
      market: row.market,
      language: row.language,
      version: row.version,
      provider: row.provider,
      providerAccount: row.providerAccount ?? '',
      providerTemplateId: row.providerTemplateId,
      providerTemplateName: row.providerTemplateName,
      providerLanguageCode: row.providerLanguageCode,
      parameterFormat: row.parameterFormat ?? 'named',
      category: this.#categoryOf(row),
      content,
      compiled,
      requiredVariables: [...new Set([...header, ...body, ...footer, ...buttons.flat()])],
    });
  }
}
