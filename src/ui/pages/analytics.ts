import { type Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import { z } from 'zod';
import { type AppDeps, serviceContext } from '../../context.ts';
import { TEMPLATE_CATEGORIES } from '../../domain/content.ts';
import type { RateRow } from '../../domain/rejection-rates.ts';
import { csvResponse } from '../../http/csv.ts';
import { inScope } from '../../http/principal.ts';
import { approvalTimesCsv, rejectionRatesCsv } from '../../modules/analytics/analytics.csv.ts';
import {
  ApprovalTimesQuery,
  PERIODS,
  PROVIDER_KINDS,
  RejectionRatesQuery,
} from '../../modules/analytics/analytics.schemas.ts';
import {
  approvalTimes,
  groupColumns,
  listRejections,
  type ReportQuery,
  rejectionReport,
} from '../../modules/analytics/analytics.service.ts';
import { listMarkets } from '../../modules/markets/markets.service.ts';
import { barChart, lineChart } from '../charts.ts';
import { parseInput } from '../forms.ts';
import type { Html } from '../layout.ts';
import type { UiEnv } from '../ui-env.ts';
import { variantPath } from '../urls.ts';
import type { View } from '../view.ts';

const blankAsMissing = (value: unknown) => (value === '' ? undefined : value);
const FILTERS = ['market', 'language', 'category', 'provider', 'from', 'to'] as const;

/** The page's filter form, read with the API's own field schemas (an empty select means "all"). */
const pageQuery = z.object({
  market: z.preprocess(blankAsMissing, RejectionRatesQuery.shape.market),
  language: z.preprocess(blankAsMissing, RejectionRatesQuery.shape.language),
  category: z.preprocess(blankAsMissing, RejectionRatesQuery.shape.category),
  provider: z.preprocess(blankAsMissing, RejectionRatesQuery.shape.provider),
  from: z.preprocess(blankAsMissing, RejectionRatesQuery.shape.from),
  to: z.preprocess(blankAsMissing, RejectionRatesQuery.shape.to),
  period: z.preprocess(blankAsMissing, z.enum(PERIODS).default('week')),
});

const percent = (value: number) => `${(value * 100).toFixed(1).replace(/\.0$/, '')}%`;
const hours = (value: number) => `${value} h`;

/** The filters as they were sent, for links to the CSV downloads of the same selection. */
function filterParams(c: Context<UiEnv>, extra: Record<string, string>): string {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = c.req.query(name);
    if (value) params.set(name, value);
  }
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return params.toString();
}

