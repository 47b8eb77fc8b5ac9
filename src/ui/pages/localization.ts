import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { type AppDeps, serviceContext } from '../../context.ts';
import { VERSION_STATUSES } from '../../domain/lifecycle.ts';
import { AppError } from '../../errors.ts';
import { assertInScope, inScope } from '../../http/principal.ts';
import { ImportBodySchema } from '../../modules/localization/localization.schemas.ts';
import {
  exportResource,
  type ImportReport,
  importResource,
  refusalReason,
} from '../../modules/localization/localization.service.ts';
import { LanguageTag, MarketCode } from '../../modules/markets/markets.schemas.ts';
import { listMarkets } from '../../modules/markets/markets.service.ts';
import { localizationStatus, marketReadiness } from '../../modules/readiness/readiness.service.ts';
import { chip, chipStatus } from '../chips.ts';
import { parseInput } from '../forms.ts';
import { csrfField, type Html } from '../layout.ts';
import { uiActor } from '../scope.ts';
import { may, requireRole } from '../session.ts';
import type { UiEnv } from '../ui-env.ts';
import { variantPath } from '../urls.ts';
import type { View } from '../view.ts';

const CELL_STATUSES = [...VERSION_STATUSES, 'missing'] as const;
const blankAsMissing = (value: unknown) => (value === '' ? undefined : value);
const filterQuery = z.object({
  market: z.preprocess(blankAsMissing, MarketCode.optional()),
  language: z.preprocess(blankAsMissing, LanguageTag.optional()),
  status: z.preprocess(blankAsMissing, z.enum(CELL_STATUSES).optional()),
});
const localeForm = z.object({ market: MarketCode, language: LanguageTag });
/** An uploaded resource is read whole; the API's body limit is 3 MB, so is this. */
const MAX_UPLOAD_BYTES = 3 * 1024 * 1024;

function localeOf(c: Context<UiEnv>, input: unknown) {
  const ref = parseInput(localeForm, input);
  assertInScope(
    c.var.principal,
    ref.market,
    ref.language,
    new AppError('unknown-market', { params: { market: ref.market } }),
  );
  return ref;
}

function importReport(c: Context<UiEnv>, report: ImportReport): Html {
  const t = c.var.t;
  return html`<section class="panel" id="import-report"><h2>${t('console.localization.report')}</h2>
    <p>${t('console.localization.reportCounts', { created: report.created.length, unchanged: report.unchanged.length, refused: report.refused.length })}</p>
    ${report.created.length ? html`<h3>${t('console.localization.created')}</h3><ul>${report.created.map((entry) => html`<li><code>${entry.key}</code> v${entry.version}</li>`)}</ul>` : ''}
    ${
      report.refused.length
        ? html`<h3>${t('console.localization.refused')}</h3><ul class="refused">${report.refused.map(
            (entry) =>
              html`<li><code>${entry.key}</code> — ${refusalReason(t, entry)}${
                entry.findings?.length
                  ? html`<ul>${entry.findings.map((finding) => html`<li>${t(finding.messageKey, { ...finding.params, defaultValue: finding.message })}</li>`)}</ul>`
                  : ''
              }</li>`,
          )}</ul>`
        : ''
    }
  </section>`;
}

