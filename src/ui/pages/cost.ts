import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { type AppDeps, serviceContext } from '../../context.ts';
import { type CostItem, servedCosts } from '../../modules/analytics/cost.service.ts';
import { PriceTableInputSchema } from '../../modules/pricing/pricing.schemas.ts';
import { listPrices, type PriceRow, putPrices, toPriceView } from '../../modules/pricing/pricing.service.ts';
import { formFields, parseInput } from '../forms.ts';
import { csrfField, type Html } from '../layout.ts';
import { uiActor } from '../scope.ts';
import { may, requireRole } from '../session.ts';
import type { UiEnv } from '../ui-env.ts';
import { variantPath } from '../urls.ts';
import type { View } from '../view.ts';

/** Served variants a page shows; more are a page further. */
const PAGE_SIZE = 200;
const costQuery = z.object({ cursor: z.string().max(500).optional() });

function priceRow(c: Context<UiEnv>, row: PriceRow, editable: boolean): Html {
  const t = c.var.t;
  const price = toPriceView(row);
  const id = `price-${price.market}-${price.category}`;
  if (!editable)
    return html`<tr id="${id}"><td>${price.market}</td><td>${t(`console.category.${price.category}`)}</td><td>${price.pricePerMessage} ${price.currency}</td><td>${price.validFrom}</td><td class="source">${price.source}</td></tr>`;
  return html`<tr id="${id}"><td>${price.market}</td><td>${t(`console.category.${price.category}`)}</td>
    <td colspan="3"><form method="post" action="/ui/pricing" class="inline">${csrfField(c)}
      <input type="hidden" name="market" value="${price.market}" />
      <input type="hidden" name="category" value="${price.category}" />
      <label>${t('console.cost.price')} <input name="pricePerMessage" value="${price.pricePerMessage}" inputmode="decimal" size="8" required /></label>
      <label>${t('console.cost.currency')} <input name="currency" value="${price.currency}" size="3" maxlength="3" required /></label>
      <label>${t('console.cost.validFrom')} <input type="date" name="validFrom" value="${price.validFrom}" required /></label>
      <label>${t('console.cost.source')} <input name="source" value="${price.source}" size="40" required /></label>
      <button type="submit">${t('console.cost.save')}</button>
    </form></td></tr>`;
}

function recategorizedRow(c: Context<UiEnv>, item: CostItem): Html {
  const t = c.var.t;
  const moved = item.recategorized;
  if (!moved) return html``;
  const money = (value: string | null) => (value === null ? '—' : `${value} ${moved.currency ?? ''}`.trim());
  return html`<tr class="recategorized"><td><a href="${variantPath(item.template, item.market, item.language)}">${item.template} · ${item.market} · ${item.language}</a> v${item.version}</td>
    <td>${t(`console.category.${moved.from}`)} → ${t(`console.category.${moved.to}`)}</td>
    <td>${moved.priceBefore ?? '—'} → ${moved.priceAfter ?? '—'}</td>
    <td><strong>${money(moved.changePerMessage)}</strong></td>
    <td><strong>${money(moved.changePer1000)}</strong></td></tr>`;
}

export function costPages(deps: AppDeps, view: View) {
  const pages = new Hono<UiEnv>();
  pages.use('/ui/pricing', requireRole('admins'));

  pages.get('/ui/cost', async (c) => {
    const t = c.var.t;
    const ctx = serviceContext(deps);
    const principal = c.var.principal;
    const { cursor } = parseInput(costQuery, c.req.query());
    const [prices, served, moved] = await Promise.all([
      listPrices(ctx, principal),
      servedCosts(ctx, principal, {}, PAGE_SIZE, cursor),
      servedCosts(ctx, principal, { recategorized: true }, PAGE_SIZE, undefined),
    ]);
    const editable = may(principal, 'admins');
    const content = html`<p class="muted">${t('console.cost.intro')}</p>
      <section class="panel" id="recategorized">
        <h2>${t('console.cost.recategorized')}</h2>
        ${
          moved.items.length
            ? html`<table class="list"><thead><tr><th>${t('console.analytics.variant')}</th><th>${t('console.cost.move')}</th><th>${t('console.cost.priceChange')}</th><th>${t('console.cost.perMessage')}</th><th>${t('console.cost.per1000')}</th></tr></thead>
          <tbody>${moved.items.map((item) => recategorizedRow(c, item))}</tbody></table>`
            : html`<p class="muted">${t('console.cost.noneRecategorized')}</p>`
        }
      </section>
      <section class="panel" id="served-prices">
        <h2>${t('console.cost.served')}</h2>
        ${
          served.items.length
            ? html`<table class="list"><thead><tr><th>${t('console.analytics.variant')}</th><th>${t('console.analytics.category')}</th><th>${t('console.cost.price')}</th></tr></thead>
          <tbody>${served.items.map(
            (item) =>
              html`<tr${item.recategorized ? html` class="recategorized"` : ''}><td><a href="${variantPath(item.template, item.market, item.language)}">${item.template} · ${item.market} · ${item.language}</a> v${item.version}</td>
              <td>${t(`console.category.${item.category}`)}</td>
              <td>${item.price ? `${item.price.pricePerMessage} ${item.price.currency}` : t('console.cost.noPrice')}</td></tr>`,
          )}</tbody></table>
          ${served.nextCursor ? html`<p><a href="/ui/cost?cursor=${served.nextCursor}">${t('console.next')}</a></p>` : ''}`
            : html`<p class="muted">${t('console.cost.noneServed')}</p>`
        }
      </section>
      <section class="panel" id="prices">
        <h2>${t('console.cost.prices')}</h2>
        <p class="muted">${t('console.cost.pricesHint')}</p>
        <table class="list prices"><thead><tr><th>${t('console.market')}</th><th>${t('console.analytics.category')}</th><th>${t('console.cost.price')}</th><th>${t('console.cost.validFrom')}</th><th>${t('console.cost.source')}</th></tr></thead>
        <tbody>${prices.map((row) => priceRow(c, row, editable))}</tbody></table>
      </section>`;
    return view.page(c, { title: t('console.nav.cost'), section: 'cost' }, content);
  });

  pages.post('/ui/pricing', async (c) => {
    const form = await formFields(c);
    const { items } = parseInput(PriceTableInputSchema, {
      items: [
        {
          market: form.market,
          category: form.category,
          currency: form.currency?.trim().toUpperCase(),
          pricePerMessage: form.pricePerMessage?.trim(),
          validFrom: form.validFrom,
          source: form.source,
        },
      ],
    });
    await putPrices(serviceContext(deps, uiActor(c)), c.var.principal, items, undefined);
    return c.redirect(`/ui/cost#price-${form.market}-${form.category}`, 303);
  });

  return pages;
}