export function analyticsPages(deps: AppDeps, view: View) {
  const pages = new Hono<UiEnv>();

  pages.get('/ui/analytics', async (c) => {
    const t = c.var.t;
    const ctx = serviceContext(deps);
    const principal = c.var.principal;
    const filter = parseInput(pageQuery, c.req.query());
    const { period, ...selection } = filter;
    const report = (groupBy: ReportQuery['groupBy'], withPeriod = false) =>
      rejectionReport(ctx, principal, { ...selection, groupBy, ...(withPeriod ? { period } : {}) });
    const [byVariant, byReason, byCategory, overTime, times, latest, markets] = await Promise.all([
      report(['market', 'language']),
      report(['reason']),
      report(['category']),
      report(['market'], true),
      approvalTimes(ctx, principal, { ...selection, groupBy: ['provider', 'market'] }),
      listRejections(ctx, principal, selection, 20, undefined),
      listMarkets(ctx),
    ]);
    const visibleMarkets = markets.filter((market) => inScope(principal, market.code));
    const languages = [
      ...new Set(
        visibleMarkets.flatMap((market) =>
          market.languages.filter((language) => inScope(principal, market.code, language)),
        ),
      ),
    ].sort();
    const reasonLabel = (reason: string | null | undefined) => reason ?? t('console.analytics.noReason');
    const outlierNote = (row: RateRow) =>
      row.outlier ? html` <strong class="outlier">${t('console.analytics.outlier')}</strong>` : '';
    const periods = [...new Set(overTime.items.map((row) => row.values.period ?? ''))].sort();
    const series = [...new Set(overTime.items.map((row) => row.values.market ?? ''))]
      .sort()
      .map((market) => ({
        name: market,
        values: new Map(
          overTime.items
            .filter((row) => row.values.market === market)
            .map((row) => [row.values.period ?? '', row.rate] as const),
        ),
      }));
    const csvLink = (path: string, extra: Record<string, string>) =>
      html`<a class="download" href="${path}?${filterParams(c, extra)}" download>${t('console.analytics.csv')}</a>`;
    const select = (
      name: string,
      options: readonly string[],
      current: string | undefined,
      label: (option: string) => string = (option) => option,
    ) =>
      html`<select name="${name}"><option value="">${t('console.all')}</option>${options.map(
        (option) =>
          html`<option value="${option}"${option === current ? html` selected` : ''}>${label(option)}</option>`,
      )}</select>`;
    const categoryName = (category: string | null | undefined) =>
      category ? t(`console.category.${category}`) : '';

    const content = html`<p class="muted">${t('console.analytics.intro')}</p>
      <form method="get" action="/ui/analytics" class="inline filters">
        <label>${t('console.market')} ${select(
          'market',
          visibleMarkets.map((market) => market.code),
          filter.market,
        )}</label>
        <label>${t('console.language')} ${select('language', languages, filter.language)}</label>
        <label>${t('console.analytics.category')} ${select('category', TEMPLATE_CATEGORIES, filter.category, categoryName)}</label>
        <label>${t('console.analytics.provider')} ${select('provider', PROVIDER_KINDS, filter.provider)}</label>
        <label>${t('console.analytics.from')} <input type="date" name="from" value="${c.req.query('from') ?? ''}" /></label>
        <label>${t('console.analytics.to')} <input type="date" name="to" value="${c.req.query('to') ?? ''}" /></label>
        <label>${t('console.analytics.period')} <select name="period">${PERIODS.map(
          (option) =>
            html`<option value="${option}"${option === period ? html` selected` : ''}>${t(`console.analytics.periods.${option}`)}</option>`,
        )}</select></label>
        <button type="submit">${t('console.filter')}</button>
      </form>

      <section class="panel" id="rates-by-variant">
        <h2>${t('console.analytics.byVariant')}</h2>
        <p>${
          byVariant.totals.rate === null
            ? t('console.analytics.noDecisions')
            : t('console.analytics.totals', {
                rejected: byVariant.totals.rejected,
                decided: byVariant.totals.decided,
                rate: percent(byVariant.totals.rate),
              })
        }</p>
        ${raw(
          barChart({
            title: t('console.analytics.byVariant'),
            bars: byVariant.items.map((row) => ({
              label: `${row.values.market} · ${row.values.language}`,
              value: row.rate,
              highlight: row.outlier,
            })),
            max: 1,
            format: percent,
          }),
        )}
        ${rateTable(c, byVariant.items, (row) => html`<td>${row.values.market}</td><td>${row.values.language}</td>`, [t('console.market'), t('console.language')], outlierNote)}
        ${csvLink('/ui/analytics/rejections.csv', { groupBy: 'market,language' })}
      </section>

      <section class="panel" id="rates-by-reason">
        <h2>${t('console.analytics.byReason')}</h2>
        ${raw(
          barChart({
            title: t('console.analytics.byReason'),
            bars: byReason.items
              .filter((row) => row.rejected > 0)
              .map((row) => ({ label: reasonLabel(row.values.reason), value: row.rate })),
            max: 1,
            format: percent,
          }),
        )}
        ${rateTable(
          c,
          byReason.items.filter((row) => row.rejected > 0),
          (row) => html`<td><code>${reasonLabel(row.values.reason)}</code></td>`,
          [t('console.analytics.reason')],
        )}
        ${csvLink('/ui/analytics/rejections.csv', { groupBy: 'reason' })}
      </section>

      <section class="panel" id="rates-by-category">
        <h2>${t('console.analytics.byCategory')}</h2>
        ${raw(
          barChart({
            title: t('console.analytics.byCategory'),
            bars: byCategory.items.map((row) => ({
              label: categoryName(row.values.category),
              value: row.rate,
              highlight: row.outlier,
            })),
            max: 1,
            format: percent,
          }),
        )}
        ${csvLink('/ui/analytics/rejections.csv', { groupBy: 'category' })}
      </section>

      <section class="panel" id="rates-over-time">
        <h2>${t('console.analytics.overTime', { period: t(`console.analytics.periods.${period}`) })}</h2>
        ${raw(lineChart({ title: t('console.analytics.overTime', { period: t(`console.analytics.periods.${period}`) }), xLabels: periods, series, max: 1, format: percent }))}
        ${csvLink('/ui/analytics/rejections.csv', { groupBy: 'market', period })}
      </section>

      <section class="panel" id="approval-times">
        <h2>${t('console.analytics.times')}</h2>
        <p class="muted">${t('console.analytics.timesHint')}</p>
        ${raw(
          barChart({
            title: t('console.analytics.times'),
            bars: times.items.map((row) => ({
              label: `${row.values.provider} · ${row.values.market}`,
              value: row.medianHours ?? 0,
              marker: row.p90Hours,
            })),
            format: hours,
          }),
        )}
        ${
          times.items.length
            ? html`<table class="list"><thead><tr><th>${t('console.analytics.provider')}</th><th>${t('console.market')}</th><th>${t('console.analytics.decided')}</th><th>${t('console.analytics.median')}</th><th>${t('console.analytics.p90')}</th></tr></thead>
          <tbody>${times.items.map(
            (row) =>
              html`<tr><td>${row.values.provider}</td><td>${row.values.market}</td><td>${row.decided}</td><td>${row.medianHours}</td><td>${row.p90Hours}</td></tr>`,
          )}</tbody></table>`
            : ''
        }
        ${csvLink('/ui/analytics/approval-times.csv', { groupBy: 'provider,market' })}
      </section>

      <section class="panel" id="latest-rejections">
        <h2>${t('console.analytics.latest')}</h2>
        ${
          latest.items.length
            ? html`<table class="list"><thead><tr><th>${t('console.analytics.when')}</th><th>${t('console.analytics.variant')}</th><th>${t('console.analytics.reason')}</th><th>${t('console.analytics.category')}</th></tr></thead>
          <tbody>${latest.items.map(
            ({ event, category }) =>
              html`<tr><td>${event.occurredAt.toISOString().slice(0, 16).replace('T', ' ')}</td>
                <td><a href="${variantPath(event.templateKey, event.market, event.language)}">${event.templateKey} · ${event.market} · ${event.language}</a> v${event.version}</td>
                <td><code>${reasonLabel(event.reason)}</code>${event.reasonText ? html` <span class="reason-text">${event.reasonText}</span>` : ''}</td>
                <td>${categoryName(category)}</td></tr>`,
          )}</tbody></table>`
            : html`<p class="muted">${t('console.analytics.noRejections')}</p>`
        }
      </section>`;
    return view.page(c, { title: t('console.nav.analytics'), section: 'analytics' }, content);
  });

  // The downloads take the API's own query and give the API's own CSV, for the session's key.
  pages.get('/ui/analytics/rejections.csv', async (c) => {
    const query = parseInput(RejectionRatesQuery, c.req.query());
    const report = await rejectionReport(serviceContext(deps), c.var.principal, query);
    const table = rejectionRatesCsv(report, groupColumns(query));
    return csvResponse(c, 'rejection-rates.csv', table.header, table.rows);
  });

  pages.get('/ui/analytics/approval-times.csv', async (c) => {
    const query = parseInput(ApprovalTimesQuery, c.req.query());
    const report = await approvalTimes(serviceContext(deps), c.var.principal, query);
    const table = approvalTimesCsv(report.items, groupColumns(query));
    return csvResponse(c, 'approval-times.csv', table.header, table.rows);
  });

  return pages;
}

/** Decided, rejected and rate per row, after the row's own leading cells. */
function rateTable(
  c: Context<UiEnv>,
  rows: RateRow[],
  leading: (row: RateRow) => Html,
  headings: string[],
  note: (row: RateRow) => Html | string = () => '',
): Html | string {
  const t = c.var.t;
  if (!rows.length) return '';
  return html`<table class="list rates"><thead><tr>${headings.map((heading) => html`<th>${heading}</th>`)}<th>${t('console.analytics.decided')}</th><th>${t('console.analytics.rejected')}</th><th>${t('console.analytics.rate')}</th></tr></thead>
    <tbody>${rows.map(
      (row) =>
        html`<tr${row.outlier ? html` class="outlier"` : ''}>${leading(row)}<td>${row.decided}</td><td>${row.rejected}</td><td>${percent(row.rate)}${note(row)}</td></tr>`,
    )}</tbody></table>`;
}