export function localizationPages(deps: AppDeps, view: View) {
  const pages = new Hono<UiEnv>();

  async function overview(c: Context<UiEnv>, report?: ImportReport) {
    const t = c.var.t;
    const ctx = serviceContext(deps);
    const filter = parseInput(filterQuery, c.req.query());
    const principal = c.var.principal;
    const markets = (await listMarkets(ctx)).filter((market) => inScope(principal, market.code));
    const [matrix, readiness] = await Promise.all([
      localizationStatus(ctx, principal, filter),
      Promise.all(
        markets
          .filter((market) => !filter.market || market.code === filter.market)
          .map((market) => marketReadiness(ctx, principal, market.code)),
      ),
    ]);
    const columns = [...new Set(matrix.items.map((item) => `${item.market}|${item.language}`))].sort();
    const keys = [...new Set(matrix.items.map((item) => item.template))].sort();
    const at = new Map(
      matrix.items.map((item) => [`${item.template}|${item.market}|${item.language}`, item]),
    );
    const locales = markets.flatMap((market) =>
      market.languages
        .filter((language) => inScope(principal, market.code, language))
        .map((language) => ({ market: market.code, language })),
    );
    const languages = [...new Set(locales.map((locale) => locale.language))].sort();
    const localeOptions = locales.map(
      (locale) =>
        html`<option value="${locale.market}|${locale.language}">${locale.market} · ${locale.language}</option>`,
    );

    return view.page(
      c,
      { title: t('console.nav.localization'), section: 'localization' },
      html`${report ? importReport(c, report) : ''}
      <section><h2>${t('console.localization.readiness')}</h2>
        <ul class="readiness">${readiness.map(
          (market) => html`<li><strong>${market.market}</strong>
            <progress max="100" value="${market.percent}">${market.percent}%</progress> <span class="percent">${market.percent}%</span>
            <span>${t(`readiness.${market.verdict}`, { market: market.market, percent: market.percent })}</span></li>`,
        )}</ul>
      </section>
      <section><h2>${t('console.localization.matrix')}</h2>
      <form method="get" action="/ui/localization" class="inline filters">
        <label>${t('console.market')} <select name="market"><option value="">${t('console.all')}</option>${markets.map(
          (market) =>
            html`<option value="${market.code}"${market.code === filter.market ? html` selected` : ''}>${market.code}</option>`,
        )}</select></label>
        <label>${t('console.language')} <select name="language"><option value="">${t('console.all')}</option>${languages.map(
          (language) =>
            html`<option value="${language}"${language === filter.language ? html` selected` : ''}>${language}</option>`,
        )}</select></label>
        <label>${t('console.status.label')} <select name="status"><option value="">${t('console.all')}</option>${CELL_STATUSES.map(
          (status) =>
            html`<option value="${status}"${status === filter.status ? html` selected` : ''}>${t(`console.status.${status}`)}</option>`,
        )}</select></label>
        <button type="submit">${t('console.filter')}</button>
      </form>
      ${
        keys.length
          ? html`<div class="scroll"><table class="matrix"><thead><tr><th>${t('console.templates.key')}</th>${columns.map((column) => html`<th>${column.replace('|', ' · ')}</th>`)}</tr></thead>
        <tbody>${keys.map(
          (key) =>
            html`<tr><th scope="row"><a href="/ui/templates/${key}">${key}</a></th>${columns.map((column) => {
              const item = at.get(`${key}|${column}`);
              if (!item) return html`<td class="none"></td>`;
              return html`<td><a class="cell" href="${variantPath(key, item.market, item.language)}">${chip(
                t,
                chipStatus(item.status, item.servedVersion !== null && item.servedVersion === item.version),
              )}${
                item.servedVersion !== null && item.servedVersion !== item.version
                  ? html`<span class="served-note">${t('console.template.serving', { version: item.servedVersion })}</span>`
                  : ''
              }</a></td>`;
            })}</tr>`,
        )}</tbody></table></div>`
          : html`<p class="muted">${t('console.localization.empty')}</p>`
      }
      </section>
      <section class="two"><div class="panel"><h2>${t('console.localization.export')}</h2>
        <form method="get" action="/ui/localization/export" class="stack">
          <label>${t('console.localization.locale')} <select name="locale">${localeOptions}</select></label>
          <button type="submit">${t('console.localization.download')}</button>
        </form></div>
      ${
        may(principal, 'authors')
          ? html`<div class="panel"><h2>${t('console.localization.import')}</h2>
        <form method="post" action="/ui/localization/import" enctype="multipart/form-data" class="stack">
          ${csrfField(c)}
          <label>${t('console.localization.locale')} <select name="locale">${localeOptions}</select></label>
          <label>${t('console.localization.file')} <input type="file" name="file" accept="application/json,.json" required /></label>
          <button type="submit">${t('console.localization.upload')}</button>
        </form></div>`
          : ''
      }</section>`,
    );
  }

  const splitLocale = (value: unknown) => {
    const [market, language] = typeof value === 'string' ? value.split('|') : [];
    return { market, language };
  };

  pages.get('/ui/localization', requireRole('readers'), (c) => overview(c));

  pages.get('/ui/localization/export', requireRole('readers'), async (c) => {
    const ref = localeOf(c, splitLocale(c.req.query('locale')));
    const resource = await exportResource(serviceContext(deps), ref);
    c.header('content-disposition', `attachment; filename="vetted-${ref.market}-${ref.language}.json"`);
    return c.json(resource);
  });

  pages.post('/ui/localization/import', requireRole('authors'), async (c) => {
    const body = await c.req.parseBody();
    const ref = localeOf(c, splitLocale(body.locale));
    const file = body.file;
    if (!(file instanceof File) || file.size > MAX_UPLOAD_BYTES)
      throw new AppError('validation-failed', {
        errors: [{ path: '/file', message: c.var.t('console.localization.fileRequired') }],
      });
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch {
      throw new AppError('validation-failed', {
        errors: [{ path: '/file', message: c.var.t('console.localization.notJson') }],
      });
    }
    const input = parseInput(ImportBodySchema, json);
    const report = await importResource(serviceContext(deps, uiActor(c)), ref, input, c.var.principal.keyId);
    return overview(c, report);
  });

  return pages;
}
