import type { ServiceContext } from '../../context.ts';
import type { TemplateCategory } from '../../domain/content.ts';
import { normalisePrice, priceDifference, priceTimes } from '../../domain/money.ts';
import type { ServedVersion } from '../../domain/served-version.ts';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import { inScope, type Principal } from '../../http/principal.ts';
import { type PriceRow, priceBook, priceKey } from '../pricing/pricing.service.ts';

export interface CostFilter {
  market?: string | undefined;
  language?: string | undefined;
  category?: TemplateCategory | undefined;
  recategorized?: boolean | undefined;
}

const priceRef = (row: PriceRow) => ({
  currency: row.currency,
  pricePerMessage: normalisePrice(row.pricePerMessage),
  validFrom: row.validFrom,
  source: row.source,
});

/** What a served variant costs per message, and what the provider's change of its category does to that. */
function costOf(served: ServedVersion, templateCategory: string, prices: Map<string, PriceRow>) {
  const price = prices.get(priceKey(served.market, served.category));
  const before = prices.get(priceKey(served.market, templateCategory));
  const comparable = price && before && price.currency === before.currency;
  const change = comparable ? priceDifference(before.pricePerMessage, price.pricePerMessage) : null;
  return {
    template: served.templateKey,
    market: served.market,
    language: served.language,
    version: served.version,
    provider: served.provider,
    templateCategory,
    category: served.category,
    price: price ? priceRef(price) : null,
    recategorized:
      served.category === templateCategory
        ? null
        : {
            from: templateCategory,
            to: served.category,
            priceBefore: before ? normalisePrice(before.pricePerMessage) : null,
            priceAfter: price ? normalisePrice(price.pricePerMessage) : null,
            currency: comparable ? price.currency : null,
            changePerMessage: change,
            changePer1000: change === null ? null : priceTimes(change, 1000),
          },
  };
}

export type CostItem = ReturnType<typeof costOf>;

const cursorOf = (served: ServedVersion) => `${served.templateKey}/${served.market}/${served.language}`;

/**
 * Every variant served now (the serving index, the one definition render uses) in the key's scope,
 * with its price per delivered message, by template, market and language.
 */
export async function servedCosts(
  ctx: ServiceContext,
  principal: Principal,
  filter: CostFilter,
  limit: number,
  cursor: string | undefined,
): Promise<Page<CostItem>> {
  const after = cursor ? decodeCursor(cursor) : undefined;
  const prices = await priceBook(ctx);
  const served = [...ctx.serving.markets.keys()]
    .filter((market) => inScope(principal, market) && (!filter.market || filter.market === market))
    .flatMap((market) => ctx.serving.servedInMarket(market))
    .filter((entry) => inScope(principal, entry.market, entry.language))
    .filter((entry) => !filter.language || entry.language === filter.language)
    .filter((entry) => !filter.category || entry.category === filter.category)
    .flatMap((entry) => {
      // An archived template is no longer served, whatever its versions' status.
      const template = ctx.serving.templates.get(entry.templateKey);
      return template && !template.archived ? [{ entry, templateCategory: template.category }] : [];
    })
    .filter(
      ({ entry, templateCategory }) =>
        filter.recategorized === undefined || (entry.category !== templateCategory) === filter.recategorized,
    )
    .sort((a, b) => (cursorOf(a.entry) < cursorOf(b.entry) ? -1 : 1))
    .filter(({ entry }) => after === undefined || cursorOf(entry) > after);
  const page = served.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ entry, templateCategory }) => costOf(entry, templateCategory, prices)),
    nextCursor: served.length > limit && last ? encodeCursor(cursorOf(last.entry)) : null,
  };
}
